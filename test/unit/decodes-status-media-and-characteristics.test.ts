import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  CHARACTERISTIC_FLAGS,
  CONNECTION_STATUSES,
  MEDIA_TYPES,
  decodeCharacteristics,
  decodeMediaType,
  decodeStatus,
  toNetConnection,
} from '../../src/connection';
import { ETHERNET } from './fixtures';

// Written out from netcon.h rather than read back from the tables, so a reordered table fails.
const NETCON_STATUS = [
  'disconnected', // NCS_DISCONNECTED
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
  'connect-failed', // NCS_CONNECT_FAILED = 15
];

const NETCON_MEDIATYPE = [
  'none',
  'direct',
  'isdn',
  'lan',
  'phone',
  'tunnel',
  'pppoe',
  'bridge',
  'shared-access-host-lan',
  'shared-access-host-ras', // NCM_SHAREDACCESSHOST_RAS = 9
];

const NCCF: [number, string][] = [
  [0x1, 'all-users'],
  [0x2, 'allow-duplication'],
  [0x4, 'allow-removal'],
  [0x8, 'allow-rename'],
  [0x10, 'show-icon'],
  [0x20, 'incoming-only'],
  [0x40, 'outgoing-only'],
  [0x80, 'branded'],
  [0x100, 'shared'],
  [0x200, 'bridged'],
  [0x400, 'firewalled'],
  [0x800, 'default'],
  [0x1000, 'homenet-capable'],
  [0x2000, 'shared-private'],
  [0x4000, 'quarantined'],
  [0x8000, 'reserved'],
  [0x10000, 'hosted-network'],
  [0x20000, 'virtual-station'],
  [0x40000, 'wifi-direct'],
];

describe('status', () => {
  it.each(NETCON_STATUS.map((name, code) => [code, name] as const))('decodes %i as %s', (code, name) => {
    expect(decodeStatus(code)).toBe(name);
  });

  it.each([16, 255, -1, 2.5, Number.NaN])('reports %s as unknown', (code) => {
    expect(decodeStatus(code)).toBe('unknown');
  });

  it('exports the table frozen', () => {
    expect(CONNECTION_STATUSES).toEqual(NETCON_STATUS);
    expect(Object.isFrozen(CONNECTION_STATUSES)).toBe(true);
  });
});

describe('media type', () => {
  it.each(NETCON_MEDIATYPE.map((name, code) => [code, name] as const))('decodes %i as %s', (code, name) => {
    expect(decodeMediaType(code)).toBe(name);
  });

  it.each([10, -1, 0.5])('reports %s as unknown', (code) => {
    expect(decodeMediaType(code)).toBe('unknown');
  });

  it('exports the table frozen', () => {
    expect(MEDIA_TYPES).toEqual(NETCON_MEDIATYPE);
    expect(Object.isFrozen(MEDIA_TYPES)).toBe(true);
  });
});

describe('characteristics', () => {
  it.each(NCCF.map(([bit, name]) => [`0x${bit.toString(16)}`, bit, name] as const))('decodes bit %s on its own', (_hex, bit, name) => {
    expect(decodeCharacteristics(bit).flags).toEqual([name]);
  });

  it('lists flags in bit order', () => {
    expect(decodeCharacteristics(0x800 | 0x10 | 0x1).flags).toEqual(['all-users', 'show-icon', 'default']);
    expect(CHARACTERISTIC_FLAGS.map((f) => [f.bit, f.name])).toEqual(NCCF);
  });

  it('reports the LAN sub-field raw, without inventing flags', () => {
    expect(decodeCharacteristics(0x00a00000)).toEqual({ value: 0x00a00000, flags: [], bluetooth: 0, lan: 0xa, unknown: 0 });
  });

  it('reports the Bluetooth sub-field and the Wi-Fi flags it overlaps, both as they are', () => {
    expect(decodeCharacteristics(0x50000)).toEqual({
      value: 0x50000,
      flags: ['hosted-network', 'wifi-direct'],
      bluetooth: 5,
      lan: 0,
      unknown: 0,
    });
  });

  it('counts 0x80000 as part of the Bluetooth mask, not as unknown', () => {
    expect(decodeCharacteristics(0x80000)).toEqual({ value: 0x80000, flags: [], bluetooth: 8, lan: 0, unknown: 0 });
  });

  it('keeps undocumented high bits in unknown, unsigned', () => {
    expect(decodeCharacteristics(0x81000001)).toEqual({ value: 0x81000001, flags: ['all-users'], bluetooth: 0, lan: 0, unknown: 0x81000000 });
  });

  it('decodes an all-ones mask, given signed or unsigned', () => {
    const expected = { value: 0xffffffff, flags: NCCF.map(([, name]) => name), bluetooth: 15, lan: 15, unknown: 0xff000000 };
    expect(decodeCharacteristics(0xffffffff)).toEqual(expected);
    expect(decodeCharacteristics(-1)).toEqual(expected);
  });

  it('decodes zero as nothing set', () => {
    expect(decodeCharacteristics(0)).toEqual({ value: 0, flags: [], bluetooth: 0, lan: 0, unknown: 0 });
  });

  it('names, for any 32-bit mask, exactly the flags whose bit is set, in bit order', () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x80000000, max: 0xffffffff }), (mask) => {
        const value = mask >>> 0;
        expect(decodeCharacteristics(mask).flags).toEqual(CHARACTERISTIC_FLAGS.filter((f) => (value & f.bit) !== 0).map((f) => f.name));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('toNetConnection', () => {
  it('decodes a raw row and keeps the raw codes', () => {
    expect(toNetConnection({ ...ETHERNET, status: 7, mediaType: 3, characteristics: 0x1011 })).toEqual({
      id: '{6A1F2B3C-4D5E-4F60-8A9B-0C1D2E3F4A5B}',
      name: 'Ethernet',
      deviceName: 'Intel(R) Ethernet Connection I219-V',
      status: 'media-disconnected',
      statusCode: 7,
      mediaType: 'lan',
      mediaTypeCode: 3,
      characteristics: { value: 0x1011, flags: ['all-users', 'show-icon', 'homenet-capable'], bluetooth: 0, lan: 0, unknown: 0 },
    });
  });

  it('puts braces around a GUID that came without them', () => {
    expect(toNetConnection({ ...ETHERNET, id: '6a1f2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b' }).id).toBe('{6A1F2B3C-4D5E-4F60-8A9B-0C1D2E3F4A5B}');
  });

  it('keeps values newer than this package as unknown with their codes', () => {
    const connection = toNetConnection({ ...ETHERNET, status: 42, mediaType: 11 });
    expect([connection.status, connection.statusCode, connection.mediaType, connection.mediaTypeCode]).toEqual(['unknown', 42, 'unknown', 11]);
  });
});
