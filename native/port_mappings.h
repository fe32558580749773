// Port mappings on a connection shared with Internet Connection Sharing: read, add, remove,
// enable, disable, through INetSharingConfiguration. Plain data in and out, no Node-API; each
// function is a whole job on an MTA thread, as netcon_com.h's are.
#pragma once

#include <windows.h>

#include <cstdint>
#include <string>
#include <vector>

#include "netcon_com.h"

// One mapping as INetSharingPortMappingProps reports it. Ports are in host byte order
// (port_mappings.cc, PortFromWindows).
struct RawPortMapping {
  std::wstring name;
  int32_t protocol = 0;  // NAT_PROTOCOL_TCP (6), NAT_PROTOCOL_UDP (17), or what Windows says
  int32_t externalPort = 0;
  int32_t internalPort = 0;
  uint32_t options = 0;
  std::wstring targetName;
  std::wstring targetIPAddress;
  bool enabled = false;
};

// An action on a connection's mappings. `found` is ActionOutcome's: the connection was found.
// For a change, `mappingFound` says whether a mapping with that protocol and external port was
// there; `mappings` holds every mapping read (ReadPortMappings), the one added as read back
// (AddPortMapping), or the one changed as read before the change.
struct PortMappingOutcome : ActionOutcome {
  // ReadPortMappings only: the connection's sharing, read in the same job, so that a change can
  // be checked against one read.
  bool sharingEnabled = false;
  int32_t sharingType = 0;
  bool mappingFound = false;
  std::vector<RawPortMapping> mappings;
};

struct NewPortMapping {
  std::wstring name;
  int32_t protocol = 0;
  int32_t externalPort = 0;
  int32_t internalPort = 0;
  bool targetIsAddress = false;  // ICSTT_IPADDRESS, else ICSTT_NAME
  std::wstring target;
  bool enable = false;
};

enum class PortMappingChange { Remove, Enable, Disable };

PortMappingOutcome ReadPortMappings(const std::wstring& progId, const std::wstring& guid);
PortMappingOutcome AddPortMapping(const std::wstring& progId, const std::wstring& guid, const NewPortMapping& mapping);
PortMappingOutcome ChangePortMapping(const std::wstring& progId, const std::wstring& guid, int32_t protocol,
                                     int32_t externalPort, PortMappingChange change);
