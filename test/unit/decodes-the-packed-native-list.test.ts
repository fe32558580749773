// The addon hands a list back packed (one string, one Float64Array) to spare the JS thread a
// Node-API call per field; decodeList must give back exactly the connections that went in.
import { describe, expect, it } from 'vitest';

import { decodeList } from '../../src/addon';
import type { NativeRawConnection, PackedListResult } from '../../src/native';

// What native/addon.cc ListToJs does, in JavaScript.
function pack(connections: NativeRawConnection[]): PackedListResult {
  const fields: number[] = [];
  let text = '';
  for (const c of connections) {
    for (const s of [c.id, c.name, c.deviceName]) {
      text += s;
      fields.push(s.length);
    }
    fields.push(c.status, c.mediaType, c.characteristics);
  }
  return { ok: true, text, fields: Float64Array.from(fields) };
}

const odd: NativeRawConnection[] = [
  { id: '{6a1f2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b}', name: 'Ethernet', deviceName: 'Intel', status: 2, mediaType: 3, characteristics: 0xffffffff },
  { id: '', name: '', deviceName: '', status: -1, mediaType: 2 ** 31 - 1, characteristics: 0 },
  { id: 'not-a-guid', name: 'VPN 東京 🚀 \ud800 \u0000 مكتب', deviceName: 'x'.repeat(70_000), status: 16, mediaType: 10, characteristics: 0x80000000 },
];

describe('decodeList', () => {
  it('gives back every connection, odd strings and extreme numbers included', () => {
    expect(decodeList(pack(odd))).toEqual({ ok: true, connections: odd });
    expect(decodeList(pack([]))).toEqual({ ok: true, connections: [] });
  });

  it('passes a failure through untouched', () => {
    const failure = { ok: false as const, hresult: 0x80004005, step: 'EnumEveryConnection', message: '' };
    expect(decodeList(failure)).toBe(failure);
  });

  it('refuses parts that do not fit together, rather than return shifted names', () => {
    const packed = pack(odd) as Extract<PackedListResult, { ok: true }>;
    expect(() => decodeList({ ...packed, text: packed.text + 'x' })).toThrow(/describe/);
    expect(() => decodeList({ ...packed, fields: packed.fields.subarray(1) })).toThrow(/multiple of 6/);
  });
});
