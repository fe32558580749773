// waitForStatus and the `wait` option, through netcon/testing's in-memory machine, which is
// the real client over an in-memory binding: these are netcon's own behaviours.
import { describe, expect, it } from 'vitest';

import { AccessDeniedError, ConnectionNotFoundError, NetConAbortError, NetConError, WaitTimeoutError } from '../../src/index';
import { createFakeClient } from '../../src/testing';

const ETHERNET = { id: '{6B0C3F2A-91D4-4E8B-A7C5-2F1E3D4C5B6A}', name: 'Ethernet' };
const WIFI = { id: 'a1b2c3d4-e5f6-4711-8899-aabbccddeeff', name: 'Wi-Fi', status: 'hardware-disabled' as const };

async function rejection(promise: Promise<unknown>) {
  return promise.then(
    (value) => expect.unreachable(`resolved with ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
}

describe('netcon/testing', () => {
  it('lists its connections as netcon does, and records the calls that reach it', async () => {
    const client = createFakeClient({ connections: [ETHERNET, WIFI] });
    const listed = await client.listConnections();
    expect(listed.map((c) => [c.id, c.name, c.status, c.mediaType])).toEqual([
      [ETHERNET.id, 'Ethernet', 'connected', 'lan'],
      ['{A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF}', 'Wi-Fi', 'hardware-disabled', 'lan'],
    ]);
    await client.disconnect('ethernet');
    await expect(client.disconnect('{00000000-0000-4000-8000-000000000000}')).rejects.toBeInstanceOf(ConnectionNotFoundError);
    await expect(client.disconnect('')).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    expect(client.calls).toEqual([
      { method: 'list' },
      { method: 'list' },
      { method: 'disconnect', id: ETHERNET.id },
      { method: 'disconnect', id: '{00000000-0000-4000-8000-000000000000}' },
    ]);
    expect(client.connections()[0].status).toBe('disconnected');
  });

  it('fails scripted calls with the typed error the real addon gives', async () => {
    const client = createFakeClient({ connections: [ETHERNET, WIFI], failures: [{ on: 'connect', id: WIFI.id, hresult: 'E_ACCESSDENIED' }] });
    const error = await rejection(client.connect('Wi-Fi'));
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toBeInstanceOf(NetConError);
    expect(error).toMatchObject({ code: 'E_ACCESSDENIED', hresult: 0x80070005, step: 'INetConnection::Connect', operation: 'connect', connection: { name: 'Wi-Fi' } });
    await client.connect('Ethernet');
    const listFails = createFakeClient({ failures: [{ on: 'list', hresult: 0x80004005 }] });
    expect(await rejection(listFails.listConnections())).toMatchObject({ code: 'E_FAIL', step: 'EnumEveryConnection', operation: 'list' });
  });

  it('rejects a bad machine description', () => {
    expect(() => createFakeClient({ connections: [{ id: 'nope', name: 'x' }] })).toThrow(/connections\[0\]\.id/);
    expect(() => createFakeClient({ connections: [{ ...ETHERNET, status: 'sleepy' as never }] })).toThrow(/connections\[0\]\.status/);
    expect(() => createFakeClient({ failures: [{ on: 'list', hresult: 'E_NOPE' as never }] })).toThrow(/failures\[0\]\.hresult/);
  });
});

describe('netcon/testing scripts what Windows does', () => {
  it('fails at the step it is told, with Windows\' text, naming the connection only once it was reached', async () => {
    const client = createFakeClient({
      connections: [ETHERNET, WIFI],
      failures: [
        { on: 'disconnect', hresult: 'E_FAIL', message: 'The adapter said no.' },
        { on: 'connect', hresult: 'REGDB_E_CLASSNOTREG', step: 'CoCreateInstance' },
      ],
    });
    const failed = await rejection(client.disconnect('Wi-Fi'));
    expect(failed).toMatchObject({ code: 'E_FAIL', step: 'INetConnection::Disconnect', systemMessage: 'The adapter said no.' });
    expect((failed as NetConError & { connection?: unknown }).connection).toEqual({ id: '{A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF}', name: 'Wi-Fi' });
    const early = await rejection(client.connect(ETHERNET.id));
    expect(early).toMatchObject({ code: 'REGDB_E_CLASSNOTREG', step: 'CoCreateInstance' });
    expect((early as NetConError & { connection?: unknown }).connection).toBeUndefined();
  });

  it('names the connection a list failed on', async () => {
    const client = createFakeClient({ connections: [ETHERNET, WIFI], failures: [{ on: 'list', id: WIFI.id, hresult: 'E_OUTOFMEMORY', step: 'INetConnectionProps::get_Status' }] });
    expect((await rejection(client.listConnections())) as Error).toMatchObject({
      code: 'E_OUTOFMEMORY',
      message: expect.stringMatching(/^List connections failed: E_OUTOFMEMORY \(0x8007000E\) at INetConnectionProps::get_Status for "Wi-Fi" — /),
    });
  });

  it('loses a connection removed while an action on it is under way, as netcon does', async () => {
    const client = createFakeClient({ connections: [ETHERNET, WIFI], delays: { disconnect: 100 } });
    const pending = rejection(client.disconnect('Ethernet'));
    while (client.calls.length < 2) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(client.removeConnection(ETHERNET.id.toLowerCase())).toBe(true);
    expect(client.removeConnection(ETHERNET.id)).toBe(false);
    expect(await pending).toBeInstanceOf(ConnectionNotFoundError);
    expect(client.connections().map((c) => c.name)).toEqual(['Wi-Fi']);
  });

  it('refuses a failure or success for a connection id that is no GUID', () => {
    expect(() => createFakeClient({ failures: [{ on: 'connect', id: 'Ethernet', hresult: 'E_FAIL' }] })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/^The "failures\[0\]\.id" property must be a GUID/) }),
    );
  });
});

describe('waitForStatus', () => {
  it('resolves with the connection once it reaches the status', async () => {
    const client = createFakeClient({ connections: [ETHERNET], settle: { disconnect: 60 } });
    await client.disconnect('Ethernet');
    expect(client.connections()[0].status).toBe('disconnecting');
    const done = await client.waitForStatus('Ethernet', 'disconnected', { intervalMs: 10 });
    expect(done).toMatchObject({ id: ETHERNET.id, status: 'disconnected' });
  });

  it('takes several statuses, or a predicate', async () => {
    const client = createFakeClient({ connections: [ETHERNET, WIFI] });
    expect((await client.waitForStatus(WIFI.id, ['disconnected', 'hardware-disabled'])).name).toBe('Wi-Fi');
    expect((await client.waitForStatus({ id: ETHERNET.id }, (c) => c.mediaType === 'lan')).name).toBe('Ethernet');
  });

  it('times out with ERR_TIMEOUT naming the last status seen', async () => {
    const client = createFakeClient({ connections: [ETHERNET], settle: { disconnect: 10_000 } });
    await client.disconnect(ETHERNET.id);
    const error = await rejection(client.waitForStatus('Ethernet', 'disconnected', { timeoutMs: 50, intervalMs: 10 }));
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toMatchObject({ code: 'ERR_TIMEOUT', lastStatus: 'disconnecting', timeoutMs: 50, target: 'Ethernet' });
    expect((error as Error).message).toBe('"Ethernet" did not become disconnected within 50 ms; its status was last disconnecting.');
  });

  it('stops with an AbortError when the signal aborts, before or during the wait', async () => {
    const client = createFakeClient({ connections: [ETHERNET] });
    const reason = new Error('user gave up');
    const early = await rejection(client.waitForStatus('Ethernet', 'disconnected', { signal: AbortSignal.abort(reason) }));
    expect(early).toBeInstanceOf(NetConAbortError);
    expect(early).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: reason });
    const controller = new AbortController();
    const waiting = client.waitForStatus('Ethernet', 'disconnected', { intervalMs: 20, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(await rejection(waiting)).toMatchObject({ code: 'ABORT_ERR' });
  });

  it('rejects with ERR_CONNECTION_NOT_FOUND when there is no such connection', async () => {
    const client = createFakeClient({ connections: [ETHERNET] });
    expect(await rejection(client.waitForStatus('Ethernet 9', 'connected'))).toBeInstanceOf(ConnectionNotFoundError);
  });

  it('checks its arguments before looking at anything', async () => {
    const client = createFakeClient({ connections: [ETHERNET] });
    const bad: [unknown, unknown, unknown][] = [
      [42, 'connected', undefined],
      ['Ethernet', 'asleep', undefined],
      ['Ethernet', [], undefined],
      ['Ethernet', 7, undefined],
      ['Ethernet', 'connected', null],
      ['Ethernet', 'connected', { timeoutMs: -1 }],
      ['Ethernet', 'connected', { timeoutMs: 1.5 }],
      ['Ethernet', 'connected', { intervalMs: 0 }],
      ['Ethernet', 'connected', { signal: {} }],
    ];
    for (const [target, status, options] of bad) {
      const error = await rejection(client.waitForStatus(target as never, status as never, options as never));
      expect((error as { code?: string }).code, JSON.stringify([target, status, options])).toMatch(/^ERR_INVALID_ARG_(TYPE|VALUE)$/);
    }
    expect(client.calls).toEqual([]);
  });
});

describe('disconnect and connect with { wait }', () => {
  it('resolve only once Windows reports the natural end state', async () => {
    const client = createFakeClient({ connections: [ETHERNET], settle: { disconnect: 60, connect: 60 } });
    await client.disconnect('Ethernet', { wait: { intervalMs: 10 } });
    expect(client.connections()[0].status).toBe('disconnected');
    await client.connect('Ethernet', { wait: true });
    expect(client.connections()[0].status).toBe('connected');
  });

  it('time out like waitForStatus', async () => {
    const client = createFakeClient({ connections: [ETHERNET], settle: { connect: 10_000 } });
    await client.disconnect('Ethernet');
    expect(await rejection(client.connect('Ethernet', { wait: { timeoutMs: 30, intervalMs: 10 } }))).toMatchObject({
      code: 'ERR_TIMEOUT',
      lastStatus: 'connecting',
    });
  });

  it('reject bad options before any call', async () => {
    const client = createFakeClient({ connections: [ETHERNET] });
    for (const options of [null, 1, 'wait', { wait: 1 }, { wait: { timeoutMs: 'soon' } }]) {
      expect(await rejection(client.disconnect('Ethernet', options as never))).toMatchObject({ code: expect.stringMatching(/^ERR_INVALID_ARG_/) });
    }
    expect(client.calls).toEqual([]);
    await client.disconnect('Ethernet', { wait: false });
    await client.disconnect('Ethernet', {});
  });
});
