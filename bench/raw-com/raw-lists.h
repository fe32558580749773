// The raw COM loops netcon is measured against: the calls netcon's listConnections() and
// disconnect(guid) make, in the same order, with no Node-API, no worker thread and no error
// reporting. Used by raw-com.exe (bench/raw-com/raw-com.cc) and, inside node.exe, by the
// test-only addon (test/native-helper/), so that both sides of a ratio can run in one process.
// The caller's thread must be in a COM apartment. Plain Win32: MSVC, mingw-w64 and Zig build it.
#pragma once

#include <windows.h>
#include <netcon.h>
#include <objbase.h>
#include <oleauto.h>

#include <string>
#include <vector>

namespace raw_com {

// As in native/netcon_com.cc: spelled out, so no import library must carry them.
inline constexpr CLSID kClsidNetSharingManager = {0x5C63C1AD, 0x3956, 0x4FF8, {0x84, 0x86, 0x40, 0x03, 0x47, 0x58, 0x31, 0x5B}};
inline constexpr IID kIidNetSharingManager = {0xC08956B7, 0x1CD3, 0x11D1, {0xB1, 0xC5, 0x00, 0x80, 0x5F, 0xC1, 0x27, 0x0E}};
inline constexpr IID kIidNetConnection = {0xC08956A1, 0x1CD3, 0x11D1, {0xB1, 0xC5, 0x00, 0x80, 0x5F, 0xC1, 0x27, 0x0E}};
inline constexpr IID kIidEnumVariant = {0x00020404, 0x0000, 0x0000, {0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};

// What a caller keeps of each connection: the six properties, as netcon keeps them.
struct Connection {
  std::wstring id, name, device;
  NETCON_STATUS status;
  NETCON_MEDIATYPE media;
  DWORD characteristics;
};

inline std::wstring Read(INetConnectionProps* props, HRESULT (STDMETHODCALLTYPE INetConnectionProps::*getter)(BSTR*)) {
  BSTR b = nullptr;
  (props->*getter)(&b);
  std::wstring s = b ? std::wstring(b, SysStringLen(b)) : std::wstring();
  SysFreeString(b);
  return s;
}

// Calls visit(manager, connection) for each connection until it returns false. Failures
// just end the walk: the benchmark checks the count, not the HRESULT.
template <typename Visit>
bool Walk(const wchar_t* progId, Visit visit) {
  bool ok = false;
  CLSID clsid;
  if (FAILED(CLSIDFromProgID(progId, &clsid))) clsid = kClsidNetSharingManager;
  INetSharingManager* manager = nullptr;
  if (SUCCEEDED(CoCreateInstance(clsid, nullptr, CLSCTX_ALL, kIidNetSharingManager, reinterpret_cast<void**>(&manager)))) {
    INetSharingEveryConnectionCollection* collection = nullptr;
    if (SUCCEEDED(manager->get_EnumEveryConnection(&collection))) {
      IUnknown* unknown = nullptr;
      if (SUCCEEDED(collection->get__NewEnum(&unknown))) {
        IEnumVARIANT* items = nullptr;
        if (SUCCEEDED(unknown->QueryInterface(kIidEnumVariant, reinterpret_cast<void**>(&items)))) {
          ok = true;
          for (bool more = true; more;) {
            VARIANT item;
            VariantInit(&item);
            ULONG fetched = 0;
            if (items->Next(1, &item, &fetched) != S_OK || fetched == 0) break;
            INetConnection* connection = nullptr;
            if (SUCCEEDED(item.punkVal->QueryInterface(kIidNetConnection, reinterpret_cast<void**>(&connection)))) {
              more = visit(manager, connection);
              connection->Release();
            }
            VariantClear(&item);
          }
          items->Release();
        }
        unknown->Release();
      }
      collection->Release();
    }
    manager->Release();
  }
  return ok;
}

inline size_t List(const wchar_t* progId) {
  std::vector<Connection> out;
  Walk(progId, [&](INetSharingManager* manager, INetConnection* connection) {
    INetConnectionProps* props = nullptr;
    if (FAILED(manager->get_NetConnectionProps(connection, &props))) return false;
    Connection c{};
    c.id = Read(props, &INetConnectionProps::get_Guid);
    c.name = Read(props, &INetConnectionProps::get_Name);
    c.device = Read(props, &INetConnectionProps::get_DeviceName);
    props->get_Status(&c.status);
    props->get_MediaType(&c.media);
    props->get_Characteristics(&c.characteristics);
    props->Release();
    out.push_back(std::move(c));
    return true;
  });
  return out.size();
}

// The same list with one GetProperties per connection; the caller frees the strings and the
// block with CoTaskMemFree.
inline size_t ListWithGetProperties(const wchar_t* progId) {
  std::vector<Connection> out;
  Walk(progId, [&](INetSharingManager*, INetConnection* connection) {
    NETCON_PROPERTIES* p = nullptr;
    if (FAILED(connection->GetProperties(&p)) || !p) return false;
    wchar_t guid[39];
    StringFromGUID2(p->guidId, guid, 39);
    Connection c{guid, p->pszwName ? p->pszwName : L"", p->pszwDeviceName ? p->pszwDeviceName : L"", p->Status, p->MediaType,
                 p->dwCharacter};
    CoTaskMemFree(p->pszwName);
    CoTaskMemFree(p->pszwDeviceName);
    CoTaskMemFree(p);
    out.push_back(std::move(c));
    return true;
  });
  return out.size();
}

// netcon's disconnect(guid): walk reading each GUID; at the match read the name, Disconnect.
inline bool Disconnect(const wchar_t* progId, const std::wstring& guid) {
  bool done = false;
  Walk(progId, [&](INetSharingManager* manager, INetConnection* connection) {
    INetConnectionProps* props = nullptr;
    if (FAILED(manager->get_NetConnectionProps(connection, &props))) return false;
    std::wstring id = Read(props, &INetConnectionProps::get_Guid);
    if (_wcsicmp(id.c_str(), guid.c_str()) == 0) {
      Read(props, &INetConnectionProps::get_Name);  // netcon reads the name for its errors
      done = SUCCEEDED(connection->Disconnect());
    }
    props->Release();
    return !done;
  });
  return done;
}

}  // namespace raw_com
