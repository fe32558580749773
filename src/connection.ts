// What a connection looks like to users, and how the raw numbers COM returns become it.
// The tables follow the SDK's netcon.h enums in value order, so a code is its index.
import type { ConnectionDetails } from './details';
import { canonicalGuid } from './guid';
import type { NativeRawConnection } from './native';

/** NETCON_STATUS names, indexed by their numeric value (NCS_DISCONNECTED = 0 …). */
export const CONNECTION_STATUSES = Object.freeze([
  'disconnected',
  'connecting',
  'connected',
  'disconnecting',
  'hardware-not-present',
  'hardware-disabled',
  'hardware-malfunction',
  'media-disconnected',
  'authenticating',
  'authentication-succeeded',
  'authentication-failed',
  'invalid-address',
  'credentials-required',
  'action-required',
  'action-required-retry',
  'connect-failed',
] as const);

/** A connection's NETCON_STATUS by name; `'unknown'` for a value newer than this package. */
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number] | 'unknown';

/** NETCON_MEDIATYPE names, indexed by their numeric value (NCM_NONE = 0 …). */
export const MEDIA_TYPES = Object.freeze([
  'none',
  'direct',
  'isdn',
  'lan',
  'phone',
  'tunnel',
  'pppoe',
  'bridge',
  'shared-access-host-lan',
  'shared-access-host-ras',
] as const);

/** A connection's NETCON_MEDIATYPE by name; `'unknown'` for a value newer than this package. */
export type MediaType = (typeof MEDIA_TYPES)[number] | 'unknown';

/**
 * The single-bit NETCON_CHARACTERISTIC_FLAGS (NCCF_*), in bit order: `bit` is the flag's
 * value, `name` how `Characteristics.flags` names it (NCCF_ALL_USERS is `'all-users'`).
 */
export const CHARACTERISTIC_FLAGS = Object.freeze([
  { bit: 0x1, name: 'all-users' },
  { bit: 0x2, name: 'allow-duplication' },
  { bit: 0x4, name: 'allow-removal' },
  { bit: 0x8, name: 'allow-rename' },
  { bit: 0x10, name: 'show-icon' },
  { bit: 0x20, name: 'incoming-only' },
  { bit: 0x40, name: 'outgoing-only' },
  { bit: 0x80, name: 'branded' },
  { bit: 0x100, name: 'shared' },
  { bit: 0x200, name: 'bridged' },
  { bit: 0x400, name: 'firewalled' },
  { bit: 0x800, name: 'default' },
  { bit: 0x1000, name: 'homenet-capable' },
  { bit: 0x2000, name: 'shared-private' },
  { bit: 0x4000, name: 'quarantined' },
  { bit: 0x8000, name: 'reserved' },
  { bit: 0x10000, name: 'hosted-network' },
  { bit: 0x20000, name: 'virtual-station' },
  { bit: 0x40000, name: 'wifi-direct' },
] as const);

/** Kebab-case name of one NCCF_* bit. */
export type CharacteristicFlag = (typeof CHARACTERISTIC_FLAGS)[number]['name'];

/** NCCF_BLUETOOTH_MASK: a 4-bit sub-field, not a flag. */
export const NCCF_BLUETOOTH_MASK = 0xf0000;
/** NCCF_LAN_MASK: a 4-bit sub-field, not a flag. */
export const NCCF_LAN_MASK = 0xf00000;

const FLAG_BITS = CHARACTERISTIC_FLAGS.reduce((bits, flag) => bits | flag.bit, 0);
const DOCUMENTED_BITS = FLAG_BITS | NCCF_BLUETOOTH_MASK | NCCF_LAN_MASK;
/** Each flag's name at its bit's number (31 - Math.clz32(bit)). */
const FLAG_NAMES: CharacteristicFlag[] = [];
for (const flag of CHARACTERISTIC_FLAGS) FLAG_NAMES[31 - Math.clz32(flag.bit)] = flag.name;

/** A connection's NETCON_CHARACTERISTIC_FLAGS, decoded without losing anything. */
export interface Characteristics {
  /** The raw mask, unsigned. */
  value: number;
  /** The documented single bits that are set, in bit order. */
  flags: CharacteristicFlag[];
  /** `(value & NCCF_BLUETOOTH_MASK) >>> 16`, raw. */
  bluetooth: number;
  /** `(value & NCCF_LAN_MASK) >>> 20`, raw. */
  lan: number;
  /** Bits outside every documented flag and mask. */
  unknown: number;
}

/** One network connection, as `listConnections` and `findConnection` return it. */
export interface NetConnection {
  /** The connection's GUID: `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`, upper case. */
  id: string;
  /** The name shown in Network Connections, e.g. `'Ethernet 2'`. */
  name: string;
  /** The adapter's name, e.g. `'Intel(R) Ethernet Connection I219-V'`. */
  deviceName: string;
  /** The connection's NETCON_STATUS by name, e.g. `'connected'`, `'hardware-disabled'`. */
  status: ConnectionStatus;
  /** The raw NETCON_STATUS value, for values `status` reports as `'unknown'`. */
  statusCode: number;
  /** The connection's NETCON_MEDIATYPE by name, e.g. `'lan'`, `'tunnel'` for a VPN. */
  mediaType: MediaType;
  /** The raw NETCON_MEDIATYPE value. */
  mediaTypeCode: number;
  /** Its NETCON_CHARACTERISTIC_FLAGS, decoded. */
  characteristics: Characteristics;
  /**
   * Only when listed with `details: true`: its network interface (addresses, gateways, DNS,
   * MAC, MTU, link speeds, `internet`), or null when it has no adapter: Windows has no
   * interface for it now (a VPN that is not connected, a disabled adapter).
   */
  details?: ConnectionDetails | null;
}

function nameAt<T extends string>(names: readonly T[], code: number): T | 'unknown' {
  return Number.isInteger(code) && code >= 0 && code < names.length ? names[code] : 'unknown';
}

/** NETCON_STATUS value → name. */
export function decodeStatus(code: number): ConnectionStatus {
  return nameAt(CONNECTION_STATUSES, code);
}

/** NETCON_MEDIATYPE value → name. */
export function decodeMediaType(code: number): MediaType {
  return nameAt(MEDIA_TYPES, code);
}

/**
 * NCCF mask → flags and sub-fields. The SDK's Bluetooth mask covers the same bits as the
 * three Wi-Fi flags (hosted-network, virtual-station, wifi-direct) and the SDK does not say
 * which reading applies, so both are reported as they are and neither is interpreted.
 */
export function decodeCharacteristics(mask: number): Characteristics {
  const value = mask >>> 0;
  // Only the set bits, lowest first: this runs once per listed connection, and a loop over
  // all 19 flags was most of what mapping a list of 1,000 cost (bench/ section 1).
  const flags: CharacteristicFlag[] = [];
  for (let rest = value & FLAG_BITS; rest !== 0; rest &= rest - 1) flags.push(FLAG_NAMES[31 - Math.clz32(rest & -rest)]);
  return {
    value,
    flags,
    bluetooth: (value & NCCF_BLUETOOTH_MASK) >>> 16,
    lan: (value & NCCF_LAN_MASK) >>> 20,
    unknown: (value & ~DOCUMENTED_BITS) >>> 0,
  };
}

/** The public shape of one connection the native layer listed. */
export function toNetConnection(raw: NativeRawConnection): NetConnection {
  return {
    // A broken server's get_Guid may answer text that is no GUID: the row stays, with the id
    // exactly as answered (docs/reliability.md), rather than vanish from the list.
    id: canonicalGuid(raw.id) ?? raw.id,
    name: raw.name,
    deviceName: raw.deviceName,
    status: decodeStatus(raw.status),
    statusCode: raw.status,
    mediaType: decodeMediaType(raw.mediaType),
    mediaTypeCode: raw.mediaType,
    characteristics: decodeCharacteristics(raw.characteristics),
  };
}
