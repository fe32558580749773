// The testing fake's network interfaces: what a fake connection's `details` describe, turned
// into the adapters and default routes the addon reads from the IP Helper API, so that the
// client joins them exactly as it joins Windows' answer.
import { NetConInvalidArgTypeError, NetConInvalidArgValueError } from './errors';
import { OPER_STATUSES, type InterfaceAddress, type OperStatus } from './details';
import type { NativeAdapter, NativeDefaultRoute } from './native';
import { optionsObject } from './validate';

/** A default route through a fake connection's interface. */
export interface FakeDefaultRoute {
  /** The next hop: an IPv4 address for an IPv4 route, an IPv6 one for IPv6; `'0.0.0.0'` or `'::'` on-link (a VPN's). */
  readonly nextHop: string;
  /** The route's own metric. Default 0. */
  readonly metric?: number;
}

/**
 * A fake connection's network interface, as listConnections({ details: true }) shows it. Unset
 * fields default to an Ethernet adapter that is up, with no address.
 */
export interface FakeDetailsInput {
  /** Default: the connection's place in the machine's list, plus 10. */
  readonly ifIndex?: number;
  /** The NET_LUID as decimal text. Default: derived from ifIndex, as Ethernet's are (type 6). */
  readonly luid?: string;
  /** `'aa:bb:cc:dd:ee:ff'` (any case, `-` or `:`), or null for none. Default null. */
  readonly mac?: string | null;
  /** Default 1500. */
  readonly mtu?: number;
  /** Bits/s, or null for unknown. Default 1,000,000,000. */
  readonly transmitLinkSpeed?: number | null;
  /** Bits/s, or null for unknown. Default 1,000,000,000. */
  readonly receiveLinkSpeed?: number | null;
  /** Default `'up'`. */
  readonly operStatus?: OperStatus;
  /** Its IPv4 addresses with prefix lengths. Default none. */
  readonly ipv4?: readonly InterfaceAddress[];
  /** Its IPv6 addresses with prefix lengths. Default none. */
  readonly ipv6?: readonly InterfaceAddress[];
  /** Its gateways, IPv4 or IPv6. Default none. */
  readonly gateways?: readonly string[];
  /** Its DNS servers, IPv4 or IPv6. Default none. */
  readonly dnsServers?: readonly string[];
  /** Default `''`. */
  readonly dnsSuffix?: string;
  /** The interface's metric, added to each of its routes' (Windows' Ipv4Metric and Ipv6Metric). Default 25. */
  readonly interfaceMetric?: number;
  /** Its default routes. Default: one through each gateway, metric 0. */
  readonly defaultRoutes?: readonly FakeDefaultRoute[];
}

const MAC = /^[0-9a-f]{2}([:-][0-9a-f]{2})*$/i;
const IF_TYPE_ETHERNET = 6n;

function check(condition: boolean, field: string, expected: string, value: unknown): void {
  if (!condition) throw new NetConInvalidArgValueError(field, expected, value);
}

const isCount = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;

/** `details` of a fake connection, checked; null for no interface. */
export function fakeDetailsOf(value: unknown, field: string): FakeDetailsInput | null {
  if (value === null || value === undefined) return null;
  const input = optionsObject(value, field) as FakeDetailsInput;
  const { ifIndex, luid, mac, mtu, operStatus, interfaceMetric } = input;
  if (ifIndex !== undefined) check(isCount(ifIndex) && ifIndex > 0, `${field}.ifIndex`, 'an integer from 1 to 4294967295', ifIndex);
  if (luid !== undefined) check(typeof luid === 'string' && /^\d{1,20}$/.test(luid), `${field}.luid`, 'a decimal string', luid);
  if (mac !== undefined && mac !== null) check(typeof mac === 'string' && MAC.test(mac), `${field}.mac`, "a MAC address such as 'aa:bb:cc:dd:ee:ff', or null", mac);
  if (mtu !== undefined) check(isCount(mtu), `${field}.mtu`, 'an integer from 0 to 4294967295', mtu);
  for (const key of ['transmitLinkSpeed', 'receiveLinkSpeed'] as const) {
    const speed = input[key];
    if (speed !== undefined && speed !== null) check(Number.isSafeInteger(speed) && speed >= 0, `${field}.${key}`, 'a whole number of bits/s, or null', speed);
  }
  if (operStatus !== undefined) check(OPER_STATUSES.includes(operStatus), `${field}.operStatus`, `one of ${OPER_STATUSES.join(', ')}`, operStatus);
  if (interfaceMetric !== undefined) check(isCount(interfaceMetric), `${field}.interfaceMetric`, 'an integer from 0 to 4294967295', interfaceMetric);
  for (const key of ['ipv4', 'ipv6'] as const) {
    const list = input[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new NetConInvalidArgTypeError(`${field}.${key}`, 'an instance of Array', list);
    list.forEach((a: InterfaceAddress, i) => {
      check(typeof a?.address === 'string' && a.address !== '', `${field}.${key}[${i}].address`, 'an address', a?.address);
      check(Number.isInteger(a.prefixLength) && a.prefixLength >= 0 && a.prefixLength <= (key === 'ipv4' ? 32 : 128), `${field}.${key}[${i}].prefixLength`, 'a prefix length', a.prefixLength);
    });
  }
  for (const key of ['gateways', 'dnsServers'] as const) {
    const list = input[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every((a) => typeof a === 'string')) throw new NetConInvalidArgTypeError(`${field}.${key}`, 'an array of strings', list);
  }
  if (input.defaultRoutes !== undefined) {
    if (!Array.isArray(input.defaultRoutes)) throw new NetConInvalidArgTypeError(`${field}.defaultRoutes`, 'an instance of Array', input.defaultRoutes);
    input.defaultRoutes.forEach((r: FakeDefaultRoute, i) => {
      check(typeof r?.nextHop === 'string', `${field}.defaultRoutes[${i}].nextHop`, 'an address', r?.nextHop);
      if (r.metric !== undefined) check(isCount(r.metric), `${field}.defaultRoutes[${i}].metric`, 'an integer from 0 to 4294967295', r.metric);
    });
  }
  return { ...input };
}

const family = (address: string): 4 | 6 => (address.includes(':') ? 6 : 4);

/** What the addon reads for one fake connection (`guid` as the server answers it) at `position` in the machine's list. */
export function fakeAdapter(guid: string, details: FakeDetailsInput, position: number): { adapter: NativeAdapter; routes: NativeDefaultRoute[] } {
  const ifIndex = details.ifIndex ?? position + 10;
  // NET_LUID: the interface type in bits 48-63, its index among that type's in bits 24-47.
  const luid = details.luid ?? String((IF_TYPE_ETHERNET << 48n) | (BigInt(ifIndex) << 24n));
  const metric = details.interfaceMetric ?? 25;
  const speed = (value: number | null | undefined) => (value === undefined ? 1_000_000_000 : value);
  const adapter: NativeAdapter = {
    guid,
    ifIndex,
    ipv6IfIndex: ifIndex,
    luid,
    physicalAddress: details.mac ? details.mac.split(/[:-]/).map((b) => parseInt(b, 16)) : [],
    mtu: details.mtu ?? 1500,
    transmitLinkSpeed: speed(details.transmitLinkSpeed),
    receiveLinkSpeed: speed(details.receiveLinkSpeed),
    operStatus: OPER_STATUSES.indexOf(details.operStatus ?? 'up') + 1,
    ipv4Metric: metric,
    ipv6Metric: metric,
    ipv4: (details.ipv4 ?? []).map(({ address, prefixLength }) => ({ address, prefixLength })),
    ipv6: (details.ipv6 ?? []).map(({ address, prefixLength }) => ({ address, prefixLength })),
    gateways: [...(details.gateways ?? [])],
    dnsServers: [...(details.dnsServers ?? [])],
    dnsSuffix: details.dnsSuffix ?? '',
  };
  const routes = details.defaultRoutes ?? (details.gateways ?? []).map((nextHop) => ({ nextHop, metric: 0 }));
  return {
    adapter,
    routes: routes.map((r) => ({ luid, ifIndex, family: family(r.nextHop), nextHop: r.nextHop, metric: r.metric ?? 0 })),
  };
}
