// Owners for the four kinds of COM resources the addon touches. Every early return in
// netcon_com.cc relies on these to release what was acquired, so a failing step never leaks.
#pragma once

#include <windows.h>
#include <netcon.h>
#include <oleauto.h>

#include <string>

// Spelled out so that linking does not depend on which import library carries it.
inline constexpr IID kIidEnumVariant = {0x00020404, 0x0000, 0x0000, {0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};

// A server that says S_OK but hands back NULL would otherwise crash us on the next call.
inline HRESULT NullOutIsFailure(HRESULT hr, const void* out) { return SUCCEEDED(hr) && !out ? E_POINTER : hr; }

template <typename T>
class ComPtr {
 public:
  ComPtr() = default;
  ComPtr(const ComPtr&) = delete;
  ComPtr& operator=(const ComPtr&) = delete;
  ~ComPtr() { reset(); }

  T* get() const { return p_; }
  T* operator->() const { return p_; }
  explicit operator bool() const { return p_ != nullptr; }

  // For out-parameters: drops what is held so a reused pointer cannot leak.
  T** put() {
    reset();
    return &p_;
  }
  void** put_void() { return reinterpret_cast<void**>(put()); }

  void reset() {
    if (p_) {
      T* p = p_;
      p_ = nullptr;
      p->Release();
    }
  }

 private:
  T* p_ = nullptr;
};

class Bstr {
 public:
  Bstr() = default;
  Bstr(const Bstr&) = delete;
  Bstr& operator=(const Bstr&) = delete;
  ~Bstr() { SysFreeString(b_); }

  BSTR* put() {
    SysFreeString(b_);
    b_ = nullptr;
    return &b_;
  }
  // SysStringLen, not wcslen: a BSTR may hold embedded NULs and must not be cut there.
  std::wstring str() const { return b_ ? std::wstring(b_, SysStringLen(b_)) : std::wstring(); }

 private:
  BSTR b_ = nullptr;
};

class Variant {
 public:
  Variant() { VariantInit(&v_); }
  Variant(const Variant&) = delete;
  Variant& operator=(const Variant&) = delete;
  ~Variant() { VariantClear(&v_); }

  VARIANT* put() {
    VariantClear(&v_);
    return &v_;
  }
  const VARIANT& get() const { return v_; }

 private:
  VARIANT v_;
};

// What INetConnection::GetProperties hands out. The caller frees both strings and the block
// with CoTaskMemFree, which is all netshell.dll's NcFreeNetconProperties does; Wine has no
// netshell.dll, so netcon does not link to it.
class NetconProperties {
 public:
  NetconProperties() = default;
  NetconProperties(const NetconProperties&) = delete;
  NetconProperties& operator=(const NetconProperties&) = delete;
  ~NetconProperties() { reset(); }

  NETCON_PROPERTIES** put() {
    reset();
    return &p_;
  }
  const NETCON_PROPERTIES* get() const { return p_; }

 private:
  void reset() {
    if (!p_) return;
    CoTaskMemFree(p_->pszwName);
    CoTaskMemFree(p_->pszwDeviceName);
    CoTaskMemFree(p_);
    p_ = nullptr;
  }

  NETCON_PROPERTIES* p_ = nullptr;
};
