import { describe, expect, it } from 'vitest';
import { createFakeClient, type FakeClientOptions } from '../../src/testing';
import { ethernet, vpn } from '../../wine/connections';
import { inWine, type FakeSetup, type Helpers } from '../../wine/run';

// Windows finishes many disconnects after INetConnection::Disconnect returned; the fake COM
// server does the same with "settle" lines, showing disconnecting/connecting for a while.
describe('waiting for a connection to reach a status, in Windows node.exe', () => {
  const fake: FakeSetup = { connections: [ethernet, vpn], settle: { Disconnect: 800, Connect: 800 } };

  it('disconnect/connect with { wait } resolve only once the status has settled', async () => {
    const { value, live } = await inWine({ fake }, async (netcon, t, input) => {
      const started = Date.now();
      await netcon.disconnect('Ethernet');
      const right = (await netcon.findConnection('Ethernet')).status;
      await netcon.waitForStatus('Ethernet', 'disconnected', { intervalMs: 50 });
      const waitedMs = Date.now() - started;
      const started2 = Date.now();
      await netcon.connect(input.id, { wait: { intervalMs: 50 } });
      return {
        right,
        waitedMs,
        connectMs: Date.now() - started2,
        after: (await netcon.findConnection('Ethernet')).status,
        timeout: await t.capture(netcon.disconnect('Ethernet', { wait: { timeoutMs: 200, intervalMs: 50 } })),
      };
    }, { id: ethernet.id });
    expect(value.right).toBe('disconnecting');
    expect(value.waitedMs).toBeGreaterThanOrEqual(700);
    expect(value.connectMs).toBeGreaterThanOrEqual(700);
    expect(value.after).toBe('connected');
    expect(value.timeout).toMatchObject({ ok: false, error: { code: 'ERR_TIMEOUT', name: 'WaitTimeoutError', classes: expect.arrayContaining(['WaitTimeoutError', 'NetConError']) } });
    expect(live).toEqual({});
  });

  it('stops with an AbortError when the signal aborts', async () => {
    const { value } = await inWine({ fake }, async (netcon, t) => {
      await netcon.disconnect('Ethernet');
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      return t.capture(netcon.waitForStatus('Ethernet', 'disconnected', { intervalMs: 20, signal: controller.signal }));
    });
    expect(value).toMatchObject({ ok: false, error: { name: 'AbortError', code: 'ABORT_ERR' } });
  });
});

// netcon/testing must behave as the real addon does. The same scenarios run against both:
// createFakeClient on Linux, and the real package over the fake COM server in node.exe.
describe('netcon/testing agrees with the real addon', () => {
  const wifi = { ...vpn, id: '{A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF}', name: 'Wi-Fi', mediaType: 3, status: 5 };
  const connections = [ethernet, vpn, wifi];
  const memory: FakeClientOptions = {
    connections: connections.map((c) => ({ id: c.id, name: c.name, deviceName: c.deviceName, status: c.status, mediaType: c.mediaType, characteristics: c.characteristics })),
    failures: [{ on: 'connect', id: wifi.id, hresult: 'E_ACCESSDENIED' }],
    settle: { disconnect: 300 },
  };
  const com: FakeSetup = {
    connections,
    hresults: [{ method: 'Connect', id: wifi.id, hresult: 0x80070005 }],
    settle: { Disconnect: 300 },
  };

  // Only the client API, so it runs against either; errors are projected to what must agree.
  const scenario = async (api: Pick<Helpers, 'capture'> & { netcon: import('../../src/testing').FakeClient | typeof import('../../src/index') }) => {
    const { netcon, capture } = api;
    const project = (s: { ok: boolean; value?: unknown; error?: object }) => {
      if (s.ok) return { ok: true, value: s.value ?? null };
      const e = s.error as Record<string, unknown>;
      return { ok: false, code: e.code, hresult: e.hresult ?? null, step: e.step ?? null, operation: e.operation ?? null, name: e.name };
    };
    const steps: unknown[] = [];
    steps.push(project(await capture(netcon.listConnections())));
    steps.push(project(await capture(netcon.findConnection('wi-fi'))));
    steps.push(project(await capture(netcon.disconnect('Ethernet'))));
    steps.push((await netcon.findConnection('Ethernet')).status);
    steps.push(project(await capture(netcon.waitForStatus('Ethernet', 'disconnected', { intervalMs: 25 }).then((c) => c.status))));
    steps.push(project(await capture(netcon.connect('Wi-Fi'))));
    steps.push(project(await capture(netcon.connect('Nope'))));
    steps.push(project(await capture(netcon.disconnect('{00000000-0000-4000-8000-000000000000}'))));
    steps.push(project(await capture(netcon.disconnect('Bad\0Name'))));
    steps.push(project(await capture(netcon.connect('Ethernet', { wait: true }))));
    steps.push(project(await capture(netcon.waitForStatus('Wi-Fi', 'connected', { timeoutMs: 100, intervalMs: 25 }))));
    steps.push((await netcon.listConnections()).map((c) => [c.id, c.status]));
    // What a watcher sees of a disconnect that settles, in order, until it is down.
    const seen: unknown[] = [];
    const watching = new AbortController();
    const giveUp = setTimeout(() => watching.abort(), 10_000);
    const watched = (async () => {
      for await (const change of netcon.watch({ intervalMs: 25, signal: watching.signal })) {
        seen.push(change.type === 'error' ? ['error', change.error.code] : [change.type, change.connection.name, change.type === 'changed' ? change.previous.status : null, change.connection.status]);
        if (change.type === 'changed' && change.connection.status === 'disconnected') watching.abort();
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await netcon.disconnect('Ethernet');
    await watched;
    clearTimeout(giveUp);
    steps.push(seen);
    return steps;
  };

  it('gives the same results, errors and state changes for a shared set of scenarios', async () => {
    const capture = async <T>(promise: Promise<T>) => {
      try {
        return { ok: true as const, value: await promise };
      } catch (error) {
        const { name, code, hresult, step, operation } = error as Record<string, unknown>;
        return { ok: false as const, error: { name, code, hresult, step, operation } as never };
      }
    };
    const inMemory = await scenario({ netcon: createFakeClient(memory), capture });
    const { value: real } = await inWine({ fake: com }, async (netcon, t, input) => {
      const run = new Function(`return (${input.source})`)();
      return run({ netcon, capture: t.capture });
    }, { source: scenario.toString() });
    expect(inMemory).toEqual(real);
    // And the scenarios are not trivially equal: they cover errors and state changes.
    expect(JSON.stringify(real)).toMatch(/E_ACCESSDENIED.*ERR_CONNECTION_NOT_FOUND.*ERR_INVALID_ARG_VALUE.*ERR_TIMEOUT/);
    expect(real.at(-1)).toEqual([
      ['changed', 'Ethernet', 'connected', 'disconnecting'],
      ['changed', 'Ethernet', 'disconnecting', 'disconnected'],
    ]);
  });
});
