// Unit tests of try-a-vpn-copy.mjs on any OS: netcon/testing's fake machine copies and deletes
// entries as Windows does, and refuses a connection whose characteristics do not allow it.
import { createFakeClient } from 'netcon/testing';
import { describe, expect, it } from 'vitest';

import { withVpnCopy } from './try-a-vpn-copy.mjs';

/** @type {import('netcon/testing').FakeConnectionInput[]} */
const MACHINE = [
  { id: '{5E0B7C2D-1A3F-4B6E-8D9C-0F1E2D3C4C01}', name: 'Ethernet' },
  // allow-duplication | allow-removal | allow-rename, as Windows marks a VPN entry.
  { id: '{5E0B7C2D-1A3F-4B6E-8D9C-0F1E2D3C4C02}', name: 'Office VPN', mediaType: 'tunnel', characteristics: 0xe },
];

describe('withVpnCopy', () => {
  it('hands the copy over and deletes it afterwards', async () => {
    const client = createFakeClient({ connections: MACHINE });
    const seen = await withVpnCopy('Office VPN', async (copy) => (await client.listConnections()).map((c) => c.name).concat(copy.status), client);
    expect(seen).toEqual(['Ethernet', 'Office VPN', 'Office VPN (trial)', 'disconnected']);
    expect(client.connections().map((c) => c.name)).toEqual(['Ethernet', 'Office VPN']);
  });

  it('deletes the copy when the try throws', async () => {
    const client = createFakeClient({ connections: MACHINE });
    await expect(withVpnCopy('Office VPN', async () => Promise.reject(new Error('no luck')), client)).rejects.toThrow('no luck');
    expect(client.connections()).toHaveLength(2);
  });

  it('says what Windows copies when given a LAN connection', async () => {
    const client = createFakeClient({ connections: MACHINE });
    await expect(withVpnCopy('Ethernet', async () => 'unreached', client)).rejects.toThrow('"Ethernet" is no VPN or dial-up entry');
    expect(client.calls.map((c) => c.method)).toEqual(['list']);
  });
});
