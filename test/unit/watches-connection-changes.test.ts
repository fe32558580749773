// watch() through netcon/testing's machine, which is the real client and hub over an
// in-memory backend: the diff rules, the error events, sharing one list, and what ending a
// watch releases.
import { describe, expect, it, vi } from 'vitest';

import { watch, type ConnectionChange } from '../../src/index';
import { createFakeClient, type FakeClient } from '../../src/testing';
import { diffConnections } from '../../src/watch';

const ETHERNET = { id: '{6B0C3F2A-91D4-4E8B-A7C5-2F1E3D4C5B6A}', name: 'Ethernet', deviceName: 'Intel(R) I219-V' };
const VPN = { id: '{A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF}', name: 'Office VPN', mediaType: 'tunnel' as const, status: 'disconnected' as const };
const WIFI = { id: '{0F1E2D3C-4B5A-4697-8877-665544332211}', name: 'Wi-Fi' };

/** Reads changes from a watch until `count` have come, then ends it. */
async function take(source: AsyncIterable<ConnectionChange>, count: number, after?: () => void): Promise<ConnectionChange[]> {
  const changes: ConnectionChange[] = [];
  if (count === 0) return changes;
  const iterator = source[Symbol.asyncIterator]();
  try {
    // The first list (the watch's starting point) is taken as iteration begins; let it land.
    const first = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    after?.();
    for (let next = await first; !next.done; next = await iterator.next()) {
      changes.push(next.value);
      if (changes.length === count) break;
    }
  } finally {
    await iterator.return?.();
  }
  return changes;
}

const summary = (change: ConnectionChange) =>
  change.type === 'error' ? ['error', change.error.code] : [change.type, change.connection.name, change.connection.status];

// Counts the timers set while it is installed that are neither fired nor cleared.
function timersPending() {
  const live = new Set<unknown>();
  let created = 0;
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const set = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((run: () => void, ms?: number) => {
    const timer = realSet(() => {
      live.delete(timer);
      run();
    }, ms);
    live.add(timer);
    created++;
    return timer;
  }) as typeof setTimeout);
  const clear = vi.spyOn(globalThis, 'clearTimeout').mockImplementation((timer) => {
    live.delete(timer);
    realClear(timer);
  });
  return {
    realSetTimeout: realSet,
    created: () => created,
    live: () => live.size,
    /** Those of them that keep the process alive. */
    holding: () => [...live].filter((timer) => (timer as { hasRef?(): boolean }).hasRef?.() !== false).length,
    restore() {
      set.mockRestore();
      clear.mockRestore();
    },
  };
}

describe('watch() diff rules', () => {
  it('reports a rename as a change, with the connection as it was', async () => {
    const client = createFakeClient({ connections: [ETHERNET, VPN] });
    const [change] = await take(client.watch({ intervalMs: 60_000 }), 1, () => client.updateConnection(VPN.id, { name: 'Head Office' }));
    expect(change).toMatchObject({ type: 'changed', connection: { id: VPN.id, name: 'Head Office' }, previous: { id: VPN.id, name: 'Office VPN' } });
  });

  it('reports a status flip, as a disconnect through the client makes it', async () => {
    const client = createFakeClient({ connections: [ETHERNET, VPN] });
    const [change] = await take(client.watch({ intervalMs: 60_000 }), 1, () => void client.disconnect('Ethernet'));
    expect(change).toMatchObject({ type: 'changed', connection: { name: 'Ethernet', status: 'disconnected' }, previous: { status: 'connected' } });
  });

  it('reports an add, a remove and a change made together, from one list, additions and changes first', async () => {
    const client = createFakeClient({ connections: [ETHERNET, VPN] });
    const changes = await take(client.watch({ intervalMs: 60_000 }), 3, () => {
      client.removeConnection(ETHERNET.id);
      client.addConnection(WIFI);
      client.updateConnection(VPN.id, { status: 'connected' });
    });
    expect(changes.map(summary)).toEqual([
      ['changed', 'Office VPN', 'connected'],
      ['added', 'Wi-Fi', 'connected'],
      ['removed', 'Ethernet', 'connected'],
    ]);
    // The first list, then one for the three changes.
    expect(client.calls.filter((c) => c.method === 'list')).toHaveLength(2);
  });

  it('tells connections with the same name apart by GUID', async () => {
    const twin = { id: '{11111111-2222-4333-8444-555555555555}', name: 'Ethernet', deviceName: 'USB dock' };
    const client = createFakeClient({ connections: [ETHERNET, twin] });
    const [change] = await take(client.watch({ intervalMs: 60_000 }), 1, () => client.updateConnection(twin.id, { status: 'media-disconnected' }));
    expect(change).toMatchObject({ type: 'changed', connection: { id: twin.id, deviceName: 'USB dock', status: 'media-disconnected' } });
  });

  it('counts every field the issue names as a change, and nothing else', () => {
    const [before] = createFakeClient({ connections: [ETHERNET] }).connections();
    const changed = (after: object) => diffConnections([before], [{ ...before, ...after }]).map((c) => c.type);
    expect(changed({})).toEqual([]);
    expect(changed({ name: 'LAN' })).toEqual(['changed']);
    expect(changed({ deviceName: 'Realtek' })).toEqual(['changed']);
    expect(changed({ statusCode: 7, status: 'media-disconnected' })).toEqual(['changed']);
    expect(changed({ mediaTypeCode: 5, mediaType: 'tunnel' })).toEqual(['changed']);
    expect(changed({ characteristics: { ...before.characteristics, value: 0x400 } })).toEqual(['changed']);
    // The same rows in another order are no change.
    const [a, b] = createFakeClient({ connections: [ETHERNET, WIFI] }).connections();
    expect(diffConnections([a, b], [b, a])).toEqual([]);
    // A GUID listed twice (a broken server) is two rows, not one that flickers.
    expect(diffConnections([a, a], [a, a])).toEqual([]);
    expect(diffConnections([a], [a, a]).map((c) => c.type)).toEqual(['added']);
  });
});

describe('watch()', () => {
  it('yields nothing over 20 ticks when nothing changes', async () => {
    const client = createFakeClient({ connections: [ETHERNET, VPN] });
    const controller = new AbortController();
    const changes: ConnectionChange[] = [];
    const reading = (async () => {
      for await (const change of client.watch({ intervalMs: 2, signal: controller.signal })) changes.push(change);
    })();
    while (client.calls.length < 21) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await reading;
    expect(changes).toEqual([]);
  });

  it('yields an error event for a failing list and recovers, comparing with the last good list', async () => {
    const client = createFakeClient({ connections: [ETHERNET, VPN] });
    const iterator = client.watch({ intervalMs: 5 })[Symbol.asyncIterator]();
    const first = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.setFailures([{ on: 'list', hresult: 'E_ACCESSDENIED' }]);
    const failed = await first;
    expect(failed.value).toMatchObject({ type: 'error', error: { code: 'E_ACCESSDENIED', operation: 'watch', step: 'EnumEveryConnection' } });
    expect(failed.value?.type === 'error' && failed.value.error.message).toMatch(/^Watch connections failed: E_ACCESSDENIED \(0x80070005\)/);
    // It keeps trying: another error on the next tick.
    expect((await iterator.next()).value).toMatchObject({ type: 'error' });
    client.updateConnection(VPN.id, { status: 'connected' });
    client.setFailures([]);
    let next = await iterator.next();
    while (next.value?.type === 'error') next = await iterator.next();
    expect(next.value).toMatchObject({ type: 'changed', connection: { name: 'Office VPN', status: 'connected' }, previous: { status: 'disconnected' } });
    await iterator.return?.();
  });

  it('ends without an error when its signal aborts, and leaves no timer or subscription behind', async () => {
    const client = createFakeClient({ connections: [ETHERNET] });
    const pending = timersPending();
    const changes: ConnectionChange[] = [];
    try {
      for await (const change of client.watch({ intervalMs: 5, signal: AbortSignal.timeout(30) })) changes.push(change);
    } finally {
      pending.restore();
    }
    expect(changes).toEqual([]);
    expect(pending.created()).toBeGreaterThan(3);
    expect(pending.live()).toBe(0);
    // Nobody watches any more: a change reaches nothing and starts no list.
    const lists = client.calls.length;
    client.updateConnection(ETHERNET.id, { status: 'disconnected' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(client.calls.length).toBe(lists);
  });

  it('ends when the loop exits, and an already aborted signal starts nothing', async () => {
    const client = createFakeClient({ connections: [ETHERNET] });
    setTimeout(() => client.updateConnection(ETHERNET.id, { name: 'LAN' }), 20);
    const pending = timersPending();
    try {
      for await (const change of client.watch({ intervalMs: 5 })) {
        expect(change.type).toBe('changed');
        break;
      }
    } finally {
      pending.restore();
    }
    expect(pending.live()).toBe(0);
    const lists = client.calls.length;
    const aborted = client.watch({ signal: AbortSignal.abort() })[Symbol.asyncIterator]();
    expect(await aborted.next()).toEqual({ value: undefined, done: true });
    expect(client.calls.length).toBe(lists);
  });

  it('shares one list per tick among the watchers of a client, each comparing with what it saw', async () => {
    const client = createFakeClient({ connections: [ETHERNET, VPN] });
    const controller = new AbortController();
    const seen: string[][] = [[], []];
    const readers = seen.map(async (mine) => {
      for await (const change of client.watch({ intervalMs: 10, signal: controller.signal })) mine.push(summary(change).join(' '));
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    client.updateConnection(VPN.id, { status: 'connected' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    controller.abort();
    await Promise.all(readers);
    expect(seen).toEqual([['changed Office VPN connected'], ['changed Office VPN connected']]);
    // Two watchers, one list per tick: as many lists as one watcher alone would take.
    const lists = client.calls.filter((c) => c.method === 'list').length;
    expect(lists).toBeGreaterThan(3);
    expect(lists).toBeLessThan(15);
  });

  it("gives a list that outlives timeoutMs an error event and goes on", async () => {
    const client = createFakeClient({ connections: [ETHERNET], delays: { list: 200 } });
    const started = performance.now();
    const [change] = await take(client.watch({ timeoutMs: 30, intervalMs: 5 }), 1);
    expect(performance.now() - started).toBeLessThan(150);
    expect(change).toMatchObject({ type: 'error', error: { code: 'ERR_TIMEOUT', operation: 'watch', timeoutMs: 30 } });
    expect(change.type === 'error' && change.error.message).toBe('Watch connections timed out after 30 ms (timeoutMs): Windows did not answer in time.');
  });

  it('keeps the process alive only when persistent', async () => {
    const client = createFakeClient({ connections: [ETHERNET] });
    // Only the watch's own timers: a count of the process's would take in other tests' ones.
    const pending = timersPending();
    const sleep = (ms: number) => new Promise((resolve) => pending.realSetTimeout(resolve, ms));
    // Each watcher's next poll is set once its first list is in: wait for that.
    const listed = async (count: number) => {
      for (let i = 0; i < 200 && client.calls.filter((c) => c.method === 'list').length < count; i++) await sleep(10);
      await sleep(20);
    };
    try {
      const quiet = new AbortController();
      const reading = (async () => {
        for await (const change of client.watch({ intervalMs: 1000, persistent: false, signal: quiet.signal })) void change;
      })();
      await listed(1);
      expect(pending.live()).toBe(1);
      expect(pending.holding()).toBe(0);
      const loud = new AbortController();
      const alsoReading = (async () => {
        for await (const change of client.watch({ intervalMs: 1000, signal: loud.signal })) void change;
      })();
      await listed(2);
      expect(pending.live()).toBe(1);
      expect(pending.holding()).toBe(1);
      quiet.abort();
      loud.abort();
      await Promise.all([reading, alsoReading]);
      expect(pending.live()).toBe(0);
    } finally {
      pending.restore();
    }
  });

  it('refuses bad options at once, before any list', () => {
    const client = createFakeClient({ connections: [ETHERNET] });
    expect(() => client.watch({ intervalMs: 0 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => client.watch({ intervalMs: 1.5 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => client.watch({ timeoutMs: -1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => client.watch({ persistent: 'yes' as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => client.watch({ signal: {} as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => client.watch([] as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(client.calls).toEqual([]);
  });

  it('rejects its first step off Windows with ERR_UNSUPPORTED_PLATFORM, then ends', async () => {
    const iterator = watch()[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_PLATFORM' });
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });
});

describe("netcon/testing's machine changes", () => {
  it('adds, updates and refuses what it cannot follow', () => {
    const client: FakeClient = createFakeClient({ connections: [ETHERNET] });
    expect(client.addConnection(WIFI)).toMatchObject({ id: WIFI.id, name: 'Wi-Fi', status: 'connected' });
    expect(() => client.addConnection({ ...WIFI, name: 'again' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => client.addConnection({ id: 'nope', name: 'x' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(client.updateConnection(ETHERNET.id.toLowerCase(), { status: 'hardware-disabled', name: 'LAN' })).toBe(true);
    expect(() => client.updateConnection(ETHERNET.id, { status: 'sleepy' as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(client.updateConnection('{00000000-0000-4000-8000-000000000000}', { name: 'x' })).toBe(false);
    expect(client.connections().map((c) => [c.name, c.status])).toEqual([
      ['LAN', 'hardware-disabled'],
      ['Wi-Fi', 'connected'],
    ]);
  });
});
