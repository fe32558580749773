// GetIpForwardTable2 and FreeMibTable are declared only for Vista and later targets: a build
// that names an older Windows in _WIN32_WINNT would not see them. The import floor
// (test/package/windows-import-floor.ts) says where netcon runs: Windows 7 SP1 has both.
#if defined(_WIN32_WINNT) && _WIN32_WINNT < 0x0600
#undef _WIN32_WINNT
#define _WIN32_WINNT 0x0600
#endif

// winsock2.h must come before windows.h (which adapters.h and iphlpapi.h include): after it,
// MSVC's windows.h has brought in winsock.h, which winsock2.h conflicts with.
#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>

#include "adapters.h"

#include <cstdio>
#include <memory>

namespace {

std::wstring Ipv4Text(const uint8_t* b) {
  wchar_t text[16];
  swprintf(text, 16, L"%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
  return text;
}

// Written as libuv's inet_ntop writes it (the longest run of two or more zero groups as "::",
// the first of equal runs, lower-case hex, an IPv4-mapped or -compatible address's last 32
// bits dotted), so that an address matches what os.networkInterfaces() shows for it. Done here
// rather than with InetNtopW so that the addon needs no ws2_32.dll; the scope id is left out,
// as os.networkInterfaces() leaves it out of the address.
std::wstring Ipv6Text(const uint8_t* b) {
  uint16_t words[8];
  for (int i = 0; i < 8; ++i) words[i] = static_cast<uint16_t>((b[2 * i] << 8) | b[2 * i + 1]);
  int bestBase = -1, bestLength = 0;
  for (int i = 0; i < 8;) {
    if (words[i] != 0) {
      ++i;
      continue;
    }
    int start = i;
    while (i < 8 && words[i] == 0) ++i;
    if (i - start > bestLength) {
      bestBase = start;
      bestLength = i - start;
    }
  }
  if (bestLength < 2) bestBase = -1;
  std::wstring text;
  wchar_t group[8];
  for (int i = 0; i < 8; ++i) {
    if (bestBase != -1 && i >= bestBase && i < bestBase + bestLength) {
      if (i == bestBase) text += L':';
      continue;
    }
    if (i != 0) text += L':';
    // ::a.b.c.d (compatible, but not ::1) and ::ffff:a.b.c.d (mapped)
    if (i == 6 && bestBase == 0 && (bestLength == 6 || (bestLength == 7 && words[7] != 1) || (bestLength == 5 && words[5] == 0xffff))) {
      text += Ipv4Text(b + 12);
      break;
    }
    swprintf(group, 8, L"%x", words[i]);
    text += group;
  }
  if (bestBase != -1 && bestBase + bestLength == 8) text += L':';
  return text;
}

// AF_INET or AF_INET6 as text; anything else (which Windows does not put in these lists) as "".
std::wstring AddressText(const SOCKADDR* address) {
  if (!address) return std::wstring();
  if (address->sa_family == AF_INET) {
    return Ipv4Text(reinterpret_cast<const uint8_t*>(&reinterpret_cast<const SOCKADDR_IN*>(address)->sin_addr));
  }
  if (address->sa_family == AF_INET6) {
    return Ipv6Text(reinterpret_cast<const uint8_t*>(&reinterpret_cast<const SOCKADDR_IN6*>(address)->sin6_addr));
  }
  return std::wstring();
}

template <typename Item>
std::vector<std::wstring> AddressList(const Item* first) {
  std::vector<std::wstring> list;
  for (const Item* item = first; item; item = item->Next) {
    std::wstring text = AddressText(item->Address.lpSockaddr);
    if (!text.empty()) list.push_back(text);
  }
  return list;
}

RawAdapter ToRaw(const IP_ADAPTER_ADDRESSES& a) {
  RawAdapter raw;
  for (const char* c = a.AdapterName; c && *c; ++c) raw.guid += static_cast<wchar_t>(static_cast<unsigned char>(*c));
  raw.ifIndex = a.IfIndex;
  raw.ipv6IfIndex = a.Ipv6IfIndex;
  raw.luid = a.Luid.Value;
  raw.physicalAddress.assign(a.PhysicalAddress, a.PhysicalAddress + a.PhysicalAddressLength);
  raw.mtu = a.Mtu;
  raw.transmitLinkSpeed = a.TransmitLinkSpeed;
  raw.receiveLinkSpeed = a.ReceiveLinkSpeed;
  raw.operStatus = a.OperStatus;
  raw.ipv4Metric = a.Ipv4Metric;
  raw.ipv6Metric = a.Ipv6Metric;
  for (const IP_ADAPTER_UNICAST_ADDRESS* u = a.FirstUnicastAddress; u; u = u->Next) {
    const SOCKADDR* address = u->Address.lpSockaddr;
    if (!address) continue;
    RawAddress entry{AddressText(address), u->OnLinkPrefixLength};
    if (address->sa_family == AF_INET) raw.ipv4.push_back(entry);
    else if (address->sa_family == AF_INET6) raw.ipv6.push_back(entry);
  }
  raw.gateways = AddressList(a.FirstGatewayAddress);
  raw.dnsServers = AddressList(a.FirstDnsServerAddress);
  if (a.DnsSuffix) raw.dnsSuffix = a.DnsSuffix;
  return raw;
}

// The list can grow between the call that sizes the buffer and the one that fills it (an
// adapter added, a VPN connecting): retried with the size Windows asked for then.
constexpr int kSizeAttempts = 4;

bool ReadAdapterList(AdaptersOutcome& outcome) {
  // Gateways for the join; anycast and multicast addresses are not what anyone asks for.
  const ULONG flags = GAA_FLAG_INCLUDE_GATEWAYS | GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST;
  ULONG size = 16 * 1024;  // Microsoft's advice: 15 KB fits most machines in one call
  std::vector<uint64_t> buffer;  // 8-byte aligned, as the structures need
  ULONG error = ERROR_BUFFER_OVERFLOW;
  for (int attempt = 0; attempt < kSizeAttempts && error == ERROR_BUFFER_OVERFLOW; ++attempt) {
    buffer.assign(size / sizeof(uint64_t) + 1, 0);
    size = static_cast<ULONG>(buffer.size() * sizeof(uint64_t));
    error = GetAdaptersAddresses(AF_UNSPEC, flags, nullptr, reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.data()), &size);
  }
  if (error == ERROR_NO_DATA) return true;  // no adapter at all: an empty list, not a failure
  if (error != ERROR_SUCCESS) {
    outcome.failure.hr = HRESULT_FROM_WIN32(error);
    outcome.failure.step = "GetAdaptersAddresses";
    return false;
  }
  for (auto* a = reinterpret_cast<const IP_ADAPTER_ADDRESSES*>(buffer.data()); a; a = a->Next) outcome.adapters.push_back(ToRaw(*a));
  return true;
}

struct MibTableFree {
  void operator()(MIB_IPFORWARD_TABLE2* table) const { FreeMibTable(table); }
};

bool ReadDefaultRoutes(AdaptersOutcome& outcome) {
  MIB_IPFORWARD_TABLE2* raw = nullptr;
  DWORD error = GetIpForwardTable2(AF_UNSPEC, &raw);
  std::unique_ptr<MIB_IPFORWARD_TABLE2, MibTableFree> table(raw);
  if (error == ERROR_NOT_FOUND) return true;  // no route at all
  if (error != NO_ERROR) {
    outcome.failure.hr = HRESULT_FROM_WIN32(error);
    outcome.failure.step = "GetIpForwardTable2";
    return false;
  }
  for (ULONG i = 0; i < table->NumEntries; ++i) {
    const MIB_IPFORWARD_ROW2& row = table->Table[i];
    if (row.DestinationPrefix.PrefixLength != 0) continue;
    ADDRESS_FAMILY family = row.DestinationPrefix.Prefix.si_family;
    if (family != AF_INET && family != AF_INET6) continue;
    RawDefaultRoute route;
    route.luid = row.InterfaceLuid.Value;
    route.ifIndex = row.InterfaceIndex;
    route.family = family == AF_INET ? 4 : 6;
    route.nextHop = AddressText(reinterpret_cast<const SOCKADDR*>(&row.NextHop));
    route.metric = row.Metric;
    outcome.defaultRoutes.push_back(route);
  }
  return true;
}

}  // namespace

AdaptersOutcome ReadAdapters() {
  AdaptersOutcome outcome;
  outcome.ok = ReadAdapterList(outcome) && ReadDefaultRoutes(outcome);
  return outcome;
}
