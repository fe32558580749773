#include "netcon_com.h"

#include <netcon.h>
#include <objbase.h>
#include <wchar.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <vector>

#include "com_ptr.h"
#include "com_threads.h"

namespace {

// Spelled out so that linking does not depend on which import library carries the netcon
// GUIDs (mingw-w64's libuuid does, not every SDK's uuid.lib).
constexpr CLSID kClsidNetSharingManager = {0x5C63C1AD, 0x3956, 0x4FF8, {0x84, 0x86, 0x40, 0x03, 0x47, 0x58, 0x31, 0x5B}};
constexpr IID kIidNetSharingManager = {0xC08956B7, 0x1CD3, 0x11D1, {0xB1, 0xC5, 0x00, 0x80, 0x5F, 0xC1, 0x27, 0x0E}};
constexpr IID kIidNetConnection = {0xC08956A1, 0x1CD3, 0x11D1, {0xB1, 0xC5, 0x00, 0x80, 0x5F, 0xC1, 0x27, 0x0E}};
constexpr wchar_t kDefaultProgId[] = L"HNetCfg.HNetShare";

bool Fail(ComFailure& failure, HRESULT hr, const char* step) {
  failure.hr = hr;
  failure.step = step;
  JobWanted();  // a call that failed has returned: an abandoned job's cancelling stops here
  return false;
}

// The answer an abandoned job ends with. Nobody reads it; it only stops the job's calls.
constexpr char kAbandoned[] = "abandoned";

bool CreateManager(const std::wstring& progId, ComPtr<INetSharingManager>& manager, ComFailure& failure) {
  CLSID clsid;
  HRESULT hr = ResolveClsid(progId, &clsid);
  if (FAILED(hr)) return Fail(failure, hr, "CLSIDFromProgID");
  hr = CoCreateInstance(clsid, nullptr, CLSCTX_ALL, kIidNetSharingManager, manager.put_void());
  if (FAILED(hr = NullOutIsFailure(hr, manager.get()))) return Fail(failure, hr, "CoCreateInstance");
  return JobWanted() || Fail(failure, E_ABORT, kAbandoned);
}

// A connection can vanish while it is being enumerated (a USB adapter pulled, a Hyper-V
// switch or a VPN removed): ERROR_NOT_FOUND on that connection alone says it no longer
// exists, and so, while it is only being read, does RPC_E_DISCONNECTED (its object is gone).
// RPC_S_SERVER_UNAVAILABLE is not among them: it says the Network Connections service is
// unreachable, and a list without its connections would be a false one.
bool Vanished(HRESULT hr) { return hr == HRESULT_FROM_WIN32(ERROR_NOT_FOUND) || hr == RPC_E_DISCONNECTED; }

// What an action's own call answers when its connection was removed before the call: only
// ERROR_NOT_FOUND. RPC_E_DISCONNECTED there may come after Windows acted, so it is reported.
bool GoneBeforeTheAction(HRESULT hr) { return hr == HRESULT_FROM_WIN32(ERROR_NOT_FOUND); }

// What a visitor tells ForEachConnection after each connection. Failed means the visitor
// has filled in the failure; Stop ends the walk successfully.
enum class Walk { Next, Stop, Failed };

// Calls visit(connection) for each connection in enumeration order until it says Stop or
// Failed; false when the walk or the visitor failed. Every item is released before the next
// is fetched.
template <typename Visit>
bool ForEachConnection(INetSharingManager* manager, ComFailure& failure, Visit&& visit) {
  ComPtr<INetSharingEveryConnectionCollection> collection;
  HRESULT hr = manager->get_EnumEveryConnection(collection.put());
  if (FAILED(hr = NullOutIsFailure(hr, collection.get()))) return Fail(failure, hr, "EnumEveryConnection");

  ComPtr<IUnknown> unknown;
  hr = collection->get__NewEnum(unknown.put());
  if (FAILED(hr = NullOutIsFailure(hr, unknown.get())))
    return Fail(failure, hr, "INetSharingEveryConnectionCollection::_NewEnum");
  ComPtr<IEnumVARIANT> items;
  hr = unknown->QueryInterface(kIidEnumVariant, items.put_void());
  if (FAILED(hr = NullOutIsFailure(hr, items.get()))) return Fail(failure, hr, "QueryInterface(IEnumVARIANT)");

  for (;;) {
    if (!JobWanted()) return Fail(failure, E_ABORT, kAbandoned);
    Variant item;
    ULONG fetched = 0;
    hr = items->Next(1, item.put(), &fetched);
    if (FAILED(hr)) return Fail(failure, hr, "IEnumVARIANT::Next");
    // Nothing fetched is the end, whatever the HRESULT: S_OK with nothing would otherwise
    // loop forever. A server may hand out its last item with S_FALSE: that item still counts.
    if (fetched == 0) return true;
    bool last = hr != S_OK;

    const VARIANT& v = item.get();
    IUnknown* object = (v.vt == VT_UNKNOWN || v.vt == VT_DISPATCH) ? v.punkVal : nullptr;
    // HNetShare only yields objects; anything else means the server is broken, and
    // skipping it silently could hide the very connection the caller asked for.
    if (!object) return Fail(failure, DISP_E_TYPEMISMATCH, "IEnumVARIANT::Next");
    ComPtr<INetConnection> connection;
    hr = object->QueryInterface(kIidNetConnection, connection.put_void());
    if (Vanished(hr)) {  // an item whose connection went away meanwhile: as if never listed
      if (last) return true;
      continue;
    }
    if (FAILED(hr = NullOutIsFailure(hr, connection.get()))) return Fail(failure, hr, "QueryInterface(INetConnection)");
    Walk next = visit(connection.get());
    bool wanted = JobWanted();  // before this item's Releases
    if (next != Walk::Next) return next == Walk::Stop;
    if (!wanted) return Fail(failure, E_ABORT, kAbandoned);
    if (last) return true;
  }
}

enum class Read { Ok, Vanished, Failed };

// The first failing step of a read decides how it ended.
class Reader {
 public:
  explicit Reader(ComFailure& failure) : failure_(failure) {}
  bool Step(HRESULT hr, const char* step) {
    if (!JobWanted()) {
      hr = E_ABORT;
      step = kAbandoned;
    }
    if (SUCCEEDED(hr)) return true;
    if (Vanished(hr)) {
      outcome_ = Read::Vanished;
      // Kept for a caller that cannot take the read as a connection gone: the copy a Duplicate
      // has just made. Every other caller's next failure overwrites both.
      failure_.hr = hr;
      failure_.step = step;
    } else {
      outcome_ = Read::Failed;
      Fail(failure_, hr, step);
    }
    return false;
  }
  Read outcome() const { return outcome_; }

 private:
  ComFailure& failure_;
  Read outcome_ = Read::Ok;
};

// Braces optional, any case, as src/guid.ts reads a GUID.
bool ParseGuid(const std::wstring& text, GUID* out) {
  std::wstring braced = text.size() == 36 ? L"{" + text + L"}" : text;
  return braced.size() == 38 && braced.front() == L'{' && SUCCEEDED(IIDFromString(braced.c_str(), out));
}


// Whether a connection's id names the target: by GUID value, so case and braces do not
// matter; an id that is no GUID at all can only match as text.
bool SameConnection(const std::wstring& id, const GUID& target, const std::wstring& targetText) {
  GUID guid;
  return ParseGuid(id, &guid) ? IsEqualGUID(guid, target) : _wcsicmp(id.c_str(), targetText.c_str()) == 0;
}

// One INetConnection::GetProperties: the whole connection in one call into the Network
// Connections service and as it was at one moment (each of hnetcfg's getters calls it and
// keeps one field).
HRESULT ReadProperties(INetConnection* connection, RawConnection& raw) {
  NetconProperties props;
  HRESULT hr = connection->GetProperties(props.put());
  if (FAILED(hr = NullOutIsFailure(hr, props.get()))) return hr;
  const NETCON_PROPERTIES& p = *props.get();
  // Written into a reused RawConnection's buffers (ListConnections reads every connection
  // into one): no allocation per connection.
  GuidText(p.guidId, raw.id);
  raw.name.assign(p.pszwName ? p.pszwName : L"");
  raw.deviceName.assign(p.pszwDeviceName ? p.pszwDeviceName : L"");
  raw.status = static_cast<int32_t>(p.Status);
  raw.mediaType = static_cast<int32_t>(p.MediaType);
  raw.characteristics = p.dwCharacter;
  return S_OK;
}

bool ReadString(Reader& reader, HRESULT (STDMETHODCALLTYPE INetConnectionProps::*getter)(BSTR*),
                INetConnectionProps* props, const char* step, std::wstring& out) {
  Bstr value;
  if (!reader.Step((props->*getter)(value.put()), step)) return false;
  out = value.str();
  return true;
}

// Which fields a getter read needs: an action walk only compares ids and names its target.
enum class Fields { All, IdAndName };

// The way hnetcfg's own wrapper reads a connection, one getter and one service round trip
// per field: only for a server whose GetProperties is not implemented.
Read ReadWithGetters(INetSharingManager* manager, INetConnection* connection, Fields fields, RawConnection& raw,
                     ComFailure& failure) {
  Reader reader(failure);
  ComPtr<INetConnectionProps> props;
  HRESULT hr = manager->get_NetConnectionProps(connection, props.put());
  if (!reader.Step(NullOutIsFailure(hr, props.get()), "NetConnectionProps")) return reader.outcome();
  INetConnectionProps* p = props.get();
  NETCON_STATUS status = NCS_DISCONNECTED;
  NETCON_MEDIATYPE media = NCM_NONE;
  DWORD characteristics = 0;
  bool ok = ReadString(reader, &INetConnectionProps::get_Guid, p, "INetConnectionProps::get_Guid", raw.id) &&
            ReadString(reader, &INetConnectionProps::get_Name, p, "INetConnectionProps::get_Name", raw.name) &&
            (fields == Fields::IdAndName ||
             (ReadString(reader, &INetConnectionProps::get_DeviceName, p, "INetConnectionProps::get_DeviceName",
                         raw.deviceName) &&
              reader.Step(p->get_Status(&status), "INetConnectionProps::get_Status") &&
              reader.Step(p->get_MediaType(&media), "INetConnectionProps::get_MediaType") &&
              reader.Step(p->get_Characteristics(&characteristics), "INetConnectionProps::get_Characteristics")));
  if (!ok) {
    failure.connectionId = raw.id;
    failure.connectionName = raw.name;
    return reader.outcome();
  }
  raw.status = static_cast<int32_t>(status);
  raw.mediaType = static_cast<int32_t>(media);
  raw.characteristics = characteristics;
  return Read::Ok;
}

Read ReadConnection(INetSharingManager* manager, INetConnection* connection, Fields fields, RawConnection& raw,
                    ComFailure& failure) {
  // A reused raw must not lend the last connection's id and name to this one's failure.
  raw.id.clear();
  raw.name.clear();
  raw.deviceName.clear();
  HRESULT hr = ReadProperties(connection, raw);
  if (hr == E_NOTIMPL || hr == E_NOINTERFACE) return ReadWithGetters(manager, connection, fields, raw, failure);
  Reader reader(failure);
  reader.Step(hr, "INetConnection::GetProperties");
  return reader.outcome();
}

}  // namespace

const char kSharingConfigurationStep[] = "INetSharingConfigurationForINetConnection";

HRESULT GetSharingConfiguration(INetSharingManager* manager, INetConnection* connection,
                                INetSharingConfiguration** configuration) {
  HRESULT hr = manager->get_INetSharingConfigurationForINetConnection(connection, configuration);
  return NullOutIsFailure(hr, *configuration);
}

HRESULT ResolveClsid(const std::wstring& progId, CLSID* clsid) {
  HRESULT hr = CLSIDFromProgID(progId.c_str(), clsid);
  if (SUCCEEDED(hr) || progId != kDefaultProgId) return hr;
  // Windows' own HNetShare may have lost its ProgID key while its CLSID still works;
  // trying the documented CLSID lets CoCreateInstance give the real answer.
  *clsid = kClsidNetSharingManager;
  return S_OK;
}

void GuidText(const GUID& guid, std::wstring& out) {
  wchar_t text[39];
  out.assign(text, StringFromGUID2(guid, text, 39) ? 38 : 0);
}

std::wstring GuidText(const GUID& guid) {
  std::wstring text;
  GuidText(guid, text);
  return text;
}

namespace {

std::atomic<ListBuffers*> gSpareList{nullptr};  // never freed: the process's exit takes it
constexpr size_t kKeptListBytes = 1 << 20;

ListBuffersPtr TakeListBuffers() {
  ListBuffers* spare = gSpareList.exchange(nullptr);
  return ListBuffersPtr(spare ? spare : new ListBuffers);
}

}  // namespace

void KeepForNextList::operator()(ListBuffers* buffers) const noexcept {
  if (buffers->text.capacity() * sizeof(wchar_t) + buffers->fields.capacity() * sizeof(double) > kKeptListBytes) {
    delete buffers;
    return;
  }
  buffers->text.clear();
  buffers->fields.clear();
  delete gSpareList.exchange(buffers);
}

ListOutcome ListConnections(const std::wstring& progId) {
  ListOutcome out;
  ComPtr<INetSharingManager> manager;
  if (!CreateManager(progId, manager, out.failure)) return out;
  out.list = TakeListBuffers();
  std::wstring& text = out.list->text;
  std::vector<double>& fields = out.list->fields;
  // Sized from the last list, with room for a few more connections: a list too long to be
  // kept (KeepForNextList) is then not grown step by step.
  static std::atomic<size_t> lastText{0}, lastFields{0};
  text.reserve(lastText.load(std::memory_order_relaxed) * 9 / 8);
  fields.reserve(lastFields.load(std::memory_order_relaxed) * 9 / 8);
  RawConnection raw;
  out.ok = ForEachConnection(manager.get(), out.failure, [&](INetConnection* connection) {
    switch (ReadConnection(manager.get(), connection, Fields::All, raw, out.failure)) {
      case Read::Ok:
        for (const std::wstring* s : {&raw.id, &raw.name, &raw.deviceName}) {
          text.append(*s);
          fields.push_back(static_cast<double>(s->size()));
        }
        fields.push_back(raw.status);
        fields.push_back(raw.mediaType);
        fields.push_back(raw.characteristics);
        return Walk::Next;
      case Read::Vanished:  // gone by the time the list returns: not listed
        return Walk::Next;
      default:
        return Walk::Failed;
    }
  });
  if (out.ok) {
    lastText.store(text.size(), std::memory_order_relaxed);
    lastFields.store(fields.size(), std::memory_order_relaxed);
  }
  return out;
}

namespace {

// Finds the connection `guid` and runs act(manager, connection) on it: the walk and the
// failure reporting every action shares.
template <typename Act>
ActionOutcome ActOnConnection(const std::wstring& progId, const std::wstring& guid, Act&& act) {
  ActionOutcome out;
  ComPtr<INetSharingManager> manager;
  if (!CreateManager(progId, manager, out.failure)) return out;
  // The connection is found again inside this job rather than kept from an earlier list:
  // no COM pointer outlives the job that made it.
  GUID target;
  if (!ParseGuid(guid, &target)) target = GUID_NULL;  // src/ passes canonical GUIDs only
  out.ok = ForEachConnection(manager.get(), out.failure, [&](INetConnection* connection) {
    RawConnection raw;
    Read read = ReadConnection(manager.get(), connection, Fields::IdAndName, raw, out.failure);
    if (read == Read::Vanished) return Walk::Next;  // if it was the target, it is not found
    if (read == Read::Failed) return Walk::Failed;
    if (!SameConnection(raw.id, target, guid)) return Walk::Next;
    out.id = raw.id;
    out.name = raw.name;
    out.failure.connectionId = raw.id;
    out.failure.connectionName = raw.name;
    // An abandoned job never acts: its caller has been told the outcome is unknown, and a
    // change made later still would surprise it.
    if (!JobWanted()) {
      Fail(out.failure, E_ABORT, kAbandoned);
      return Walk::Failed;
    }
    Acted acted = act(manager.get(), connection);
    out.hr = acted.hr;
    // Removed between the walk and the call: the same answer as a connection never there.
    if (GoneBeforeTheAction(out.hr)) return Walk::Stop;
    out.found = true;
    if (FAILED(out.hr)) {
      Fail(out.failure, out.hr, acted.step);
      return Walk::Failed;
    }
    return Walk::Stop;
  });
  return out;
}

HRESULT GetSharingConfiguration(INetSharingManager* manager, INetConnection* connection,
                                ComPtr<INetSharingConfiguration>& configuration) {
  return ::GetSharingConfiguration(manager, connection, configuration.put());
}

// One connection's sharing, into `sharing` (its id and name already read). As ReadWithGetters
// does, a failure names the connection only when there is one.
Read ReadSharingOf(INetSharingManager* manager, INetConnection* connection, RawSharing& sharing, ComFailure& failure) {
  ComPtr<INetSharingConfiguration> configuration;
  HRESULT hr = GetSharingConfiguration(manager, connection, configuration);
  // What .NET callers see as an InvalidCastException: a connection Windows does not share
  // (some virtual adapters), which belongs in the picture rather than failing it.
  if (hr == E_NOINTERFACE) return Read::Ok;
  Reader reader(failure);
  VARIANT_BOOL enabled = VARIANT_FALSE;
  SHARINGCONNECTIONTYPE type = ICSSHARINGTYPE_PUBLIC;  // read only while shared
  bool ok = reader.Step(hr, kSharingConfigurationStep) &&
            reader.Step(configuration->get_SharingEnabled(&enabled), "INetSharingConfiguration::get_SharingEnabled") &&
            (enabled == VARIANT_FALSE ||
             reader.Step(configuration->get_SharingConnectionType(&type),
                         "INetSharingConfiguration::get_SharingConnectionType"));
  if (!ok) {
    failure.connectionId = sharing.id;
    failure.connectionName = sharing.name;
    return reader.outcome();
  }
  sharing.shareable = true;
  sharing.enabled = enabled != VARIANT_FALSE;
  sharing.type = static_cast<int32_t>(type);
  return Read::Ok;
}

}  // namespace

ActionOutcome ApplyToConnection(const std::wstring& progId, const std::wstring& guid, ConnectionAction action) {
  bool disconnect = action == ConnectionAction::Disconnect;
  return ActOnConnection(progId, guid, [&](INetSharingManager*, INetConnection* connection) {
    return disconnect ? Acted{connection->Disconnect(), "INetConnection::Disconnect"}
                      : Acted{connection->Connect(), "INetConnection::Connect"};
  });
}

SharingOutcome ReadSharing(const std::wstring& progId) {
  SharingOutcome out;
  ComPtr<INetSharingManager> manager;
  if (!CreateManager(progId, manager, out.failure)) return out;
  out.ok = ForEachConnection(manager.get(), out.failure, [&](INetConnection* connection) {
    RawConnection raw;
    Read read = ReadConnection(manager.get(), connection, Fields::IdAndName, raw, out.failure);
    RawSharing sharing{raw.id, raw.name};
    if (read == Read::Ok) read = ReadSharingOf(manager.get(), connection, sharing, out.failure);
    if (read == Read::Failed) return Walk::Failed;
    // One gone meanwhile is not listed, as in a list.
    if (read == Read::Ok) out.connections.push_back(std::move(sharing));
    return Walk::Next;
  });
  return out;
}

ActionOutcome SetSharing(const std::wstring& progId, const std::wstring& guid, int32_t type) {
  return ActOnConnection(progId, guid, [&](INetSharingManager* manager, INetConnection* connection) {
    ComPtr<INetSharingConfiguration> configuration;
    HRESULT hr = GetSharingConfiguration(manager, connection, configuration);
    if (FAILED(hr)) return Acted{hr, kSharingConfigurationStep};
    if (!JobWanted()) return Acted{E_ABORT, kAbandoned};
    if (type == kDisableSharing) return Acted{configuration->DisableSharing(), "INetSharingConfiguration::DisableSharing"};
    return Acted{configuration->EnableSharing(static_cast<SHARINGCONNECTIONTYPE>(type)),
                 "INetSharingConfiguration::EnableSharing"};
  });
}

ActionOutcome ActOnConnectionWith(const std::wstring& progId, const std::wstring& guid, const ConnectionAct& act) {
  return ActOnConnection(progId, guid, act);
}

ActionOutcome RenameConnection(const std::wstring& progId, const std::wstring& guid, const std::wstring& newName) {
  return ActOnConnection(progId, guid, [&](INetSharingManager*, INetConnection* connection) {
    return Acted{connection->Rename(newName.c_str()), "INetConnection::Rename"};
  });
}

ActionOutcome DeleteConnection(const std::wstring& progId, const std::wstring& guid) {
  return ActOnConnection(progId, guid, [&](INetSharingManager*, INetConnection* connection) {
    return Acted{connection->Delete(), "INetConnection::Delete"};
  });
}

namespace {

// The steps of reading the copy back, named apart from the same steps on the source: an error
// there must say that the copy exists although it could not be read.
const char* DuplicateStep(const char* step) {
  static constexpr const char* kSteps[][2] = {
      {"INetConnection::GetProperties", "INetConnection::GetProperties (the duplicate)"},
      {"NetConnectionProps", "NetConnectionProps (the duplicate)"},
      {"INetConnectionProps::get_Guid", "INetConnectionProps::get_Guid (the duplicate)"},
      {"INetConnectionProps::get_Name", "INetConnectionProps::get_Name (the duplicate)"},
      {"INetConnectionProps::get_DeviceName", "INetConnectionProps::get_DeviceName (the duplicate)"},
      {"INetConnectionProps::get_Status", "INetConnectionProps::get_Status (the duplicate)"},
      {"INetConnectionProps::get_MediaType", "INetConnectionProps::get_MediaType (the duplicate)"},
      {"INetConnectionProps::get_Characteristics", "INetConnectionProps::get_Characteristics (the duplicate)"},
  };
  for (const auto& pair : kSteps)
    if (strcmp(pair[0], step) == 0) return pair[1];
  return step;  // "abandoned"
}

}  // namespace

DuplicateOutcome DuplicateConnection(const std::wstring& progId, const std::wstring& guid, const std::wstring& newName) {
  DuplicateOutcome out;
  ComFailure copyFailure;
  Read copyRead = Read::Ok;
  static_cast<ActionOutcome&>(out) = ActOnConnection(progId, guid, [&](INetSharingManager* manager, INetConnection* connection) {
    ComPtr<INetConnection> copy;
    HRESULT hr = connection->Duplicate(newName.c_str(), copy.put());
    if (FAILED(hr = NullOutIsFailure(hr, copy.get()))) return Acted{hr, "INetConnection::Duplicate"};
    out.made = true;
    // Read here, while the copy's object is ours; released with it at the end of this job. Its
    // failure is kept apart: ActOnConnection would take ERROR_NOT_FOUND for the source gone.
    copyRead = ReadConnection(manager, copy.get(), Fields::All, out.duplicate, copyFailure);
    return Acted{hr, "INetConnection::Duplicate"};
  });
  if (!out.ok || !out.made || copyRead == Read::Ok) return out;
  // A copy that went again at once (deleted by someone else) is still a copy that could not be
  // read: its HRESULT and step are reported as any other failure's.
  out.ok = false;
  out.failure.hr = copyFailure.hr;
  out.failure.step = DuplicateStep(copyFailure.step);
  // The failure names the source, as every failure of the action does; the copy's name is the
  // caller's newName.
  return out;
}

namespace {

// Who may call into COM objects this process exposes, once COM security is the process's:
// local SYSTEM, the Administrators and the process's own user, on this machine only. A null
// descriptor would turn off access checks on every object the process ever exposes (a
// callback, an event sink of the host app's). Built once and never freed: COM may keep
// referring to it for the life of the process.
struct AccessDescriptor {
  SECURITY_DESCRIPTOR descriptor;
  std::vector<BYTE> user, system, administrators, acl;
};

constexpr DWORD kComRightsExecute = 1 | 2;  // COM_RIGHTS_EXECUTE | COM_RIGHTS_EXECUTE_LOCAL
constexpr char kSecurityDescriptorStep[] = "CoInitializeSecurity (its security descriptor)";

DWORD WellKnownSid(WELL_KNOWN_SID_TYPE type, std::vector<BYTE>& sid) {
  DWORD size = SECURITY_MAX_SID_SIZE;
  sid.resize(size);
  return CreateWellKnownSid(type, nullptr, sid.data(), &size) ? ERROR_SUCCESS : GetLastError();
}

DWORD ProcessUserSid(std::vector<BYTE>& sid) {
  HANDLE token;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) return GetLastError();
  DWORD size = 0;
  GetTokenInformation(token, TokenUser, nullptr, 0, &size);
  std::vector<BYTE> info(size ? size : 1);
  DWORD error = GetTokenInformation(token, TokenUser, info.data(), size, &size) ? ERROR_SUCCESS : GetLastError();
  CloseHandle(token);
  if (error != ERROR_SUCCESS) return error;
  PSID user = reinterpret_cast<TOKEN_USER*>(info.data())->User.Sid;
  sid.resize(GetLengthSid(user));
  return CopySid(static_cast<DWORD>(sid.size()), sid.data(), user) ? ERROR_SUCCESS : GetLastError();
}

// In absolute form, with owner and group set, as CoInitializeSecurity requires.
DWORD BuildAccessDescriptor(AccessDescriptor& d) {
  DWORD error;
  if ((error = ProcessUserSid(d.user)) != ERROR_SUCCESS ||
      (error = WellKnownSid(WinLocalSystemSid, d.system)) != ERROR_SUCCESS ||
      (error = WellKnownSid(WinBuiltinAdministratorsSid, d.administrators)) != ERROR_SUCCESS)
    return error;
  DWORD size = sizeof(ACL);
  for (const std::vector<BYTE>* sid : {&d.system, &d.administrators, &d.user})
    size += sizeof(ACCESS_ALLOWED_ACE) - sizeof(DWORD) + GetLengthSid(const_cast<BYTE*>(sid->data()));
  d.acl.resize(size);
  auto* acl = reinterpret_cast<ACL*>(d.acl.data());
  if (!InitializeAcl(acl, size, ACL_REVISION)) return GetLastError();
  for (std::vector<BYTE>* sid : {&d.system, &d.administrators, &d.user})
    if (!AddAccessAllowedAce(acl, ACL_REVISION, kComRightsExecute, sid->data())) return GetLastError();
  if (!InitializeSecurityDescriptor(&d.descriptor, SECURITY_DESCRIPTOR_REVISION) ||
      !SetSecurityDescriptorOwner(&d.descriptor, d.user.data(), FALSE) ||
      !SetSecurityDescriptorGroup(&d.descriptor, d.user.data(), FALSE) ||
      !SetSecurityDescriptorDacl(&d.descriptor, TRUE, acl, FALSE))
    return GetLastError();
  return ERROR_SUCCESS;
}

}  // namespace

SecurityOutcome InitializeComSecurity() {
  SecurityOutcome out;
  auto access = std::make_unique<AccessDescriptor>();
  DWORD error = BuildAccessDescriptor(*access);
  if (error != ERROR_SUCCESS) {
    Fail(out.failure, HRESULT_FROM_WIN32(error), kSecurityDescriptorStep);
    return out;
  }
  // The process-wide default every proxy starts from: identify is Windows' own default,
  // impersonate is what the Network Connections service needs to show RAS connections.
  HRESULT hr = CoInitializeSecurity(&access->descriptor, -1, nullptr, nullptr, RPC_C_AUTHN_LEVEL_DEFAULT,
                                    RPC_C_IMP_LEVEL_IMPERSONATE, nullptr, EOAC_NONE, nullptr);
  out.ok = SUCCEEDED(hr) || Fail(out.failure, hr, "CoInitializeSecurity");
  if (out.ok) access.release();  // the process's now
  return out;
}

namespace {

std::wstring FormatFrom(DWORD source, HMODULE module, DWORD code) {
  wchar_t* text = nullptr;
  DWORD length = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | source | FORMAT_MESSAGE_IGNORE_INSERTS, module, code, 0,
                                reinterpret_cast<wchar_t*>(&text), 0, nullptr);
  std::wstring message;
  if (length && text) {
    message.assign(text, length);
    while (!message.empty() && (message.back() == L'\r' || message.back() == L'\n' || message.back() == L' '))
      message.pop_back();
  }
  LocalFree(text);
  return message;
}

// RAS errors (600-1000: a VPN or dial-up hang-up) have their texts in mprmsg.dll, not in the
// system's table. Loaded by its full System32 path, and as data: a planted mprmsg.dll in the
// app's folder, first on the search path, must never be read, let alone run. (Wine, tested,
// ignores LOAD_LIBRARY_SEARCH_SYSTEM32 for a data file and took the planted one.)
std::wstring RasMessage(DWORD code) {
  wchar_t system[MAX_PATH];
  UINT length = GetSystemDirectoryW(system, MAX_PATH);
  if (length == 0 || length >= MAX_PATH) return std::wstring();
  std::wstring path = std::wstring(system, length) + L"\\mprmsg.dll";
  HMODULE mprmsg = LoadLibraryExW(path.c_str(), nullptr, LOAD_LIBRARY_AS_DATAFILE);
  if (!mprmsg) return std::wstring();
  std::wstring message = FormatFrom(FORMAT_MESSAGE_FROM_HMODULE, mprmsg, code);
  FreeLibrary(mprmsg);
  return message;
}

}  // namespace

std::wstring SystemMessage(HRESULT hr) {
  std::wstring message = FormatFrom(FORMAT_MESSAGE_FROM_SYSTEM, nullptr, static_cast<DWORD>(hr));
  DWORD code = HRESULT_CODE(hr);
  if (message.empty() && HRESULT_FACILITY(hr) == FACILITY_WIN32 && code >= 600 && code <= 1000) message = RasMessage(code);
  return message;
}
