// Unit tests of vpn-switch.mjs on any OS: netcon/testing's fake machine has netcon's API,
// errors and status changes, and no network is touched.
import { createFakeClient } from 'netcon/testing';
import { describe, expect, it } from 'vitest';

import { dropVpn } from './vpn-switch.mjs';

/** @type {import('netcon/testing').FakeConnectionInput} */
const VPN = { id: '{0D5E3A41-7C2B-4E59-9A7F-1B2C3D4E5F60}', name: 'Office VPN', mediaType: 'tunnel' };

describe('dropVpn', () => {
  it('waits until Windows reports the VPN down', async () => {
    // Like Windows, the fake shows `disconnecting` for a while after the call returns.
    const client = createFakeClient({ connections: [VPN], settle: { disconnect: 300 } });
    expect(await dropVpn('office vpn', client)).toBe('down');
    expect(client.connections()[0].status).toBe('disconnected');
    expect(client.calls.filter((call) => call.method === 'disconnect')).toEqual([{ method: 'disconnect', id: VPN.id }]);
  });

  it('says so when the app is not elevated', async () => {
    const client = createFakeClient({ connections: [VPN], failures: [{ on: 'disconnect', hresult: 'E_ACCESSDENIED' }] });
    expect(await dropVpn('Office VPN', client)).toBe('needs-admin');
    expect(client.connections()[0].status).toBe('connected');
  });

  it('says so when there is no such VPN', async () => {
    expect(await dropVpn('Office VPN', createFakeClient({ connections: [] }))).toBe('absent');
  });

  it('passes other failures on, with netcon\'s codes', async () => {
    const client = createFakeClient({ connections: [VPN], failures: [{ on: 'disconnect', hresult: 'E_FAIL' }] });
    await expect(dropVpn('Office VPN', client)).rejects.toMatchObject({ code: 'E_FAIL', step: 'INetConnection::Disconnect' });
  });
});
