#include "port_mappings.h"

#include <netcon.h>
#include <oleauto.h>

#include "com_ptr.h"
#include "com_threads.h"

namespace {

// Spelled out for the reason netcon_com.cc gives: linking must not depend on an import library.
constexpr IID kIidNetSharingPortMapping = {0xC08956B1, 0x1CD3, 0x11D1, {0xB1, 0xC5, 0x00, 0x80, 0x5F, 0xC1, 0x27, 0x0E}};

constexpr Acted kDone = {S_OK, ""};
constexpr Acted kAbandoned = {E_ABORT, "abandoned"};

// The one place where ports cross into and out of Windows. Microsoft's documentation does not
// say which byte order AddPortMapping's USHORTs and get_ExternalPort/get_InternalPort's LONGs
// use. Every public caller found passes and compares plain port numbers (docs/sharing.md says
// which), so netcon takes host byte order. The Windows proof (scripts/prove/) adds 47123 ->
// 47124 and records what Windows and its WMI store show: if a real run ever reads them back
// swapped, this is the only code to change.
int32_t PortFromWindows(long port) { return static_cast<int32_t>(port); }
USHORT PortToWindows(int32_t port) { return static_cast<USHORT>(port); }

// A BSTR made here for a call, freed when it goes out of scope.
class OwnedBstr {
 public:
  explicit OwnedBstr(const std::wstring& s) : b_(SysAllocStringLen(s.data(), static_cast<UINT>(s.size()))) {}
  ~OwnedBstr() { SysFreeString(b_); }
  OwnedBstr(const OwnedBstr&) = delete;
  OwnedBstr& operator=(const OwnedBstr&) = delete;
  BSTR get() const { return b_; }

 private:
  BSTR b_;
};

Acted ReadString(HRESULT (STDMETHODCALLTYPE INetSharingPortMappingProps::*getter)(BSTR*),
                 INetSharingPortMappingProps* props, const char* step, std::wstring& out) {
  Bstr value;
  HRESULT hr = (props->*getter)(value.put());
  if (FAILED(hr)) return {hr, step};
  out = value.str();
  return kDone;
}

// The mapping's properties, one getter each (INetSharingPortMappingProps has no other way).
Acted ReadMapping(INetSharingPortMapping* mapping, RawPortMapping& raw) {
  ComPtr<INetSharingPortMappingProps> props;
  HRESULT hr = mapping->get_Properties(props.put());
  if (FAILED(hr = NullOutIsFailure(hr, props.get()))) return {hr, "INetSharingPortMapping::get_Properties"};
  INetSharingPortMappingProps* p = props.get();
  UCHAR protocol = 0;
  long external = 0, internal = 0, options = 0;
  VARIANT_BOOL enabled = VARIANT_FALSE;
  Acted acted = ReadString(&INetSharingPortMappingProps::get_Name, p, "INetSharingPortMappingProps::get_Name", raw.name);
  if (FAILED(acted.hr)) return acted;
  if (FAILED(hr = p->get_IPProtocol(&protocol))) return {hr, "INetSharingPortMappingProps::get_IPProtocol"};
  if (FAILED(hr = p->get_ExternalPort(&external))) return {hr, "INetSharingPortMappingProps::get_ExternalPort"};
  if (FAILED(hr = p->get_InternalPort(&internal))) return {hr, "INetSharingPortMappingProps::get_InternalPort"};
  if (FAILED(hr = p->get_Options(&options))) return {hr, "INetSharingPortMappingProps::get_Options"};
  acted = ReadString(&INetSharingPortMappingProps::get_TargetName, p, "INetSharingPortMappingProps::get_TargetName",
                     raw.targetName);
  if (FAILED(acted.hr)) return acted;
  acted = ReadString(&INetSharingPortMappingProps::get_TargetIPAddress, p,
                     "INetSharingPortMappingProps::get_TargetIPAddress", raw.targetIPAddress);
  if (FAILED(acted.hr)) return acted;
  if (FAILED(hr = p->get_Enabled(&enabled))) return {hr, "INetSharingPortMappingProps::get_Enabled"};
  raw.protocol = protocol;
  raw.externalPort = PortFromWindows(external);
  raw.internalPort = PortFromWindows(internal);
  raw.options = static_cast<uint32_t>(options);
  raw.enabled = enabled != VARIANT_FALSE;
  return kDone;
}

// Calls visit(mapping, raw) for each of the connection's mappings, read, until it answers
// false (stop) or a step fails. visit reports its own failure through `acted`.
template <typename Visit>
Acted ForEachMapping(INetSharingConfiguration* configuration, Visit&& visit) {
  ComPtr<INetSharingPortMappingCollection> collection;
  HRESULT hr = configuration->get_EnumPortMappings(ICSSC_DEFAULT, collection.put());
  if (FAILED(hr = NullOutIsFailure(hr, collection.get()))) return {hr, "INetSharingConfiguration::get_EnumPortMappings"};
  ComPtr<IUnknown> unknown;
  hr = collection->get__NewEnum(unknown.put());
  if (FAILED(hr = NullOutIsFailure(hr, unknown.get()))) return {hr, "INetSharingPortMappingCollection::_NewEnum"};
  ComPtr<IEnumVARIANT> items;
  hr = unknown->QueryInterface(kIidEnumVariant, items.put_void());
  if (FAILED(hr = NullOutIsFailure(hr, items.get()))) return {hr, "QueryInterface(IEnumVARIANT)"};

  for (;;) {
    if (!JobWanted()) return kAbandoned;
    Variant item;
    ULONG fetched = 0;
    hr = items->Next(1, item.put(), &fetched);
    if (FAILED(hr)) return {hr, "IEnumVARIANT::Next"};
    // As in the connection walk (netcon_com.cc): nothing fetched is the end whatever the
    // HRESULT, and an item that comes with S_FALSE still counts.
    if (fetched == 0) return kDone;
    bool last = hr != S_OK;
    const VARIANT& v = item.get();
    // An automation collection: VT_DISPATCH items, VT_UNKNOWN accepted. Anything else is a
    // broken server, and skipping it could hide the very mapping asked for.
    IUnknown* object = (v.vt == VT_DISPATCH || v.vt == VT_UNKNOWN) ? v.punkVal : nullptr;
    if (!object) return {DISP_E_TYPEMISMATCH, "IEnumVARIANT::Next"};
    ComPtr<INetSharingPortMapping> mapping;
    hr = object->QueryInterface(kIidNetSharingPortMapping, mapping.put_void());
    RawPortMapping raw;
    Acted acted = SUCCEEDED(hr = NullOutIsFailure(hr, mapping.get())) ? ReadMapping(mapping.get(), raw)
                                                                     : Acted{hr, "QueryInterface(INetSharingPortMapping)"};
    // A mapping removed by another program while it was read: as if never listed, as a
    // connection that vanishes mid-walk is (netcon_com.cc). Anything else fails the walk.
    if (acted.hr == HRESULT_FROM_WIN32(ERROR_NOT_FOUND)) {
      if (last) return kDone;
      continue;
    }
    if (FAILED(acted.hr)) return acted;
    acted = kDone;
    bool more = visit(mapping.get(), std::move(raw), acted);
    if (FAILED(acted.hr) || !more || last) return acted;
  }
}

// Runs act(configuration) on the connection's sharing configuration, within ActOnConnection's
// walk, and keeps what the act put into out.
template <typename Act>
PortMappingOutcome OnConfiguration(const std::wstring& progId, const std::wstring& guid, Act&& act) {
  PortMappingOutcome out;
  ActionOutcome action = ActOnConnectionWith(progId, guid, [&](INetSharingManager* manager, INetConnection* connection) {
    ComPtr<INetSharingConfiguration> configuration;
    HRESULT hr = GetSharingConfiguration(manager, connection, configuration.put());
    if (FAILED(hr)) return Acted{hr, kSharingConfigurationStep};
    if (!JobWanted()) return kAbandoned;
    return act(configuration.get(), out);
  });
  static_cast<ActionOutcome&>(out) = std::move(action);
  return out;
}

}  // namespace

PortMappingOutcome ReadPortMappings(const std::wstring& progId, const std::wstring& guid) {
  return OnConfiguration(progId, guid, [](INetSharingConfiguration* configuration, PortMappingOutcome& out) {
    VARIANT_BOOL enabled = VARIANT_FALSE;
    HRESULT hr = configuration->get_SharingEnabled(&enabled);
    if (FAILED(hr)) return Acted{hr, "INetSharingConfiguration::get_SharingEnabled"};
    out.sharingEnabled = enabled != VARIANT_FALSE;
    if (out.sharingEnabled) {
      SHARINGCONNECTIONTYPE type = ICSSHARINGTYPE_PUBLIC;
      if (FAILED(hr = configuration->get_SharingConnectionType(&type)))
        return Acted{hr, "INetSharingConfiguration::get_SharingConnectionType"};
      out.sharingType = static_cast<int32_t>(type);
    }
    return ForEachMapping(configuration, [&](INetSharingPortMapping*, RawPortMapping raw, Acted&) {
      out.mappings.push_back(std::move(raw));
      return true;
    });
  });
}

PortMappingOutcome AddPortMapping(const std::wstring& progId, const std::wstring& guid, const NewPortMapping& mapping) {
  return OnConfiguration(progId, guid, [&](INetSharingConfiguration* configuration, PortMappingOutcome& out) {
    OwnedBstr name(mapping.name);
    OwnedBstr target(mapping.target);
    if (!name.get() || !target.get()) return Acted{E_OUTOFMEMORY, "SysAllocString"};
    ComPtr<INetSharingPortMapping> added;
    // dwOptions is reserved: 0.
    HRESULT hr = configuration->AddPortMapping(name.get(), static_cast<UCHAR>(mapping.protocol),
                                               PortToWindows(mapping.externalPort), PortToWindows(mapping.internalPort), 0,
                                               target.get(), mapping.targetIsAddress ? ICSTT_IPADDRESS : ICSTT_NAME,
                                               added.put());
    if (FAILED(hr = NullOutIsFailure(hr, added.get()))) return Acted{hr, "INetSharingConfiguration::AddPortMapping"};
    out.mappingFound = true;
    // Windows adds a mapping disabled; once added, the enable and the read-back go on even for
    // an abandoned job, so that a mapping half made is not left behind unreported to Windows.
    if (mapping.enable && FAILED(hr = added->Enable())) return Acted{hr, "INetSharingPortMapping::Enable"};
    RawPortMapping raw;
    Acted acted = ReadMapping(added.get(), raw);
    if (FAILED(acted.hr)) return acted;
    out.mappings.push_back(std::move(raw));
    return kDone;
  });
}

PortMappingOutcome ChangePortMapping(const std::wstring& progId, const std::wstring& guid, int32_t protocol,
                                     int32_t externalPort, PortMappingChange change) {
  return OnConfiguration(progId, guid, [&](INetSharingConfiguration* configuration, PortMappingOutcome& out) {
    return ForEachMapping(configuration, [&](INetSharingPortMapping* mapping, RawPortMapping raw, Acted& acted) {
      // Windows keeps one mapping per protocol and external port on a connection: the key.
      if (raw.protocol != protocol || raw.externalPort != externalPort) return true;
      out.mappingFound = true;
      out.mappings.push_back(std::move(raw));
      if (!JobWanted()) {
        acted = kAbandoned;
        return false;
      }
      HRESULT hr;
      switch (change) {
        case PortMappingChange::Remove:
          hr = configuration->RemovePortMapping(mapping);
          acted = {hr, "INetSharingConfiguration::RemovePortMapping"};
          break;
        case PortMappingChange::Enable:
          hr = mapping->Enable();
          acted = {hr, "INetSharingPortMapping::Enable"};
          break;
        default:
          hr = mapping->Disable();
          acted = {hr, "INetSharingPortMapping::Disable"};
          break;
      }
      return false;
    });
  });
}
