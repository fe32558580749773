#include "netcon_com.h"

#include <netcon.h>
#include <objbase.h>
#include <wchar.h>

#include <new>

#include "com_ptr.h"

namespace {

// Spelled out so that linking does not depend on which import library carries the netcon
// GUIDs (mingw-w64's libuuid does, not every SDK's uuid.lib).
constexpr CLSID kClsidNetSharingManager = {0x5C63C1AD, 0x3956, 0x4FF8, {0x84, 0x86, 0x40, 0x03, 0x47, 0x58, 0x31, 0x5B}};
constexpr IID kIidNetSharingManager = {0xC08956B7, 0x1CD3, 0x11D1, {0xB1, 0xC5, 0x00, 0x80, 0x5F, 0xC1, 0x27, 0x0E}};
constexpr IID kIidNetConnection = {0xC08956A1, 0x1CD3, 0x11D1, {0xB1, 0xC5, 0x00, 0x80, 0x5F, 0xC1, 0x27, 0x0E}};
constexpr IID kIidEnumVariant = {0x00020404, 0x0000, 0x0000, {0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};
constexpr wchar_t kDefaultProgId[] = L"HNetCfg.HNetShare";

// RAS/VPN connections are only enumerable at impersonate level. An addon cannot own the
// process-wide CoInitializeSecurity, so ask for it per proxy. In-process objects are not
// proxies and answer E_NOINTERFACE, which is expected and harmless.
void AllowImpersonation(IUnknown* p) {
  if (!p) return;
  CoSetProxyBlanket(p, RPC_C_AUTHN_DEFAULT, RPC_C_AUTHZ_DEFAULT, COLE_DEFAULT_PRINCIPAL, RPC_C_AUTHN_LEVEL_DEFAULT,
                    RPC_C_IMP_LEVEL_IMPERSONATE, nullptr, EOAC_DEFAULT);
}

// A server that says S_OK but hands back NULL would otherwise crash us on the next call.
HRESULT CheckOut(HRESULT hr, const void* out) { return SUCCEEDED(hr) && !out ? E_POINTER : hr; }

bool Fail(ComFailure& failure, HRESULT hr, const char* step) {
  failure.hr = hr;
  failure.step = step;
  return false;
}

bool CreateManager(const std::wstring& progId, ComPtr<INetSharingManager>& manager, ComFailure& failure) {
  CLSID clsid;
  HRESULT hr = CLSIDFromProgID(progId.c_str(), &clsid);
  if (FAILED(hr)) {
    // Windows' own HNetShare may have lost its ProgID key while its CLSID still works;
    // trying the documented CLSID lets CoCreateInstance give the real answer.
    if (progId != kDefaultProgId) return Fail(failure, hr, "CLSIDFromProgID");
    clsid = kClsidNetSharingManager;
  }
  hr = CoCreateInstance(clsid, nullptr, CLSCTX_ALL, kIidNetSharingManager, manager.put_void());
  if (FAILED(hr = CheckOut(hr, manager.get()))) return Fail(failure, hr, "CoCreateInstance");
  AllowImpersonation(manager.get());
  return true;
}

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
  if (FAILED(hr = CheckOut(hr, collection.get()))) return Fail(failure, hr, "EnumEveryConnection");
  AllowImpersonation(collection.get());

  ComPtr<IUnknown> unknown;
  hr = collection->get__NewEnum(unknown.put());
  if (FAILED(hr = CheckOut(hr, unknown.get())))
    return Fail(failure, hr, "INetSharingEveryConnectionCollection::_NewEnum");
  ComPtr<IEnumVARIANT> items;
  hr = unknown->QueryInterface(kIidEnumVariant, items.put_void());
  if (FAILED(hr = CheckOut(hr, items.get()))) return Fail(failure, hr, "QueryInterface(IEnumVARIANT)");
  AllowImpersonation(items.get());

  for (;;) {
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
    if (FAILED(hr = CheckOut(hr, connection.get()))) return Fail(failure, hr, "QueryInterface(INetConnection)");
    AllowImpersonation(connection.get());
    Walk next = visit(connection.get());
    if (next != Walk::Next) return next == Walk::Stop;
    if (last) return true;
  }
}

bool OpenProps(INetSharingManager* manager, INetConnection* connection, ComPtr<INetConnectionProps>& props,
               ComFailure& failure) {
  HRESULT hr = manager->get_NetConnectionProps(connection, props.put());
  if (FAILED(hr = CheckOut(hr, props.get()))) return Fail(failure, hr, "NetConnectionProps");
  return true;
}

bool ReadString(HRESULT (STDMETHODCALLTYPE INetConnectionProps::*getter)(BSTR*), INetConnectionProps* props,
                const char* step, std::wstring& out, ComFailure& failure) {
  Bstr value;
  HRESULT hr = (props->*getter)(value.put());
  if (FAILED(hr)) return Fail(failure, hr, step);
  out = value.str();
  return true;
}

bool ReadConnection(INetSharingManager* manager, INetConnection* connection, RawConnection& raw, ComFailure& failure) {
  ComPtr<INetConnectionProps> props;
  if (!OpenProps(manager, connection, props, failure)) return false;
  INetConnectionProps* p = props.get();
  NETCON_STATUS status = NCS_DISCONNECTED;
  NETCON_MEDIATYPE media = NCM_NONE;
  DWORD characteristics = 0;
  HRESULT hr;
  bool ok = ReadString(&INetConnectionProps::get_Guid, p, "INetConnectionProps::get_Guid", raw.id, failure) &&
            ReadString(&INetConnectionProps::get_Name, p, "INetConnectionProps::get_Name", raw.name, failure) &&
            ReadString(&INetConnectionProps::get_DeviceName, p, "INetConnectionProps::get_DeviceName", raw.deviceName,
                       failure) &&
            (SUCCEEDED(hr = p->get_Status(&status)) || Fail(failure, hr, "INetConnectionProps::get_Status")) &&
            (SUCCEEDED(hr = p->get_MediaType(&media)) || Fail(failure, hr, "INetConnectionProps::get_MediaType")) &&
            (SUCCEEDED(hr = p->get_Characteristics(&characteristics)) ||
             Fail(failure, hr, "INetConnectionProps::get_Characteristics"));
  if (!ok) {
    failure.connectionId = raw.id;
    failure.connectionName = raw.name;
    return false;
  }
  raw.status = static_cast<int32_t>(status);
  raw.mediaType = static_cast<int32_t>(media);
  raw.characteristics = characteristics;
  return true;
}

}  // namespace

ListOutcome ListConnections(const std::wstring& progId) {
  ListOutcome out;
  ComPtr<INetSharingManager> manager;
  if (!CreateManager(progId, manager, out.failure)) return out;
  out.ok = ForEachConnection(manager.get(), out.failure, [&](INetConnection* connection) {
    RawConnection raw;
    if (!ReadConnection(manager.get(), connection, raw, out.failure)) return Walk::Failed;
    out.connections.push_back(std::move(raw));
    return Walk::Next;
  });
  return out;
}

ActionOutcome ApplyToConnection(const std::wstring& progId, const std::wstring& guid, ConnectionAction action) {
  ActionOutcome out;
  ComPtr<INetSharingManager> manager;
  if (!CreateManager(progId, manager, out.failure)) return out;
  // The connection is found again inside this job rather than kept from an earlier list:
  // no COM pointer outlives the job that made it.
  out.ok = ForEachConnection(manager.get(), out.failure, [&](INetConnection* connection) {
    ComPtr<INetConnectionProps> props;
    std::wstring id;
    if (!OpenProps(manager.get(), connection, props, out.failure) ||
        !ReadString(&INetConnectionProps::get_Guid, props.get(), "INetConnectionProps::get_Guid", id, out.failure))
      return Walk::Failed;
    if (_wcsicmp(id.c_str(), guid.c_str()) != 0) return Walk::Next;
    out.found = true;
    out.id = id;
    out.failure.connectionId = id;
    if (!ReadString(&INetConnectionProps::get_Name, props.get(), "INetConnectionProps::get_Name", out.name,
                    out.failure))
      return Walk::Failed;
    out.failure.connectionName = out.name;
    bool disconnect = action == ConnectionAction::Disconnect;
    out.hr = disconnect ? connection->Disconnect() : connection->Connect();
    if (FAILED(out.hr)) {
      Fail(out.failure, out.hr, disconnect ? "INetConnection::Disconnect" : "INetConnection::Connect");
      return Walk::Failed;
    }
    return Walk::Stop;
  });
  return out;
}

std::wstring SystemMessage(HRESULT hr) {
  wchar_t* text = nullptr;
  DWORD length = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                                nullptr, static_cast<DWORD>(hr), 0, reinterpret_cast<wchar_t*>(&text), 0, nullptr);
  std::wstring message;
  if (length && text) {
    message.assign(text, length);
    while (!message.empty() && (message.back() == L'\r' || message.back() == L'\n' || message.back() == L' '))
      message.pop_back();
  }
  LocalFree(text);
  return message;
}
