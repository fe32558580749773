// Unit tests of share-vpn.mjs on any OS: netcon/testing's fake machine keeps Windows' rule of
// one public and one private connection, and fails the steps a test asks it to.
import { createFakeClient } from 'netcon/testing';
import { describe, expect, it } from 'vitest';

import { shareVpn } from './share-vpn.mjs';

/** @type {import('netcon/testing').FakeConnectionInput[]} */
const MACHINE = [
  { id: '{5E0B7C2D-1A3F-4B6E-8D9C-0F1E2D3C4B01}', name: 'Office VPN', mediaType: 'tunnel' },
  { id: '{5E0B7C2D-1A3F-4B6E-8D9C-0F1E2D3C4B02}', name: 'Ethernet', sharing: 'public' },
  { id: '{5E0B7C2D-1A3F-4B6E-8D9C-0F1E2D3C4B03}', name: 'Local Area Connection* 10', sharing: 'private' },
];

describe('shareVpn', () => {
  it('moves sharing from Ethernet to the VPN, leaving the hotspot private', async () => {
    const client = createFakeClient({ connections: MACHINE });
    expect(await shareVpn('Office VPN', 'Local Area Connection* 10', client)).toBe('"Office VPN" is shared to "Local Area Connection* 10" (was on "Ethernet").');
    expect((await client.listSharing()).map((c) => [c.name, c.sharing])).toEqual([
      ['Office VPN', 'public'],
      ['Ethernet', null],
      ['Local Area Connection* 10', 'private'],
    ]);
  });

  it('puts Ethernet back when Windows refuses to share the VPN', async () => {
    const client = createFakeClient({ connections: MACHINE, failures: [{ on: 'enableSharing', id: MACHINE[0].id, hresult: 'EVENT_E_ALL_SUBSCRIBERS_FAILED' }] });
    expect(await shareVpn('Office VPN', 'Local Area Connection* 10', client)).toMatch(/^Windows' sharing service refused \(enable-public step\): .*SharedAccess/);
    expect((await client.listSharing()).map((c) => c.sharing)).toEqual([null, 'public', 'private']);
  });

  it('says so when the app is not elevated', async () => {
    const client = createFakeClient({ connections: MACHINE, failures: [{ on: 'disableSharing', hresult: 'E_ACCESSDENIED' }] });
    expect(await shareVpn('Office VPN', 'Local Area Connection* 10', client)).toBe('Run this elevated (Run as administrator).');
  });
});
