// takeOffline(), runOffline() and restoreOffline() on netcon/testing's machine, so that users
// can unit-test their offline tests anywhere: the same client code as on Windows, without a
// guardian process (the machine lives in the test's process only).
import { describe, expect, it } from 'vitest';

import { OfflineWindowError } from '../../src/index';
import { guardianEnv } from '../../src/offline';
import { createFakeClient } from '../../src/testing';

const ETHERNET = { id: '{5D1A7C20-3E4B-4F6A-9B8C-0D1E2F3A4B01}', name: 'Ethernet' } as const;
const WIFI = { id: '{5D1A7C20-3E4B-4F6A-9B8C-0D1E2F3A4B02}', name: 'Wi-Fi' } as const;
const CABLE_OUT = { id: '{5D1A7C20-3E4B-4F6A-9B8C-0D1E2F3A4B03}', name: 'Ethernet 2', status: 'media-disconnected' } as const;

const statuses = async (client: ReturnType<typeof createFakeClient>) => Object.fromEntries((await client.listConnections()).map((c) => [c.name, c.status]));

describe('an offline window on netcon/testing', () => {
  it('takes down what is connected, leaves what is down alone, and restore() brings exactly those back', async () => {
    const client = createFakeClient({ connections: [ETHERNET, WIFI, CABLE_OUT] });
    const window = await client.takeOffline();
    expect(window.connections.map((c) => c.name)).toEqual(['Ethernet', 'Wi-Fi']);
    expect(await statuses(client)).toEqual({ Ethernet: 'disconnected', 'Wi-Fi': 'disconnected', 'Ethernet 2': 'media-disconnected' });
    const restored = await window.restore();
    expect(restored.map((r) => [r.name, r.ok, r.status])).toEqual([['Ethernet', true, 'connected'], ['Wi-Fi', true, 'connected']]);
    expect(await window.restore()).toBe(restored);
    expect(await statuses(client)).toEqual({ Ethernet: 'connected', 'Wi-Fi': 'connected', 'Ethernet 2': 'media-disconnected' });
    expect(client.calls.filter((c) => c.method === 'connect').map((c) => c.id)).toEqual([ETHERNET.id, WIFI.id]);
  });

  it('runOffline restores after fn throws, and rethrows its error', async () => {
    const client = createFakeClient({ connections: [ETHERNET, WIFI] });
    const boom = new Error('the app crashed offline');
    await expect(
      client.runOffline(['Wi-Fi'], async (window) => {
        expect(window.connections.map((c) => c.name)).toEqual(['Wi-Fi']);
        expect((await statuses(client))['Wi-Fi']).toBe('disconnected');
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await statuses(client)).toEqual({ Ethernet: 'connected', 'Wi-Fi': 'connected' });
  });

  it('runOffline resolves with what fn returns, the connections back', async () => {
    const client = createFakeClient({ connections: [ETHERNET] });
    expect(await client.runOffline(undefined, async () => (await statuses(client)).Ethernet)).toBe('disconnected');
    expect((await statuses(client)).Ethernet).toBe('connected');
  });

  it('ends by itself at maxMs, restored, when nobody calls restore()', async () => {
    const client = createFakeClient({ connections: [ETHERNET] });
    const window = await client.takeOffline(undefined, { maxMs: 50 });
    expect(window.deadline.getTime() - Date.now()).toBeLessThanOrEqual(50);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await statuses(client)).Ethernet).toBe('connected');
  });

  it('takes nothing more down once maxMs runs out while it is still taking them down, and brings back what it took', async () => {
    // Each disconnect takes 60 ms: the window's 100 ms end comes while Wi-Fi's is at work.
    const client = createFakeClient({ connections: [ETHERNET, WIFI, { ...WIFI, id: '{5D1A7C20-3E4B-4F6A-9B8C-0D1E2F3A4B04}', name: 'Wi-Fi 2' }], delays: { disconnect: 60 } });
    const error = await client.takeOffline(undefined, { maxMs: 100 }).then(
      () => expect.unreachable('resolved'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OfflineWindowError);
    expect(error).toMatchObject({ code: 'ERR_OFFLINE_WINDOW', step: 'deadline', restored: ['Ethernet', 'Wi-Fi'], notRestored: [] });
    expect((error as Error).message).toBe('maxMs (100 ms) ran out before every connection was down: took nothing more down, and brought back: Ethernet, Wi-Fi.');
    expect(await statuses(client)).toEqual({ Ethernet: 'connected', 'Wi-Fi': 'connected', 'Wi-Fi 2': 'connected' });
    expect(client.calls.filter((c) => c.method === 'disconnect').map((c) => c.id)).toEqual([ETHERNET.id, WIFI.id]);
    // Nothing is left for a later restore, and no timer brings anything up later.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await client.restoreOffline()).toEqual([]);
    expect(client.calls.filter((c) => c.method === 'connect')).toHaveLength(2);
  });

  it('brings back what it took down when a later disconnect fails, and names both in its error', async () => {
    const client = createFakeClient({ connections: [ETHERNET, WIFI], failures: [{ on: 'disconnect', id: WIFI.id, hresult: 'E_ACCESSDENIED' }] });
    const error = await client.takeOffline().then(
      () => expect.unreachable('resolved'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OfflineWindowError);
    expect(error).toMatchObject({ code: 'ERR_OFFLINE_WINDOW', step: 'disconnect', connection: { id: WIFI.id, name: 'Wi-Fi' }, restored: ['Ethernet'], notRestored: [] });
    expect((error as Error).message).toMatch(/^Taking "Wi-Fi" down failed: .*E_ACCESSDENIED.* Brought back: Ethernet\.$/);
    expect(await statuses(client)).toEqual({ Ethernet: 'connected', 'Wi-Fi': 'connected' });
  });

  it('reports a connection that will not come back, without throwing', async () => {
    const client = createFakeClient({ connections: [ETHERNET, WIFI] });
    const window = await client.takeOffline();
    client.setFailures([{ on: 'connect', id: WIFI.id, hresult: 'E_FAIL' }]);
    const restored = await window.restore();
    expect(restored.map((r) => [r.name, r.ok, r.error?.code])).toEqual([['Ethernet', true, undefined], ['Wi-Fi', false, 'E_FAIL']]);
  });

  it('restoreOffline() brings back what a window left down, once', async () => {
    const client = createFakeClient({ connections: [ETHERNET, WIFI] });
    await client.takeOffline(['Ethernet']);
    const restored = await client.restoreOffline();
    expect(restored.map((r) => [r.name, r.ok])).toEqual([['Ethernet', true]]);
    expect(await statuses(client)).toEqual({ Ethernet: 'connected', 'Wi-Fi': 'connected' });
    expect(await client.restoreOffline()).toEqual([]);
  });

  it('checks its arguments before any call', async () => {
    const client = createFakeClient({ connections: [ETHERNET] });
    await expect(client.takeOffline('Ethernet' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(client.takeOffline(undefined, { maxMs: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(client.takeOffline(['Ethernet', 42 as never])).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringMatching(/targets\[1\]/) });
    await expect(client.takeOffline(['{not-a-guid}'])).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(client.takeOffline(undefined, 'soon' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(client.takeOffline(undefined, { timeoutMs: -1 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(client.runOffline(undefined, 'not a function' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    expect(client.calls).toEqual([]);
  });
});

describe("the guardian's environment", () => {
  it('runs Electron as Node, and leaves out what CI runners find a job\'s processes by', () => {
    const saved = { ...process.env };
    try {
      process.env.RUNNER_TRACKING_ID = 'github_0a1b2c';
      process.env.VSTS_PROCESS_LOOKUP_ID = 'vsts_3d4e5f';
      process.env.NETCON_SOMETHING = 'kept';
      const env = guardianEnv();
      expect(env).toMatchObject({ ELECTRON_RUN_AS_NODE: '1', NETCON_SOMETHING: 'kept' });
      expect(env).not.toHaveProperty('RUNNER_TRACKING_ID');
      expect(env).not.toHaveProperty('VSTS_PROCESS_LOOKUP_ID');
      expect(process.env.RUNNER_TRACKING_ID).toBe('github_0a1b2c');
    } finally {
      process.env = saved;
    }
  });
});
