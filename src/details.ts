// listConnections({ details: true }): each connection joined, by GUID, with what the IP Helper
// API reports about its network interface (native/adapters.cc): addresses, gateways, DNS,
// link facts, and whether it holds the default route Windows prefers. A connection is an
// adapter's AdapterName: the same GUID, which is why no name matching is needed.
import type { NetConnection } from './connection';
import { canonicalGuid } from './guid';
import type { CallOptions } from './limits';
import type { NativeAdapter, NativeAddress, NativeDefaultRoute } from './native';

/** Options of listConnections and findConnection. */
export interface ListOptions extends CallOptions {
  /**
   * Also read each connection's network interface (addresses, gateways, DNS servers, MAC, MTU,
   * link speeds, whether it holds the Internet) and give it as `details`: one more call into
   * Windows (the IP Helper API), within the same `timeoutMs` and `signal`. Default false.
   */
  readonly details?: boolean;
}

/** An address of a connection's interface. */
export interface InterfaceAddress {
  /** As `os.networkInterfaces()` writes it: `'192.168.1.20'`, `'fe80::1c2d:3e4f:5a6b:7c8d'` (no scope id). */
  readonly address: string;
  /** The on-link prefix length: 24 for a 255.255.255.0 network, 64 for most IPv6 ones. */
  readonly prefixLength: number;
}

/** IF_OPER_STATUS names, indexed by value − 1 (IfOperStatusUp = 1 …). */
export const OPER_STATUSES = Object.freeze(['up', 'down', 'testing', 'unknown', 'dormant', 'not-present', 'lower-layer-down'] as const);

/** An interface's operational status; `'unknown'` also for a value newer than this package. */
export type OperStatus = (typeof OPER_STATUSES)[number];

/** A connection's network interface, as Windows' IP Helper API reports it. */
export interface ConnectionDetails {
  /** The interface index (IPv4's; IPv6's when IPv4 is off on it), as `route print` and `netsh` show it. */
  readonly ifIndex: number;
  /** The interface's 64-bit NET_LUID, as decimal text. */
  readonly luid: string;
  /** The physical address, lower case `'aa:bb:cc:dd:ee:ff'` as `os.networkInterfaces()` writes it; null when it has none (a VPN, PPP). */
  readonly mac: string | null;
  /** The interface's MTU in bytes. */
  readonly mtu: number;
  /** The link's transmit speed in bits/s; null when Windows does not know it. */
  readonly transmitLinkSpeed: number | null;
  /** The link's receive speed in bits/s; null when Windows does not know it. */
  readonly receiveLinkSpeed: number | null;
  /** Whether the interface is up (`'up'`) or why not. */
  readonly operStatus: OperStatus;
  /** Its IPv4 unicast addresses, in Windows' order. */
  readonly ipv4: readonly InterfaceAddress[];
  /** Its IPv6 unicast addresses (link-local ones too), in Windows' order. */
  readonly ipv6: readonly InterfaceAddress[];
  /** Its default gateways, IPv4 and IPv6. */
  readonly gateways: readonly string[];
  /** The DNS servers it uses, IPv4 and IPv6. */
  readonly dnsServers: readonly string[];
  /** Its connection-specific DNS suffix; `''` for none. */
  readonly dnsSuffix: string;
  /**
   * True for the connection whose default route (IPv4 or IPv6) Windows ranks first: the lowest
   * route metric plus interface metric among interfaces that are up. Several connections are
   * true when they tie; none when no interface that is up has a default route.
   */
  readonly internet: boolean;
}

/**
 * A connection listed with `details: true`. `details` is null when the connection has no
 * adapter: Windows has no interface for it now (a VPN or dial-up connection that is not
 * connected, a disabled adapter).
 */
export interface DetailedConnection extends NetConnection {
  details: ConnectionDetails | null;
}

/** What the native layer (or the testing fake) reads for the join. */
export interface AdapterReading {
  readonly adapters: readonly NativeAdapter[];
  readonly defaultRoutes: readonly NativeDefaultRoute[];
}

const IF_OPER_STATUS_UP = 1;

function operStatus(value: number): OperStatus {
  return OPER_STATUSES[value - 1] ?? 'unknown';
}

function mac(bytes: readonly number[]): string | null {
  if (bytes.length === 0) return null;
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

const addresses = (list: readonly NativeAddress[]): InterfaceAddress[] => list.map(({ address, prefixLength }) => ({ address, prefixLength }));

/**
 * The GUIDs (canonical) of the adapters whose default route ranks first. Windows ranks a route
 * by its own metric plus its interface's metric for that family (the "automatic metric" it
 * gives each interface from its link speed, or the one set on it): `route print` shows that
 * sum. IPv4 and IPv6 routes are ranked together, so a connection that only has IPv6 Internet
 * still counts. Interfaces that are not up are left out: Windows keeps their routes but does
 * not use them.
 */
export function internetGuids(reading: AdapterReading): Set<string> {
  const byLuid = new Map(reading.adapters.map((a) => [a.luid, a]));
  let lowest = Infinity;
  let holders = new Set<string>();
  for (const route of reading.defaultRoutes) {
    const adapter = byLuid.get(route.luid);
    if (!adapter || adapter.operStatus !== IF_OPER_STATUS_UP) continue;
    const guid = canonicalGuid(adapter.guid);
    if (guid === undefined) continue;
    const effective = route.metric + (route.family === 4 ? adapter.ipv4Metric : adapter.ipv6Metric);
    if (effective < lowest) {
      lowest = effective;
      holders = new Set([guid]);
    } else if (effective === lowest) {
      holders.add(guid);
    }
  }
  return holders;
}

/** One adapter as a connection's `details`. */
export function toDetails(adapter: NativeAdapter, internet: boolean): ConnectionDetails {
  return {
    ifIndex: adapter.ifIndex || adapter.ipv6IfIndex,
    luid: adapter.luid,
    mac: mac(adapter.physicalAddress),
    mtu: adapter.mtu,
    transmitLinkSpeed: adapter.transmitLinkSpeed,
    receiveLinkSpeed: adapter.receiveLinkSpeed,
    operStatus: operStatus(adapter.operStatus),
    ipv4: addresses(adapter.ipv4),
    ipv6: addresses(adapter.ipv6),
    gateways: [...adapter.gateways],
    dnsServers: [...adapter.dnsServers],
    dnsSuffix: adapter.dnsSuffix,
    internet,
  };
}

/** Each connection with its adapter's details, joined by GUID; null for one with no adapter. */
export function joinDetails(connections: readonly NetConnection[], reading: AdapterReading): DetailedConnection[] {
  const byGuid = new Map<string, NativeAdapter>();
  for (const adapter of reading.adapters) {
    const guid = canonicalGuid(adapter.guid);
    if (guid !== undefined && !byGuid.has(guid)) byGuid.set(guid, adapter);
  }
  const internet = internetGuids(reading);
  return connections.map((connection) => {
    const adapter = byGuid.get(connection.id);
    return { ...connection, details: adapter ? toDetails(adapter, internet.has(connection.id)) : null };
  });
}

const sameAddresses = (a: readonly InterfaceAddress[], b: readonly InterfaceAddress[]) =>
  a.length === b.length && a.every((x, i) => x.address === b[i].address && x.prefixLength === b[i].prefixLength);
const sameTexts = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether two connections' `details` (or their absence) are the same: watch() reports a difference as `changed`. */
export function sameDetails(a: ConnectionDetails | null | undefined, b: ConnectionDetails | null | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.ifIndex === b.ifIndex &&
    a.luid === b.luid &&
    a.mac === b.mac &&
    a.mtu === b.mtu &&
    a.transmitLinkSpeed === b.transmitLinkSpeed &&
    a.receiveLinkSpeed === b.receiveLinkSpeed &&
    a.operStatus === b.operStatus &&
    a.dnsSuffix === b.dnsSuffix &&
    a.internet === b.internet &&
    sameAddresses(a.ipv4, b.ipv4) &&
    sameAddresses(a.ipv6, b.ipv6) &&
    sameTexts(a.gateways, b.gateways) &&
    sameTexts(a.dnsServers, b.dnsServers)
  );
}
