// The machine's network interfaces and default routes, as the IP Helper API reports them, for
// listConnections({ details: true }): plain data, no Node-API. src/details.ts joins them to the
// connections by GUID (an adapter's AdapterName is its connection's GUID).
// No COM here, but it runs on netcon's threads like every job: GetAdaptersAddresses asks the
// network stack's drivers, and a hung one must not hold the JS thread or libuv's pool.
#pragma once

#include <windows.h>

#include <cstdint>
#include <string>
#include <vector>

#include "netcon_com.h"

struct RawAddress {
  std::wstring address;     // as libuv writes it, so it matches os.networkInterfaces()
  uint32_t prefixLength = 0;  // OnLinkPrefixLength
};

struct RawAdapter {
  std::wstring guid;  // AdapterName: "{…}", any case
  uint32_t ifIndex = 0;
  uint32_t ipv6IfIndex = 0;
  uint64_t luid = 0;
  std::vector<uint8_t> physicalAddress;
  uint32_t mtu = 0;
  uint64_t transmitLinkSpeed = 0;  // bits/s; UINT64_MAX when unknown
  uint64_t receiveLinkSpeed = 0;
  uint32_t operStatus = 0;  // IF_OPER_STATUS
  uint32_t ipv4Metric = 0;
  uint32_t ipv6Metric = 0;
  std::vector<RawAddress> ipv4;
  std::vector<RawAddress> ipv6;
  std::vector<std::wstring> gateways;
  std::vector<std::wstring> dnsServers;
  std::wstring dnsSuffix;
};

// A route to 0.0.0.0/0 or ::/0.
struct RawDefaultRoute {
  uint64_t luid = 0;
  uint32_t ifIndex = 0;
  uint32_t family = 0;  // 4 or 6
  std::wstring nextHop;
  uint32_t metric = 0;  // the route's own; Windows adds the interface's metric to rank it
};

struct AdaptersOutcome {
  bool ok = false;
  std::vector<RawAdapter> adapters;
  std::vector<RawDefaultRoute> defaultRoutes;
  ComFailure failure;  // HRESULT_FROM_WIN32 of the call's answer, and the call
};

AdaptersOutcome ReadAdapters();
