// A stand-in for Windows' HNetCfg.HNetShare so netcon's COM code can run under Wine, which
// has none. What it returns is scripted (script.cc); every object logs its construction
// and destruction so tests can count leaks.
#include "script.h"

#include <oleauto.h>

#include <cstring>
#include <utility>

namespace {

// Answered only by our own connection objects, so get_NetConnectionProps can tell them
// from foreign INetConnections without guessing from a cast.
const IID kIidFakeConnection = {
    0xf1d55df1, 0xad0e, 0x42aa, {0x9a, 0xf9, 0x57, 0xd4, 0xbc, 0x21, 0x96, 0x42}};

// The fake's own class, registered as NetCon.FakeHNetShare. On Windows the real HNetShare
// keeps its CLSID, so tests there reach the fake only through this one and
// createClient({ progId }); under Wine the fake serves the real CLSID as well.
const CLSID kClsidFakeHNetShare = {
    0x6b1f0c3e, 0x2d4a, 0x4e8b, {0x9c, 0x57, 0x3a, 0x1e, 0x8d, 0x20, 0x4f, 0x6a}};

// IUnknown for every class: one counter, and the "new"/"delete" lines leak tests count.
template <class Interface>
class Object : public Interface {
 public:
  explicit Object(const char* cls) : cls_(cls) { LogEvent("new", cls_); }
  virtual ~Object() { LogEvent("delete", cls_); }
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID iid, void** out) override {
    if (!out) return E_POINTER;
    *out = Answer(iid);
    if (!*out) return E_NOINTERFACE;
    AddRef();
    return S_OK;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return InterlockedIncrement(&refs_); }
  ULONG STDMETHODCALLTYPE Release() override {
    ULONG left = InterlockedDecrement(&refs_);
    if (left == 0) delete this;
    return left;
  }

 protected:
  // The interface pointer QueryInterface hands out for iid, or nullptr.
  virtual void* Answer(REFIID iid) = 0;

 private:
  LONG refs_ = 1;  // the creator's reference
  const char* cls_;
};

// The sharing interfaces are dual, but clients here never use late binding.
template <class Interface>
class Dispatch : public Object<Interface> {
 public:
  using Object<Interface>::Object;

  HRESULT STDMETHODCALLTYPE GetTypeInfoCount(UINT* count) override {
    if (!count) return E_POINTER;
    *count = 0;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetTypeInfo(UINT, LCID, ITypeInfo** info) override {
    if (info) *info = nullptr;
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE GetIDsOfNames(REFIID, LPOLESTR*, UINT, LCID, DISPID*) override {
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE Invoke(DISPID, REFIID, LCID, WORD, DISPPARAMS*, VARIANT*,
                                   EXCEPINFO*, UINT*) override {
    return E_NOTIMPL;
  }
};

LPWSTR CoTaskMemString(const std::wstring& s) {
  size_t bytes = (s.size() + 1) * sizeof(wchar_t);
  auto* copy = static_cast<LPWSTR>(CoTaskMemAlloc(bytes));
  if (copy) memcpy(copy, s.c_str(), bytes);
  return copy;
}

// One per enumerated item. It holds only the GUID, so it always shows the current state
// (a Disconnect through one object is seen through every other).
class Connection : public Object<INetConnection> {
 public:
  explicit Connection(ConnId id) : Object("Connection"), id_(std::move(id)) {}
  const ConnId& id() const { return id_; }

  HRESULT STDMETHODCALLTYPE Connect() override { return Switch("Connect", true); }
  HRESULT STDMETHODCALLTYPE Disconnect() override { return Switch("Disconnect", false); }
  HRESULT STDMETHODCALLTYPE Delete() override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE Duplicate(LPCWSTR, INetConnection** out) override {
    if (out) *out = nullptr;
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE GetUiObjectClassId(CLSID*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE Rename(LPCWSTR) override { return E_NOTIMPL; }

  HRESULT STDMETHODCALLTYPE GetProperties(NETCON_PROPERTIES** out) override {
    ScriptedCall call("GetProperties", &id_);
    if (!out) return call.Return(E_POINTER);
    *out = nullptr;
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    ConnState c;
    if (!FindConnection(id_.guid, &c)) return call.Return(kConnectionGone);

    // The caller frees the block and both strings with CoTaskMemFree (NcFreeNetconProperties).
    auto* props = static_cast<NETCON_PROPERTIES*>(CoTaskMemAlloc(sizeof(NETCON_PROPERTIES)));
    LPWSTR name = CoTaskMemString(c.name);
    LPWSTR device = CoTaskMemString(c.device);
    if (!props || !name || !device) {
      CoTaskMemFree(props);
      CoTaskMemFree(name);
      CoTaskMemFree(device);
      return call.Return(E_OUTOFMEMORY);
    }
    *props = NETCON_PROPERTIES{};
    props->guidId = c.id.guid;
    props->pszwName = name;
    props->pszwDeviceName = device;
    props->Status = c.status;
    props->MediaType = c.media;
    props->dwCharacter = c.characteristics;
    *out = props;
    return call.Return(call.scripted());
  }

 private:
  void* Answer(REFIID iid) override {
    if (IsEqualIID(iid, IID_IUnknown) || IsEqualIID(iid, IID_INetConnection) ||
        IsEqualIID(iid, kIidFakeConnection))
      return static_cast<INetConnection*>(this);
    return nullptr;
  }

  HRESULT Switch(const char* method, bool connected) {
    ScriptedCall call(method, &id_);
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    if (!ApplyAfterStatus(id_.guid, connected)) return call.Return(kConnectionGone);
    return call.Return(call.scripted());
  }

  const ConnId id_;
};

class Props : public Dispatch<INetConnectionProps> {
 public:
  explicit Props(ConnId id) : Dispatch("Props"), id_(std::move(id)) {}

  HRESULT STDMETHODCALLTYPE get_Guid(BSTR* out) override {
    return Get("get_Guid", out, [](const ConnState& c, BSTR* v) {
      *v = SysAllocString(Widen(c.id.text).c_str());
      return *v ? S_OK : E_OUTOFMEMORY;
    });
  }
  HRESULT STDMETHODCALLTYPE get_Name(BSTR* out) override {
    return Get("get_Name", out, [](const ConnState& c, BSTR* v) {
      *v = SysAllocString(c.name.c_str());
      return *v ? S_OK : E_OUTOFMEMORY;
    });
  }
  HRESULT STDMETHODCALLTYPE get_DeviceName(BSTR* out) override {
    return Get("get_DeviceName", out, [](const ConnState& c, BSTR* v) {
      *v = SysAllocString(c.device.c_str());
      return *v ? S_OK : E_OUTOFMEMORY;
    });
  }
  HRESULT STDMETHODCALLTYPE get_Status(NETCON_STATUS* out) override {
    return Get("get_Status", out, [](const ConnState& c, NETCON_STATUS* v) {
      *v = c.status;
      return S_OK;
    });
  }
  HRESULT STDMETHODCALLTYPE get_MediaType(NETCON_MEDIATYPE* out) override {
    return Get("get_MediaType", out, [](const ConnState& c, NETCON_MEDIATYPE* v) {
      *v = c.media;
      return S_OK;
    });
  }
  HRESULT STDMETHODCALLTYPE get_Characteristics(DWORD* out) override {
    return Get("get_Characteristics", out, [](const ConnState& c, DWORD* v) {
      *v = c.characteristics;
      return S_OK;
    });
  }

 private:
  void* Answer(REFIID iid) override {
    if (IsEqualIID(iid, IID_IUnknown) || IsEqualIID(iid, IID_IDispatch) ||
        IsEqualIID(iid, IID_INetConnectionProps))
      return static_cast<INetConnectionProps*>(this);
    return nullptr;
  }

  // The six getters differ only in which field they copy out.
  template <class T, class Fill>
  HRESULT Get(const char* method, T* out, Fill fill) {
    ScriptedCall call(method, &id_);
    if (!out) return call.Return(E_POINTER);
    *out = T();
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    ConnState c;
    if (!FindConnection(id_.guid, &c)) return call.Return(kConnectionGone);
    HRESULT hr = fill(c, out);
    return call.Return(FAILED(hr) ? hr : call.scripted());
  }

  const ConnId id_;
};

// Walks a snapshot of the GUIDs taken when it was made: a reload or a Disconnect meanwhile
// changes what the items report, not how many there are.
class Enum : public Object<IEnumVARIANT> {
 public:
  Enum(std::vector<ConnId> ids, size_t next) : Object("Enum"), ids_(std::move(ids)), next_(next) {}

  HRESULT STDMETHODCALLTYPE Next(ULONG celt, VARIANT* items, ULONG* fetched) override {
    ScriptedCall call("Next", nullptr);
    if (fetched) *fetched = 0;  // IEnumVARIANT allows NULL here, whatever celt is
    if (!items && celt > 0) return call.Return(E_POINTER);
    if (FAILED(call.scripted())) return call.Return(call.scripted());

    std::vector<ConnId> taken;
    AcquireSRWLockExclusive(&lock_);
    while (taken.size() < celt && next_ < ids_.size()) taken.push_back(ids_[next_++]);
    ReleaseSRWLockExclusive(&lock_);

    // Built outside the lock because each constructor writes to the log.
    for (size_t i = 0; i < taken.size(); ++i) {
      items[i].vt = VT_UNKNOWN;
      items[i].punkVal = static_cast<INetConnection*>(new Connection(taken[i]));
    }
    if (fetched) *fetched = static_cast<ULONG>(taken.size());
    HRESULT natural = taken.size() == celt ? S_OK : S_FALSE;
    return call.Return(call.scripted() != S_OK ? call.scripted() : natural);
  }

  HRESULT STDMETHODCALLTYPE Skip(ULONG celt) override {
    AcquireSRWLockExclusive(&lock_);
    size_t left = ids_.size() - next_;
    bool all = celt <= left;
    next_ += all ? celt : left;
    ReleaseSRWLockExclusive(&lock_);
    return all ? S_OK : S_FALSE;
  }

  HRESULT STDMETHODCALLTYPE Reset() override {
    AcquireSRWLockExclusive(&lock_);
    next_ = 0;
    ReleaseSRWLockExclusive(&lock_);
    return S_OK;
  }

  HRESULT STDMETHODCALLTYPE Clone(IEnumVARIANT** out) override {
    if (!out) return E_POINTER;
    AcquireSRWLockShared(&lock_);
    size_t next = next_;
    ReleaseSRWLockShared(&lock_);
    *out = new Enum(ids_, next);
    return S_OK;
  }

 private:
  void* Answer(REFIID iid) override {
    if (IsEqualIID(iid, IID_IUnknown) || IsEqualIID(iid, IID_IEnumVARIANT))
      return static_cast<IEnumVARIANT*>(this);
    return nullptr;
  }

  const std::vector<ConnId> ids_;
  SRWLOCK lock_ = SRWLOCK_INIT;  // guards next_: one enumerator may be shared by threads
  size_t next_;
};

class Collection : public Dispatch<INetSharingEveryConnectionCollection> {
 public:
  Collection() : Dispatch("Collection") {}

  HRESULT STDMETHODCALLTYPE get__NewEnum(IUnknown** out) override {
    ScriptedCall call("_NewEnum", nullptr);
    if (!out) return call.Return(E_POINTER);
    *out = nullptr;
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    *out = static_cast<IEnumVARIANT*>(new Enum(ConnectionIds(), 0));
    return call.Return(call.scripted());
  }

  HRESULT STDMETHODCALLTYPE get_Count(long* out) override {
    if (!out) return E_POINTER;
    *out = static_cast<long>(ConnectionIds().size());
    return S_OK;
  }

 private:
  void* Answer(REFIID iid) override {
    if (IsEqualIID(iid, IID_IUnknown) || IsEqualIID(iid, IID_IDispatch) ||
        IsEqualIID(iid, IID_INetSharingEveryConnectionCollection))
      return static_cast<INetSharingEveryConnectionCollection*>(this);
    return nullptr;
  }
};

class Manager : public Dispatch<INetSharingManager> {
 public:
  Manager() : Dispatch("Manager") {}

  HRESULT STDMETHODCALLTYPE get_SharingInstalled(VARIANT_BOOL* out) override {
    if (!out) return E_POINTER;
    *out = VARIANT_TRUE;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_EnumPublicConnections(
      SHARINGCONNECTION_ENUM_FLAGS, INetSharingPublicConnectionCollection** out) override {
    if (out) *out = nullptr;
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE get_EnumPrivateConnections(
      SHARINGCONNECTION_ENUM_FLAGS, INetSharingPrivateConnectionCollection** out) override {
    if (out) *out = nullptr;
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE get_INetSharingConfigurationForINetConnection(
      INetConnection*, INetSharingConfiguration** out) override {
    if (out) *out = nullptr;
    return E_NOTIMPL;
  }

  HRESULT STDMETHODCALLTYPE get_EnumEveryConnection(
      INetSharingEveryConnectionCollection** out) override {
    ScriptedCall call("EnumEveryConnection", nullptr);
    if (!out) return call.Return(E_POINTER);
    *out = nullptr;
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    *out = new Collection();
    return call.Return(call.scripted());
  }

  HRESULT STDMETHODCALLTYPE get_NetConnectionProps(INetConnection* conn,
                                                   INetConnectionProps** out) override {
    ConnId id;
    bool ours = false;
    void* found = nullptr;
    if (conn && SUCCEEDED(conn->QueryInterface(kIidFakeConnection, &found))) {
      auto* ourConn = static_cast<Connection*>(static_cast<INetConnection*>(found));
      id = ourConn->id();
      ours = true;
      ourConn->Release();
    }
    ScriptedCall call("NetConnectionProps", ours ? &id : nullptr);
    if (!out) return call.Return(E_POINTER);
    *out = nullptr;
    if (!ours) return call.Return(E_INVALIDARG);
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    *out = new Props(id);
    return call.Return(call.scripted());
  }

 private:
  void* Answer(REFIID iid) override {
    if (IsEqualIID(iid, IID_IUnknown) || IsEqualIID(iid, IID_IDispatch) ||
        IsEqualIID(iid, IID_INetSharingManager))
      return static_cast<INetSharingManager*>(this);
    return nullptr;
  }
};

class Factory : public Object<IClassFactory> {
 public:
  Factory() : Object("Factory") {}

  HRESULT STDMETHODCALLTYPE CreateInstance(IUnknown* outer, REFIID iid, void** out) override {
    // Before the scripted lookup, so a rewritten config's CreateInstance line applies.
    ReloadConfigIfChanged();
    ScriptedCall call("CreateInstance", nullptr);
    if (!out) return call.Return(E_POINTER);
    *out = nullptr;
    if (outer) return call.Return(CLASS_E_NOAGGREGATION);
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    Manager* manager = new Manager();
    HRESULT hr = manager->QueryInterface(iid, out);
    manager->Release();
    return call.Return(FAILED(hr) ? hr : call.scripted());
  }

  // The module is pinned, so there is nothing to keep loaded.
  HRESULT STDMETHODCALLTYPE LockServer(BOOL) override { return S_OK; }

 private:
  void* Answer(REFIID iid) override {
    if (IsEqualIID(iid, IID_IUnknown) || IsEqualIID(iid, IID_IClassFactory))
      return static_cast<IClassFactory*>(this);
    return nullptr;
  }
};

}  // namespace

STDAPI DllGetClassObject(REFCLSID clsid, REFIID iid, LPVOID* out) {
  if (!out) return E_POINTER;
  *out = nullptr;
  if (!IsEqualCLSID(clsid, CLSID_NetSharingManager) && !IsEqualCLSID(clsid, kClsidFakeHNetShare))
    return CLASS_E_CLASSNOTAVAILABLE;

  // Wine unloads an in-process server on the last CoUninitialize, which would wipe the
  // scripted state between two calls of one test; pinning keeps us loaded for the process.
  // FROM_ADDRESS takes any address inside this DLL.
  static LONG pinned = 0;
  if (InterlockedExchange(&pinned, 1) == 0) {
    HMODULE self;
    GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_PIN | GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS,
                       reinterpret_cast<LPCWSTR>(&kIidFakeConnection), &self);
  }

  Factory* factory = new Factory();
  HRESULT hr = factory->QueryInterface(iid, out);
  factory->Release();
  return hr;
}

// Process exit is the one moment every count is final (the module is pinned, so no earlier
// detach happens); the loader runs this before the C++ runtime's own teardown.
extern "C" BOOL WINAPI DllMain(HINSTANCE, DWORD reason, LPVOID) {
  if (reason == DLL_PROCESS_DETACH) WriteTally();
  return TRUE;
}

// Never: the module is pinned anyway, and unloading would lose the scripted state.
STDAPI DllCanUnloadNow() { return S_FALSE; }
