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
// The same class registered with ThreadingModel=Apartment as NetCon.FakeHNetShareSta, so that
// callers in the MTA reach it through proxies (cancellable calls) on Windows.
const CLSID kClsidFakeHNetShareSta = {
    0x6b1f0c3e, 0x2d4a, 0x4e8b, {0x9c, 0x57, 0x3a, 0x1e, 0x8d, 0x20, 0x4f, 0x6b}};

// IUnknown for every class: one counter, and the "new"/"delete" lines leak tests count.
template <class Interface>
class Object : public Interface {
 public:
  explicit Object(const char* cls) : cls_(cls) { LogEvent("new", cls_); }
  virtual ~Object() = default;
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID iid, void** out) override {
    CheckAlive("QueryInterface");
    if (!out) return E_POINTER;
    *out = nullptr;
    // Only the two QueryInterface calls a client makes on the walk are scriptable.
    const char* scriptable = ScriptableQuery(iid);
    if (scriptable) {
      ScriptedCall call(scriptable, Conn());
      if (FAILED(call.scripted())) return call.Return(call.scripted());
      if (call.null()) return call.Return(S_OK);
      *out = Answer(iid);
      if (!*out) return call.Return(E_NOINTERFACE);
      AddRef();
      return call.Return(call.scripted());
    }
    *out = Answer(iid);
    if (!*out) return E_NOINTERFACE;
    AddRef();
    return S_OK;
  }
  ULONG STDMETHODCALLTYPE AddRef() override {
    CheckAlive("AddRef");
    return InterlockedIncrement(&refs_);
  }
  ULONG STDMETHODCALLTYPE Release() override {
    CheckAlive("Release");
    LONG left = InterlockedDecrement(&refs_);
    if (left == 0) {
      LogEvent("delete", cls_);
      // A zombie keeps its memory, so a later Release shows up as a warning, not a crash.
      if (KeepZombies()) return 0;
      delete this;
    }
    return static_cast<ULONG>(left);
  }

 protected:
  // The interface pointer QueryInterface hands out for iid, or nullptr.
  virtual void* Answer(REFIID iid) = 0;
  // The config's method name when a QueryInterface for iid is scriptable on this class.
  virtual const char* ScriptableQuery(REFIID) const { return nullptr; }
  virtual const ConnId* Conn() const { return nullptr; }
  // Every method of a zombie calls this first.
  void CheckAlive(const char* method) const {
    if (refs_ <= 0) LogLine(std::string("warn\t") + method + " after the last Release of a " + cls_);
  }

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

// With the length, not up to the first NUL: a name may carry embedded NULs on purpose.
BSTR AllocBstr(const std::wstring& s) {
  // An empty string still gets a BSTR; a NULL one is what "null" lines are for.
  return SysAllocStringLen(s.data(), static_cast<UINT>(s.size()));
}

// What a broken server may put in the enumeration where a connection belongs.
class Stranger : public Dispatch<IDispatch> {
 public:
  Stranger() : Dispatch("Stranger") {}

 private:
  void* Answer(REFIID iid) override {
    if (IsEqualIID(iid, IID_IUnknown) || IsEqualIID(iid, IID_IDispatch)) return static_cast<IDispatch*>(this);
    return nullptr;
  }
};

// A NUL-terminated copy for the client, as NETCON_PROPERTIES carries names: a name with an
// embedded NUL reaches the client cut there, as it would from Windows.
LPWSTR ClientString(const std::wstring& s) {
  size_t bytes = (s.size() + 1) * sizeof(wchar_t);
  auto* copy = static_cast<LPWSTR>(ClientBlock(bytes));
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
  // Removes the entry, in every process given the config: later enumerations leave it out and
  // every object about it answers kConnectionGone. E_NOTIMPL without NCCF_ALLOW_REMOVAL.
  HRESULT STDMETHODCALLTYPE Delete() override {
    CheckAlive("Delete");
    ScriptedCall call("Delete", &id_);
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    ServiceRoundTrip();
    HRESULT hr = DeleteConnectionOf(id_.guid);
    return call.Return(FAILED(hr) ? hr : call.scripted());
  }
  // A new connection named `name`, and a new object for it that the caller releases.
  HRESULT STDMETHODCALLTYPE Duplicate(LPCWSTR name, INetConnection** out) override {
    CheckAlive("Duplicate");
    ScriptedCall call("Duplicate", &id_);
    if (!out) return call.Return(E_POINTER);
    *out = nullptr;
    if (!name) return call.Return(E_POINTER);
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    ServiceRoundTrip();
    ConnId made;
    HRESULT hr = DuplicateConnectionOf(id_.guid, name, &made);
    if (FAILED(hr)) return call.Return(hr);
    // A "null" line: the copy is made, but the caller is handed no object for it.
    if (!call.null()) *out = new Connection(std::move(made));
    return call.Return(call.scripted());
  }
  HRESULT STDMETHODCALLTYPE GetUiObjectClassId(CLSID*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE Rename(LPCWSTR name) override {
    CheckAlive("Rename");
    ScriptedCall call("Rename", &id_);
    if (!name) return call.Return(E_POINTER);
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    ServiceRoundTrip();
    HRESULT hr = RenameConnection(id_.guid, name);
    return call.Return(FAILED(hr) ? hr : call.scripted());
  }

  // One call into the service, and the whole connection at one moment: what Windows' own
  // getters call each time, and what netcon reads instead of them.
  HRESULT STDMETHODCALLTYPE GetProperties(NETCON_PROPERTIES** out) override {
    CheckAlive("GetProperties");
    ScriptedCall call("GetProperties", &id_);
    if (!out) return call.Return(E_POINTER);
    *out = nullptr;
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    if (call.null()) return call.Return(S_OK);
    ServiceRoundTrip();
    ConnState c;
    if (!FindConnection(id_.guid, &c)) return call.Return(kConnectionGone);

    // The caller frees the block and both strings with CoTaskMemFree (NcFreeNetconProperties).
    auto* props = static_cast<NETCON_PROPERTIES*>(ClientBlock(sizeof(NETCON_PROPERTIES)));
    LPWSTR name = ClientString(c.name);
    LPWSTR device = ClientString(c.device);
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
  const char* ScriptableQuery(REFIID iid) const override {
    return IsEqualIID(iid, IID_INetConnection) ? "QueryInterface(INetConnection)" : nullptr;
  }
  const ConnId* Conn() const override { return &id_; }

  HRESULT Switch(const char* method, bool connected) {
    CheckAlive(method);
    ScriptedCall call(method, &id_);
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    ServiceRoundTrip();
    if (!ApplyAfterStatus(id_.guid, connected)) return call.Return(kConnectionGone);
    return call.Return(call.scripted());
  }

  const ConnId id_;
};

// A getter of one field of a connection, as Props' and SharingConfig's are: the script first,
// then the field as the connection is now (kConnectionGone once a reload dropped it).
// `roundTrip`: whether the getter calls into the service, as hnetcfg's Props getters do.
template <class T, class Fill>
HRESULT GetField(const char* method, const ConnId& id, bool roundTrip, T* out, Fill fill) {
  ScriptedCall call(method, &id);
  if (!out) return call.Return(E_POINTER);
  *out = T();
  if (FAILED(call.scripted())) return call.Return(call.scripted());
  // For a BSTR this is the NULL that COM lets stand for an empty string.
  if (call.null()) return call.Return(S_OK);
  if (roundTrip) ServiceRoundTrip();
  HRESULT hr = S_OK;
  if (!ReadConnection(id.guid, [&](const ConnState& c, NETCON_STATUS status) { hr = fill(c, status, out); }))
    return call.Return(kConnectionGone);
  return call.Return(FAILED(hr) ? hr : call.scripted());
}

class Props : public Dispatch<INetConnectionProps> {
 public:
  explicit Props(ConnId id) : Dispatch("Props"), id_(std::move(id)) {}

  HRESULT STDMETHODCALLTYPE get_Guid(BSTR* out) override {
    return Get("get_Guid", out, [](const ConnState& c, NETCON_STATUS, BSTR* v) {
      *v = AllocBstr(c.guidText);
      return *v ? S_OK : E_OUTOFMEMORY;
    });
  }
  HRESULT STDMETHODCALLTYPE get_Name(BSTR* out) override {
    return Get("get_Name", out, [](const ConnState& c, NETCON_STATUS, BSTR* v) {
      *v = AllocBstr(c.name);
      return *v ? S_OK : E_OUTOFMEMORY;
    });
  }
  HRESULT STDMETHODCALLTYPE get_DeviceName(BSTR* out) override {
    return Get("get_DeviceName", out, [](const ConnState& c, NETCON_STATUS, BSTR* v) {
      *v = AllocBstr(c.device);
      return *v ? S_OK : E_OUTOFMEMORY;
    });
  }
  HRESULT STDMETHODCALLTYPE get_Status(NETCON_STATUS* out) override {
    return Get("get_Status", out, [](const ConnState&, NETCON_STATUS status, NETCON_STATUS* v) {
      *v = status;
      return S_OK;
    });
  }
  HRESULT STDMETHODCALLTYPE get_MediaType(NETCON_MEDIATYPE* out) override {
    return Get("get_MediaType", out, [](const ConnState& c, NETCON_STATUS, NETCON_MEDIATYPE* v) {
      *v = c.media;
      return S_OK;
    });
  }
  HRESULT STDMETHODCALLTYPE get_Characteristics(DWORD* out) override {
    return Get("get_Characteristics", out, [](const ConnState& c, NETCON_STATUS, DWORD* v) {
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

  // The six getters differ only in which field they copy out. hnetcfg's each call
  // INetConnection::GetProperties and free what it returned: a round trip each.
  template <class T, class Fill>
  HRESULT Get(const char* method, T* out, Fill fill) {
    CheckAlive(method);
    return GetField(method, id_, true, out, fill);
  }

  const ConnId id_;
};

// One connection's Internet Connection Sharing. Like Props it holds only the GUID, so an
// EnableSharing through one object is seen through every other.
class SharingConfig : public Dispatch<INetSharingConfiguration> {
 public:
  explicit SharingConfig(ConnId id) : Dispatch("SharingConfig"), id_(std::move(id)) {}

  HRESULT STDMETHODCALLTYPE get_SharingEnabled(VARIANT_BOOL* out) override {
    return Get("get_SharingEnabled", out, [](const ConnState& c, NETCON_STATUS, VARIANT_BOOL* v) {
      *v = c.shared ? VARIANT_TRUE : VARIANT_FALSE;
      return S_OK;
    });
  }
  // An unshared connection reports public (0): a guess, as Windows does not document it.
  HRESULT STDMETHODCALLTYPE get_SharingConnectionType(SHARINGCONNECTIONTYPE* out) override {
    return Get("get_SharingConnectionType", out, [](const ConnState& c, NETCON_STATUS, SHARINGCONNECTIONTYPE* v) {
      *v = c.shared ? static_cast<SHARINGCONNECTIONTYPE>(c.sharingType) : ICSSHARINGTYPE_PUBLIC;
      return S_OK;
    });
  }

  HRESULT STDMETHODCALLTYPE EnableSharing(SHARINGCONNECTIONTYPE type) override {
    CheckAlive("EnableSharing");
    ScriptedCall call("EnableSharing", &id_);
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    HRESULT hr = EnableSharingOf(id_.guid, static_cast<DWORD>(type));
    return call.Return(FAILED(hr) ? hr : call.scripted());
  }
  HRESULT STDMETHODCALLTYPE DisableSharing() override {
    CheckAlive("DisableSharing");
    ScriptedCall call("DisableSharing", &id_);
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    if (!DisableSharingOf(id_.guid)) return call.Return(kConnectionGone);
    return call.Return(call.scripted());
  }

  // The old Internet Connection Firewall: netcon does not use it.
  HRESULT STDMETHODCALLTYPE get_InternetFirewallEnabled(VARIANT_BOOL* out) override {
    if (out) *out = VARIANT_FALSE;
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE DisableInternetFirewall() override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE EnableInternetFirewall() override { return E_NOTIMPL; }

  // The flags (ICSSC_DEFAULT or ICSSC_ENABLED) are not looked at: every mapping is listed.
  HRESULT STDMETHODCALLTYPE get_EnumPortMappings(SHARINGCONNECTION_ENUM_FLAGS,
                                                 INetSharingPortMappingCollection** out) override;
  HRESULT STDMETHODCALLTYPE AddPortMapping(BSTR name, UCHAR protocol, USHORT externalPort, USHORT internalPort, DWORD,
                                           BSTR target, ICS_TARGETTYPE type, INetSharingPortMapping** out) override;
  HRESULT STDMETHODCALLTYPE RemovePortMapping(INetSharingPortMapping* mapping) override;

 private:
  void* Answer(REFIID iid) override {
    if (IsEqualIID(iid, IID_IUnknown) || IsEqualIID(iid, IID_IDispatch) ||
        IsEqualIID(iid, IID_INetSharingConfiguration))
      return static_cast<INetSharingConfiguration*>(this);
    return nullptr;
  }

  // The two getters differ only in which field they copy out; the sharing methods cost no
  // round trip (README: roundtrip).
  template <class T, class Fill>
  HRESULT Get(const char* method, T* out, Fill fill) {
    CheckAlive(method);
    return GetField(method, id_, false, out, fill);
  }

  const ConnId id_;
};

// Answered only by our own port mapping objects, so RemovePortMapping can tell them from others.
const IID kIidFakePortMapping = {
    0xf1d55df2, 0xad0e, 0x42aa, {0x9a, 0xf9, 0x57, 0xd4, 0xbc, 0x21, 0x96, 0x42}};

// Which mapping an object talks about: its connection, protocol and external port (Windows'
// key). Like Props it holds no copy of the mapping, so a change through one object is seen
// through every other, in every process.
struct MappingKey {
  ConnId conn;
  DWORD protocol;
  DWORD externalPort;
};

class PortMappingProps : public Dispatch<INetSharingPortMappingProps> {
 public:
  explicit PortMappingProps(MappingKey key) : Dispatch("PortMappingProps"), key_(std::move(key)) {}

  HRESULT STDMETHODCALLTYPE get_Name(BSTR* out) override {
    return Get("PortMapping.get_Name", out, [](const MappingState& m, BSTR* v) {
      *v = AllocBstr(m.name);
      return *v ? S_OK : E_OUTOFMEMORY;
    });
  }
  HRESULT STDMETHODCALLTYPE get_IPProtocol(UCHAR* out) override {
    return Get("PortMapping.get_IPProtocol", out, [](const MappingState& m, UCHAR* v) {
      *v = static_cast<UCHAR>(m.protocol);
      return S_OK;
    });
  }
  // Ports are handed out as given to AddPortMapping: host byte order (docs/sharing.md).
  HRESULT STDMETHODCALLTYPE get_ExternalPort(long* out) override {
    return Get("PortMapping.get_ExternalPort", out, [](const MappingState& m, long* v) {
      *v = static_cast<long>(m.externalPort);
      return S_OK;
    });
  }
  HRESULT STDMETHODCALLTYPE get_InternalPort(long* out) override {
    return Get("PortMapping.get_InternalPort", out, [](const MappingState& m, long* v) {
      *v = static_cast<long>(m.internalPort);
      return S_OK;
    });
  }
  HRESULT STDMETHODCALLTYPE get_Options(long* out) override {
    return Get("PortMapping.get_Options", out, [](const MappingState&, long* v) {
      *v = 0;
      return S_OK;
    });
  }
  // The target of the other type reads as an empty string: our guess, undocumented.
  HRESULT STDMETHODCALLTYPE get_TargetName(BSTR* out) override {
    return Get("PortMapping.get_TargetName", out, [](const MappingState& m, BSTR* v) {
      *v = AllocBstr(m.targetIsAddress ? std::wstring() : m.target);
      return *v ? S_OK : E_OUTOFMEMORY;
    });
  }
  HRESULT STDMETHODCALLTYPE get_TargetIPAddress(BSTR* out) override {
    return Get("PortMapping.get_TargetIPAddress", out, [](const MappingState& m, BSTR* v) {
      *v = AllocBstr(m.targetIsAddress ? m.target : std::wstring());
      return *v ? S_OK : E_OUTOFMEMORY;
    });
  }
  HRESULT STDMETHODCALLTYPE get_Enabled(VARIANT_BOOL* out) override {
    return Get("PortMapping.get_Enabled", out, [](const MappingState& m, VARIANT_BOOL* v) {
      *v = m.enabled ? VARIANT_TRUE : VARIANT_FALSE;
      return S_OK;
    });
  }

 private:
  void* Answer(REFIID iid) override {
    if (IsEqualIID(iid, IID_IUnknown) || IsEqualIID(iid, IID_IDispatch) ||
        IsEqualIID(iid, IID_INetSharingPortMappingProps))
      return static_cast<INetSharingPortMappingProps*>(this);
    return nullptr;
  }

  template <class T, class Fill>
  HRESULT Get(const char* method, T* out, Fill fill) {
    CheckAlive(method);
    ScriptedCall call(method, &key_.conn);
    if (!out) return call.Return(E_POINTER);
    *out = T();
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    if (call.null()) return call.Return(S_OK);
    MappingState m;
    HRESULT hr = ReadMapping(key_.conn.guid, key_.protocol, key_.externalPort, &m);
    if (FAILED(hr)) return call.Return(hr);
    hr = fill(m, out);
    return call.Return(FAILED(hr) ? hr : call.scripted());
  }

  const MappingKey key_;
};

class PortMapping : public Dispatch<INetSharingPortMapping> {
 public:
  explicit PortMapping(MappingKey key) : Dispatch("PortMapping"), key_(std::move(key)) {}

  const MappingKey& key() const { return key_; }

  HRESULT STDMETHODCALLTYPE Disable() override { return SetEnabled("PortMapping.Disable", false); }
  HRESULT STDMETHODCALLTYPE Enable() override { return SetEnabled("PortMapping.Enable", true); }
  HRESULT STDMETHODCALLTYPE get_Properties(INetSharingPortMappingProps** out) override {
    CheckAlive("PortMapping.get_Properties");
    ScriptedCall call("PortMapping.get_Properties", &key_.conn);
    if (!out) return call.Return(E_POINTER);
    *out = nullptr;
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    if (call.null()) return call.Return(S_OK);
    MappingState m;
    HRESULT hr = ReadMapping(key_.conn.guid, key_.protocol, key_.externalPort, &m);
    if (FAILED(hr)) return call.Return(hr);
    *out = new PortMappingProps(key_);
    return call.Return(call.scripted());
  }
  HRESULT STDMETHODCALLTYPE Delete() override {
    CheckAlive("PortMapping.Delete");
    ScriptedCall call("PortMapping.Delete", &key_.conn);
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    HRESULT hr = RemoveMapping(key_.conn.guid, key_.protocol, key_.externalPort);
    return call.Return(FAILED(hr) ? hr : call.scripted());
  }

 private:
  HRESULT SetEnabled(const char* method, bool enabled) {
    CheckAlive(method);
    ScriptedCall call(method, &key_.conn);
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    HRESULT hr = SetMappingEnabled(key_.conn.guid, key_.protocol, key_.externalPort, enabled);
    return call.Return(FAILED(hr) ? hr : call.scripted());
  }
  void* Answer(REFIID iid) override {
    if (IsEqualIID(iid, IID_IUnknown) || IsEqualIID(iid, IID_IDispatch) ||
        IsEqualIID(iid, IID_INetSharingPortMapping))
      return static_cast<INetSharingPortMapping*>(this);
    if (IsEqualIID(iid, kIidFakePortMapping)) return this;
    return nullptr;
  }
  const char* ScriptableQuery(REFIID iid) const override {
    return IsEqualIID(iid, IID_INetSharingPortMapping) ? "QueryInterface(INetSharingPortMapping)" : nullptr;
  }
  const ConnId* Conn() const override { return &key_.conn; }

  const MappingKey key_;
};

// An IEnumVARIANT over a snapshot of the items taken when it was made: a reload or a
// Disconnect meanwhile changes what the items report, not how many there are. Its place is
// guarded: one enumerator may be shared by threads. Derived makes each item's VARIANT in Next.
template <typename Derived, typename Item>
class SnapshotEnum : public Object<IEnumVARIANT> {
 public:
  HRESULT STDMETHODCALLTYPE Skip(ULONG celt) override {
    AcquireSRWLockExclusive(&lock_);
    size_t left = items_.size() - next_;
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
    *out = new Derived(items_, next);
    return S_OK;
  }

 protected:
  SnapshotEnum(const char* cls, std::vector<Item> items, size_t next) : Object(cls), items_(std::move(items)), next_(next) {}

  // Up to celt items from where the walk is, and whether the walk is then at its end. The
  // caller builds their VARIANTs outside the lock: each constructor writes to the log.
  std::vector<Item> Take(ULONG celt, bool* last) {
    std::vector<Item> taken;
    AcquireSRWLockExclusive(&lock_);
    while (taken.size() < celt && next_ < items_.size()) taken.push_back(items_[next_++]);
    *last = next_ == items_.size();
    ReleaseSRWLockExclusive(&lock_);
    return taken;
  }

  void* Answer(REFIID iid) override {
    if (IsEqualIID(iid, IID_IUnknown) || IsEqualIID(iid, IID_IEnumVARIANT)) return static_cast<IEnumVARIANT*>(this);
    return nullptr;
  }

  const std::vector<Item> items_;

 private:
  SRWLOCK lock_ = SRWLOCK_INIT;
  size_t next_;
};

// The mappings of one connection, as an automation collection hands them out: VT_DISPATCH
// items, from a snapshot of the keys taken when the enumerator was made.
class PortMappingEnum : public SnapshotEnum<PortMappingEnum, MappingKey> {
 public:
  PortMappingEnum(std::vector<MappingKey> keys, size_t next) : SnapshotEnum("PortMappingEnum", std::move(keys), next) {}

  HRESULT STDMETHODCALLTYPE Next(ULONG celt, VARIANT* items, ULONG* fetched) override {
    CheckAlive("PortMappings.Next");
    ScriptedCall call("PortMappings.Next", Conn());
    if (fetched) *fetched = 0;
    if (!items && celt > 0) return call.Return(E_POINTER);
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    bool last = false;
    std::vector<MappingKey> taken = Take(celt, &last);
    for (size_t i = 0; i < taken.size(); ++i) {
      VariantInit(&items[i]);
      items[i].vt = VT_DISPATCH;
      items[i].pdispVal = static_cast<INetSharingPortMapping*>(new PortMapping(taken[i]));
    }
    if (fetched) *fetched = static_cast<ULONG>(taken.size());
    HRESULT natural = taken.size() == celt ? S_OK : S_FALSE;
    return call.Return(call.scripted() != S_OK ? call.scripted() : natural);
  }

 private:
  const char* ScriptableQuery(REFIID iid) const override {
    return IsEqualIID(iid, IID_IEnumVARIANT) ? "PortMappings.QueryInterface(IEnumVARIANT)" : nullptr;
  }
  const ConnId* Conn() const override { return items_.empty() ? nullptr : &items_[0].conn; }
};

class PortMappingCollection : public Dispatch<INetSharingPortMappingCollection> {
 public:
  explicit PortMappingCollection(ConnId id) : Dispatch("PortMappingCollection"), id_(std::move(id)) {}

  HRESULT STDMETHODCALLTYPE get__NewEnum(IUnknown** out) override {
    CheckAlive("PortMappings._NewEnum");
    ScriptedCall call("PortMappings._NewEnum", &id_);
    if (!out) return call.Return(E_POINTER);
    *out = nullptr;
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    if (call.null()) return call.Return(S_OK);
    std::vector<MappingState> mappings;
    if (!ReadMappings(id_.guid, &mappings)) return call.Return(kConnectionGone);
    std::vector<MappingKey> keys;
    for (const MappingState& m : mappings) keys.push_back(MappingKey{id_, m.protocol, m.externalPort});
    *out = static_cast<IEnumVARIANT*>(new PortMappingEnum(std::move(keys), 0));
    return call.Return(call.scripted());
  }
  HRESULT STDMETHODCALLTYPE get_Count(long* out) override {
    if (!out) return E_POINTER;
    std::vector<MappingState> mappings;
    if (!ReadMappings(id_.guid, &mappings)) return kConnectionGone;
    *out = static_cast<long>(mappings.size());
    return S_OK;
  }

 private:
  void* Answer(REFIID iid) override {
    if (IsEqualIID(iid, IID_IUnknown) || IsEqualIID(iid, IID_IDispatch) ||
        IsEqualIID(iid, IID_INetSharingPortMappingCollection))
      return static_cast<INetSharingPortMappingCollection*>(this);
    return nullptr;
  }

  const ConnId id_;
};

HRESULT STDMETHODCALLTYPE SharingConfig::get_EnumPortMappings(SHARINGCONNECTION_ENUM_FLAGS,
                                                              INetSharingPortMappingCollection** out) {
  CheckAlive("EnumPortMappings");
  ScriptedCall call("EnumPortMappings", &id_);
  if (!out) return call.Return(E_POINTER);
  *out = nullptr;
  if (FAILED(call.scripted())) return call.Return(call.scripted());
  if (call.null()) return call.Return(S_OK);
  std::vector<MappingState> mappings;
  if (!ReadMappings(id_.guid, &mappings)) return call.Return(kConnectionGone);
  *out = new PortMappingCollection(id_);
  return call.Return(call.scripted());
}

HRESULT STDMETHODCALLTYPE SharingConfig::AddPortMapping(BSTR name, UCHAR protocol, USHORT externalPort,
                                                        USHORT internalPort, DWORD, BSTR target, ICS_TARGETTYPE type,
                                                        INetSharingPortMapping** out) {
  CheckAlive("AddPortMapping");
  ScriptedCall call("AddPortMapping", &id_);
  if (!out) return call.Return(E_POINTER);
  *out = nullptr;
  if (FAILED(call.scripted())) return call.Return(call.scripted());
  if (!name || !target || (type != ICSTT_NAME && type != ICSTT_IPADDRESS)) return call.Return(E_INVALIDARG);
  MappingState m;
  m.name.assign(name, SysStringLen(name));
  m.protocol = protocol;
  m.externalPort = externalPort;
  m.internalPort = internalPort;
  m.targetIsAddress = type == ICSTT_IPADDRESS;
  m.target.assign(target, SysStringLen(target));
  HRESULT hr = AddMapping(id_.guid, m);
  if (FAILED(hr)) return call.Return(hr);
  if (call.null()) return call.Return(S_OK);
  *out = new PortMapping(MappingKey{id_, m.protocol, m.externalPort});
  return call.Return(call.scripted());
}

HRESULT STDMETHODCALLTYPE SharingConfig::RemovePortMapping(INetSharingPortMapping* mapping) {
  CheckAlive("RemovePortMapping");
  ScriptedCall call("RemovePortMapping", &id_);
  if (FAILED(call.scripted())) return call.Return(call.scripted());
  void* ours = nullptr;
  if (!mapping || FAILED(mapping->QueryInterface(kIidFakePortMapping, &ours)) || !ours) return call.Return(E_INVALIDARG);
  auto* fake = static_cast<PortMapping*>(ours);
  MappingKey key = fake->key();
  static_cast<INetSharingPortMapping*>(fake)->Release();
  // A mapping of another connection is not this one's to remove.
  if (!IsEqualGUID(key.conn.guid, id_.guid)) return call.Return(E_INVALIDARG);
  HRESULT hr = RemoveMapping(key.conn.guid, key.protocol, key.externalPort);
  return call.Return(FAILED(hr) ? hr : call.scripted());
}

// Every connection of the machine, as EnumEveryConnection's collection hands them out (and the
// broken items a config can ask for).
class Enum : public SnapshotEnum<Enum, EnumItem> {
 public:
  Enum(std::vector<EnumItem> items, size_t next) : SnapshotEnum("Enum", std::move(items), next) {}

  HRESULT STDMETHODCALLTYPE Next(ULONG celt, VARIANT* items, ULONG* fetched) override {
    CheckAlive("Next");
    ScriptedCall call("Next", nullptr);
    if (fetched) *fetched = 0;  // IEnumVARIANT allows NULL here, whatever celt is
    if (!items && celt > 0) return call.Return(E_POINTER);
    if (FAILED(call.scripted())) return call.Return(call.scripted());

    bool last = false;
    std::vector<EnumItem> taken = Take(celt, &last);
    for (size_t i = 0; i < taken.size(); ++i) {
      VariantInit(&items[i]);
      switch (taken[i].kind) {
        case EnumItem::kConnection:
          items[i].vt = VT_UNKNOWN;
          items[i].punkVal = static_cast<INetConnection*>(new Connection(taken[i].id));
          break;
        case EnumItem::kEmpty:
          break;
        case EnumItem::kI4:
          items[i].vt = VT_I4;
          items[i].lVal = 42;
          break;
        case EnumItem::kStranger:
          items[i].vt = VT_DISPATCH;
          items[i].pdispVal = new Stranger();
          break;
      }
    }
    if (fetched) *fetched = static_cast<ULONG>(taken.size());
    HRESULT natural = taken.size() == celt ? S_OK : S_FALSE;
    NextEnding ending = NextEndingMode();
    if (ending == NextEnding::kLastItemWithSFalse && last && !taken.empty()) natural = S_FALSE;
    if (ending == NextEnding::kOkWithNothing && taken.empty()) natural = S_OK;
    return call.Return(call.scripted() != S_OK ? call.scripted() : natural);
  }

 private:
  const char* ScriptableQuery(REFIID iid) const override {
    return IsEqualIID(iid, IID_IEnumVARIANT) ? "QueryInterface(IEnumVARIANT)" : nullptr;
  }
};

class Collection : public Dispatch<INetSharingEveryConnectionCollection> {
 public:
  Collection() : Dispatch("Collection") {}

  HRESULT STDMETHODCALLTYPE get__NewEnum(IUnknown** out) override {
    CheckAlive("_NewEnum");
    ScriptedCall call("_NewEnum", nullptr);
    if (!out) return call.Return(E_POINTER);
    *out = nullptr;
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    if (call.null()) return call.Return(S_OK);
    *out = static_cast<IEnumVARIANT*>(new Enum(EnumerationItems(), 0));
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
  // An E_NOINTERFACE "hresult" line models a connection Windows cannot share.
  HRESULT STDMETHODCALLTYPE get_INetSharingConfigurationForINetConnection(
      INetConnection* conn, INetSharingConfiguration** out) override {
    ConnId id;
    bool ours = OurConnection(conn, &id);
    CheckAlive("INetSharingConfigurationForINetConnection");
    ScriptedCall call("INetSharingConfigurationForINetConnection", ours ? &id : nullptr);
    if (!out) return call.Return(E_POINTER);
    *out = nullptr;
    if (!ours) return call.Return(E_INVALIDARG);
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    if (call.null()) return call.Return(S_OK);
    *out = new SharingConfig(id);
    return call.Return(call.scripted());
  }

  HRESULT STDMETHODCALLTYPE get_EnumEveryConnection(
      INetSharingEveryConnectionCollection** out) override {
    CheckAlive("EnumEveryConnection");
    ScriptedCall call("EnumEveryConnection", nullptr);
    if (!out) return call.Return(E_POINTER);
    *out = nullptr;
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    if (call.null()) return call.Return(S_OK);
    *out = new Collection();
    return call.Return(call.scripted());
  }

  HRESULT STDMETHODCALLTYPE get_NetConnectionProps(INetConnection* conn,
                                                   INetConnectionProps** out) override {
    ConnId id;
    bool ours = OurConnection(conn, &id);
    CheckAlive("NetConnectionProps");
    ScriptedCall call("NetConnectionProps", ours ? &id : nullptr);
    if (!out) return call.Return(E_POINTER);
    *out = nullptr;
    if (!ours) return call.Return(E_INVALIDARG);
    if (FAILED(call.scripted())) return call.Return(call.scripted());
    if (call.null()) return call.Return(S_OK);
    *out = new Props(id);
    return call.Return(call.scripted());
  }

 private:
  // Which connection conn is, if it is one of ours (from the enumeration).
  static bool OurConnection(INetConnection* conn, ConnId* id) {
    void* found = nullptr;
    if (!conn || FAILED(conn->QueryInterface(kIidFakeConnection, &found))) return false;
    auto* ourConn = static_cast<Connection*>(static_cast<INetConnection*>(found));
    *id = ourConn->id();
    ourConn->Release();
    return true;
  }

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
    if (call.null()) return call.Return(S_OK);
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
  if (!IsEqualCLSID(clsid, CLSID_NetSharingManager) && !IsEqualCLSID(clsid, kClsidFakeHNetShare) &&
      !IsEqualCLSID(clsid, kClsidFakeHNetShareSta))
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
