// timeoutMs and signal on every call, through netcon/testing's in-memory machine (the real
// client over an in-memory binding) whose calls can be made to hang like a stuck Windows call.
import { describe, expect, it } from 'vitest';

import {
  CallTimeoutError,
  DEFAULT_TIMEOUT_MS,
  NetConAbortError,
  NetConError,
  TooManyHungCallsError,
  WaitTimeoutError,
} from '../../src/index';
import type { AbandonHook, Backend } from '../../src/backend';
import { createClientWith } from '../../src/client';
import { createFakeClient } from '../../src/testing';
import { until } from './fixtures';

const ETHERNET = { id: '{6B0C3F2A-91D4-4E8B-A7C5-2F1E3D4C5B6A}', name: 'Ethernet' };
const HUNG = { list: Infinity, disconnect: Infinity, connect: Infinity };

async function rejection(promise: Promise<unknown>) {
  const started = performance.now();
  const error = await promise.then(
    (value) => expect.unreachable(`resolved with ${JSON.stringify(value)}`),
    (e: unknown) => e,
  );
  return { error: error as Record<string, unknown>, ms: performance.now() - started };
}

describe('timeoutMs', () => {
  it('rejects a hung list with ERR_TIMEOUT at the deadline', async () => {
    const client = createFakeClient({ connections: [ETHERNET], delays: { list: Infinity } });
    const { error, ms } = await rejection(client.listConnections({ timeoutMs: 50 }));
    expect(error).toBeInstanceOf(CallTimeoutError);
    expect(error).toBeInstanceOf(NetConError);
    expect(error).toMatchObject({ name: 'CallTimeoutError', code: 'ERR_TIMEOUT', operation: 'list', timeoutMs: 50 });
    expect(error.outcome).toBeUndefined();
    expect(error.message).toBe('List connections timed out after 50 ms (timeoutMs): Windows did not answer in time.');
    expect(ms).toBeGreaterThanOrEqual(45);
    expect(ms).toBeLessThan(1000);
  });

  it('says a disconnect that Windows was working on may still complete, and it may', async () => {
    const client = createFakeClient({ connections: [ETHERNET], delays: { disconnect: 150 } });
    const { error } = await rejection(client.disconnect(ETHERNET.id, { timeoutMs: 30 }));
    expect(error).toMatchObject({ code: 'ERR_TIMEOUT', operation: 'disconnect', outcome: 'unknown', target: ETHERNET.id, connection: { id: ETHERNET.id } });
    expect(error.message).toBe(
      `Disconnect "${ETHERNET.id}" timed out after 30 ms (timeoutMs): Windows did not answer in time. ` +
        "It may still complete: check the connection's status before retrying.",
    );
    expect(client.connections()[0].status).toBe('connected');
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(client.connections()[0].status).toBe('disconnected');
  });

  it('covers the list a name needs and the action together, and names the connection once found', async () => {
    const slowList = createFakeClient({ connections: [ETHERNET], delays: { list: Infinity } });
    const { error: inList } = await rejection(slowList.connect('Ethernet', { timeoutMs: 40 }));
    // Stopped while still looking for the connection: Windows was never asked to connect it.
    expect(inList).toMatchObject({ code: 'ERR_TIMEOUT', operation: 'connect', target: 'Ethernet' });
    expect(inList.outcome).toBeUndefined();
    expect(slowList.calls).toEqual([{ method: 'list' }]);

    const slowBoth = createFakeClient({ connections: [ETHERNET], delays: { list: 60, connect: Infinity } });
    const { error: inAction, ms } = await rejection(slowBoth.connect('Ethernet', { timeoutMs: 100 }));
    expect(inAction).toMatchObject({ operation: 'connect', outcome: 'unknown', connection: { id: ETHERNET.id, name: 'Ethernet' } });
    expect(ms).toBeLessThan(1000); // one deadline for both, not 100 ms each
    expect(slowBoth.calls).toEqual([{ method: 'list' }, { method: 'connect', id: ETHERNET.id }]);
  });

  it('applies to findConnection, and Infinity means no deadline', async () => {
    const hung = createFakeClient({ connections: [ETHERNET], delays: HUNG });
    expect((await rejection(hung.findConnection('Ethernet', { timeoutMs: 20 }))).error).toMatchObject({ code: 'ERR_TIMEOUT', operation: 'find' });
    const slow = createFakeClient({ connections: [ETHERNET], delays: { list: 80 } });
    expect((await slow.findConnection('Ethernet', { timeoutMs: Infinity })).name).toBe('Ethernet');
    expect(DEFAULT_TIMEOUT_MS).toBe(60_000);
  });

  it('takes an integer from 1 to 2^31-1 or Infinity, checked before any call', async () => {
    const client = createFakeClient({ connections: [ETHERNET] });
    for (const timeoutMs of [0, -1, 1.5, NaN, -Infinity, 2 ** 31]) {
      const { error } = await rejection(client.listConnections({ timeoutMs }));
      expect(error).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
      expect(error.message).toMatch(/"options\.timeoutMs" property must be an integer from 1 to 2147483647, or Infinity/);
    }
    for (const options of [{ timeoutMs: '100' }, { timeoutMs: null }, 5, null]) {
      expect((await rejection(client.disconnect('Ethernet', options as never))).error).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    }
    expect(client.calls).toEqual([]);
    await client.listConnections({ timeoutMs: 1 });
    await client.listConnections({ timeoutMs: 2 ** 31 - 1 });
  });

  it('lets the wait phase keep its own timeout; a look that hangs past it is a wait timeout', async () => {
    const client = createFakeClient({ connections: [ETHERNET], settle: { disconnect: 10_000 } });
    const { error } = await rejection(client.disconnect('Ethernet', { timeoutMs: 100, wait: { timeoutMs: 400, intervalMs: 10 } }));
    // timeoutMs 100 bounds the action, which takes no time here (a loaded machine may still take
    // a few ms); the wait then runs its 400 ms.
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toMatchObject({ code: 'ERR_TIMEOUT', lastStatus: 'disconnecting' });

    // A look still running at the end gets one more interval, then is given up on too.
    const hungLook = createFakeClient({ connections: [ETHERNET], delays: { list: Infinity } });
    const { error: stuck, ms } = await rejection(hungLook.waitForStatus(ETHERNET.id, 'connected', { timeoutMs: 60, intervalMs: 40 }));
    expect(stuck).toBeInstanceOf(WaitTimeoutError);
    expect(stuck.lastStatus).toBeUndefined();
    expect(stuck.message).toBe(`"${ETHERNET.id}" did not become connected within 60 ms; no look at it returned in that time.`);
    expect(ms).toBeGreaterThanOrEqual(95);
    expect(ms).toBeLessThan(1000);

    const slowLook = createFakeClient({ connections: [ETHERNET], delays: { list: 50 } });
    // The look that starts at 0 returns at 50 ms, after the 30 ms wait: its answer still counts.
    expect((await slowLook.waitForStatus('Ethernet', 'connected', { timeoutMs: 30, intervalMs: 100 })).status).toBe('connected');
  });
});

describe('signal', () => {
  it('rejects at once with an AbortError carrying the reason, mid-call', async () => {
    const client = createFakeClient({ connections: [ETHERNET], delays: HUNG });
    const controller = new AbortController();
    const reason = new Error('user closed the window');
    setTimeout(() => controller.abort(reason), 30);
    const { error, ms } = await rejection(client.disconnect(ETHERNET.id, { signal: controller.signal }));
    expect(error).toBeInstanceOf(NetConAbortError);
    expect(error).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', operation: 'disconnect', outcome: 'unknown' });
    expect(error.cause).toBe(reason);
    expect(ms).toBeLessThan(1000);
  });

  it('makes no call at all when already aborted', async () => {
    const client = createFakeClient({ connections: [ETHERNET] });
    const signal = AbortSignal.abort('too late');
    for (const call of [
      client.listConnections({ signal }),
      client.findConnection('Ethernet', { signal }),
      client.disconnect('Ethernet', { signal }),
      client.connect(ETHERNET.id, { signal }),
      client.waitForStatus('Ethernet', 'connected', { signal }),
    ]) {
      const { error } = await rejection(call);
      expect(error).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: 'too late' });
    }
    expect(client.calls).toEqual([]);
  });

  it('covers both phases of an action with wait', async () => {
    const client = createFakeClient({ connections: [ETHERNET], settle: { disconnect: 10_000 } });
    const controller = new AbortController();
    const pending = client.disconnect('Ethernet', { signal: controller.signal, wait: { timeoutMs: 5_000, intervalMs: 10 } });
    setTimeout(() => controller.abort(), 50);
    const { error, ms } = await rejection(pending);
    expect(error).toMatchObject({ name: 'AbortError', operation: 'wait' });
    expect(ms).toBeLessThan(1000);
  });

  it('must be an AbortSignal', async () => {
    const client = createFakeClient({ connections: [ETHERNET] });
    const { error } = await rejection(client.listConnections({ signal: {} as AbortSignal }));
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    expect(error.message).toMatch(/"options\.signal" property must be an instance of AbortSignal/);
    expect(client.calls).toEqual([]);
  });
});

describe('the binding underneath', () => {
  // A binding whose every call hangs, and which records whether netcon let the call go.
  function hungBinding() {
    const abandoned: string[] = [];
    const hang = (name: string, hook?: AbandonHook) => {
      if (hook) hook.onAbandon = () => abandoned.push(name);
      return new Promise<never>(() => {});
    };
    const binding: Backend = {
      list: (_p, hook) => hang('list', hook),
      disconnect: (_p, _g, hook) => hang('disconnect', hook),
      connect: (_p, _g, hook) => hang('connect', hook),
      initializeSecurity: (hook) => hang('security', hook),
      diagnose: (_p, hook) => hang('diagnose', hook),
      sharing: (_p, hook) => hang('sharing', hook),
      setSharing: (_p, _g, _c, hook) => hang('setSharing', hook),
      rename: (_p, _g, _n, hook) => hang('rename', hook),
      deleteConnection: (_p, _g, hook) => hang('deleteConnection', hook),
      duplicateConnection: (_p, _g, _n, hook) => hang('duplicateConnection', hook),
      portMappings: (_p, _g, hook) => hang('portMappings', hook),
      addPortMapping: (_p, _g, _m, hook) => hang('addPortMapping', hook),
      changePortMapping: (_p, _g, _pr, _e, _c, hook) => hang('changePortMapping', hook),
      apartment: () => ({ hresult: 0x800401f0, type: 0, qualifier: 0 }),
      // Nothing to subscribe to, as under Wine: a watch only polls.
      watchChanges: () => ({ settleMs: 0, stop() {} }),
      adapters: (hook) => hang('adapters', hook),
    };
    return { binding, abandoned };
  }

  it('is told to abandon the call at the deadline and on abort', async () => {
    const { binding, abandoned } = hungBinding();
    const client = createClientWith(() => binding);
    await rejection(client.listConnections({ timeoutMs: 10 }));
    await rejection(client.connect(ETHERNET.id, { signal: AbortSignal.timeout(10) }));
    await rejection(client.listSharing({ timeoutMs: 10 }));
    await rejection(client.disableSharing(ETHERNET.id, { timeoutMs: 10 }));
    await rejection(client.rename(ETHERNET.id, 'Uplink', { signal: AbortSignal.timeout(10) }));
    await rejection(client.listPortMappings(ETHERNET.id, { timeoutMs: 10 }));
    expect(abandoned).toEqual(['list', 'connect', 'sharing', 'setSharing', 'list', 'portMappings']);
  });

  it('abandons a hung adapter read of listConnections({ details: true }) at the deadline shared with its list', async () => {
    const { binding, abandoned } = hungBinding();
    const client = createClientWith(() => ({ ...binding, list: async () => ({ ok: true, connections: [] }) }));
    const started = performance.now();
    const { error } = await rejection(client.listConnections({ details: true, timeoutMs: 30 }));
    expect(error).toMatchObject({ code: 'ERR_TIMEOUT', operation: 'list', timeoutMs: 30 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(abandoned).toEqual(['adapters']);
  });

  it("gives a watch's hung list an error event at its deadline, abandons it, and lets it go soon after the watch ends", async () => {
    const { binding, abandoned } = hungBinding();
    const controller = new AbortController();
    const started = performance.now();
    const events = [];
    for await (const change of createClientWith(() => binding).watch({ timeoutMs: 20, intervalMs: 5, signal: controller.signal })) {
      events.push(change);
      if (events.length === 2) controller.abort();
    }
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(event.type).toBe('error');
      expect(event.type === 'error' && event.error).toMatchObject({ code: 'ERR_TIMEOUT', operation: 'watch', timeoutMs: 20 });
    }
    // The first list was abandoned at its deadline; the one running when the watch ended is
    // given a moment to return, then abandoned too.
    expect(abandoned.length).toBeGreaterThanOrEqual(1);
    await until(() => abandoned.length >= 2);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(new Set(abandoned)).toEqual(new Set(['list']));
  });

  it('turns a refusal (too many calls stuck in Windows) into TooManyHungCallsError', async () => {
    const binding: Backend = {
      list: async () => ({ ok: false, refused: 'stuck-threads', stuck: 16 }),
      disconnect: async () => ({ ok: false, refused: 'stuck-threads', stuck: 16 }),
      connect: async () => ({ ok: false, refused: 'stuck-threads', stuck: 16 }),
      initializeSecurity: async () => ({ ok: false, refused: 'stuck-threads', stuck: 16 }),
      diagnose: async () => ({ ok: false, refused: 'stuck-threads', stuck: 16 }),
      sharing: async () => ({ ok: false, refused: 'stuck-threads', stuck: 16 }),
      setSharing: async () => ({ ok: false, refused: 'stuck-threads', stuck: 16 }),
      rename: async () => ({ ok: false, refused: 'stuck-threads', stuck: 16 }),
      deleteConnection: async () => ({ ok: false, refused: 'stuck-threads', stuck: 16 }),
      duplicateConnection: async () => ({ ok: false, refused: 'stuck-threads', stuck: 16 }),
      portMappings: async () => ({ ok: false, refused: 'stuck-threads', stuck: 16 }),
      addPortMapping: async () => ({ ok: false, refused: 'stuck-threads', stuck: 16 }),
      changePortMapping: async () => ({ ok: false, refused: 'stuck-threads', stuck: 16 }),
      apartment: () => ({ hresult: 0x800401f0, type: 0, qualifier: 0 }),
      watchChanges: () => ({ settleMs: 0, stop() {} }),
      adapters: async () => ({ ok: false, refused: 'stuck-threads', stuck: 16 }),
    };
    const client = createClientWith(() => binding);
    const { error } = await rejection(client.disconnect(ETHERNET.id));
    expect(error).toBeInstanceOf(TooManyHungCallsError);
    expect(error).toMatchObject({ code: 'ERR_TOO_MANY_HUNG_CALLS', operation: 'disconnect', hung: 16 });
    expect(error.message).toMatch(/^Disconnect ".*" refused: 16 earlier calls are still stuck in Windows/);
  });
});
