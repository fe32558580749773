// Unit tests of watch-vpn.mjs on any OS: netcon/testing's machine changes when the test says
// so, and its watch() reports it as netcon's does.
import { createFakeClient } from 'netcon/testing';
import { describe, expect, it } from 'vitest';

import { upsAndDowns } from './watch-vpn.mjs';

/** @type {import('netcon/testing').FakeConnectionInput} */
const VPN = { id: '{0D5E3A41-7C2B-4E59-9A7F-1B2C3D4E5F60}', name: 'Office VPN', mediaType: 'tunnel' };

describe('upsAndDowns', () => {
  it('says when the VPN drops, and when it is back', async () => {
    const client = createFakeClient({ connections: [VPN] });
    const stop = new AbortController();
    const states = upsAndDowns('office vpn', { client, signal: stop.signal });

    const first = states.next();
    // Give the watch its starting list, then drop the VPN as Windows would.
    await new Promise((resolve) => setTimeout(resolve, 10));
    client.updateConnection(VPN.id, { status: 'disconnected' });
    expect((await first).value).toBe('down');

    client.updateConnection(VPN.id, { status: 'connected' });
    expect((await states.next()).value).toBe('up');

    client.removeConnection(VPN.id);
    expect((await states.next()).value).toBe('down');
    stop.abort();
    expect((await states.next()).done).toBe(true);
  });
});
