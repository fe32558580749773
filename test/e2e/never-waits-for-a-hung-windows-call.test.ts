import { describe, expect, it } from 'vitest';
import { native, slowdown, suiteNodeLines } from '../../wine/environment';
import { ethernet, ethernet2, machine, vpn } from '../../wine/connections';
import { inWine } from '../../wine/run';

// A Windows call that never returns, as a stuck Network Connections service or adapter driver
// gives: the fake sleeps this long, far beyond every bound the tests assert.
const HANG_MS = 20_000;
const hangingDisconnect = { connections: machine, delays: [{ method: 'Disconnect', ms: HANG_MS, id: ethernet.id }] };

// On every Node line (20 and 22; 16 in its own pass): exit, worker teardown and thread-safe
// functions are Node's code.
describe.each(suiteNodeLines)('a COM call that hangs in Windows (Node %s)', (node) => {
  it("leaves libuv's pool to the app: fs, dns and crypto answer while 8 Disconnects hang, and a 9th call runs at once", async () => {
    const { value } = await inWine({ node, fake: hangingDisconnect }, async (netcon, t, input) => {
      const fs = t.require('node:fs') as typeof import('node:fs');
      const dns = t.require('node:dns') as typeof import('node:dns');
      const crypto = t.require('node:crypto') as typeof import('node:crypto');
      const path = t.require('node:path') as typeof import('node:path');
      const work = {
        fs: () => fs.promises.readFile(path.join(t.entry().packageRoot, 'package.json')),
        dns: () => dns.promises.lookup('localhost'),
        crypto: () => new Promise<void>((resolve, reject) => crypto.pbkdf2('secret', 'salt', 1000, 32, 'sha256', (e) => (e ? reject(e) : resolve()))),
      };
      const time = async (run: () => Promise<unknown>) => {
        const started = performance.now();
        await run();
        return Math.round(performance.now() - started);
      };
      // Warm: the first use of each loads code that has nothing to do with the pool.
      for (const run of Object.values(work)) await run();

      const controller = new AbortController();
      const hung = Array.from({ length: 8 }, () => t.capture(netcon.disconnect(input.id, { timeoutMs: Infinity, signal: controller.signal })));
      while (t.calls().filter((c) => c.method === 'GetProperties' && c.id === input.id).length < 8) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100)); // each is inside Disconnect now

      const [fsMs, dnsMs, cryptoMs] = await Promise.all([time(work.fs), time(work.dns), time(work.crypto)]);
      let names: string[] = [];
      const listMs = await time(async () => (names = (await netcon.listConnections()).map((c) => c.name)));
      const threads = t.addon().comThreads();
      controller.abort(); // only so that the test need not wait 20 s for the fake
      const settled = await Promise.all(hung);
      return { fsMs, dnsMs, cryptoMs, listMs, names, threads, codes: settled.map((s) => (s.ok ? 'resolved' : s.error.code)) };
    }, { id: ethernet.id });
    console.info('with 8 calls hung:', value);

    // On libuv's 4 pool threads (what netcon used before) each of these waited the whole 20 s.
    expect(value.fsMs).toBeLessThan(200);
    expect(value.dnsMs).toBeLessThan(200);
    expect(value.cryptoMs).toBeLessThan(200);
    expect(value.listMs).toBeLessThan(1000);
    expect(value.names).toEqual(machine.map((c) => c.name));
    expect(value.threads).toMatchObject({ stuck: 0, queued: 0, maxThreads: 16 });
    expect(value.threads.threads).toBeGreaterThanOrEqual(9);
    expect(value.codes).toEqual(Array(8).fill('ABORT_ERR'));
  });

  it('does not hold process.exit(): the process ends within 2 s with 8 calls hung (exit code read by a parent node.exe)', async () => {
    const { value } = await inWine({ node, fake: hangingDisconnect }, async (_netcon, t, input) =>
      t.runChild(async (netcon, c, input) => {
        for (let i = 0; i < 8; i++) netcon.disconnect(input.id, { timeoutMs: Infinity }).catch(() => {});
        while (c.calls().filter((x) => x.method === 'GetProperties' && x.id === input.id).length < 8) await c.sleep(20);
        await c.sleep(100);
        c.mark('exiting');
        process.exit(0);
      }, input),
    { id: ethernet.id });
    const exitMs = value.exitedAt - value.marks.exiting.at;
    console.info(`process.exit with 8 calls hung: ended after ${exitMs} ms`);
    expect(value.exitCode).toBe(0);
    expect(value.stderr).toBe('');
    expect(exitMs).toBeLessThan(2000);
  });

  it('lets a script whose only call timed out end by itself, soon after the rejection', async () => {
    const { value } = await inWine({ node, fake: hangingDisconnect }, async (_netcon, t, input) =>
      t.runChild(async (netcon, c, input) => {
        c.mark('started');
        const error = await netcon.disconnect(input.id, { timeoutMs: 300 }).then(
          () => undefined,
          (e: { name: string; code: string; operation: string; outcome: string; timeoutMs: number; connection: unknown }) => ({
            name: e.name, code: e.code, operation: e.operation, outcome: e.outcome, timeoutMs: e.timeoutMs, connection: e.connection,
          }),
        );
        c.mark('rejected', error);
      }, input),
    { id: ethernet.id });
    const { started, rejected } = value.marks;
    const rejectMs = rejected.at - started.at;
    const exitMs = value.exitedAt - rejected.at;
    console.info(`timeoutMs 300 on a 20 s Disconnect: rejected after ${rejectMs} ms, process ended ${exitMs} ms later`);
    expect(rejected.value).toEqual({
      name: 'CallTimeoutError', code: 'ERR_TIMEOUT', operation: 'disconnect', outcome: 'unknown', timeoutMs: 300, connection: { id: ethernet.id },
    });
    expect(rejectMs).toBeGreaterThanOrEqual(300);
    expect(rejectMs).toBeLessThan(300 + 200 * slowdown);
    expect(exitMs).toBeLessThan(2000);
    expect(value.exitCode).toBe(0);
  });

  it('does not hold worker.terminate(); when the call returns later nothing crashes and nothing leaks', async () => {
    // Long enough that terminate() clearly does not wait for it, short enough to see it return.
    const fake = { connections: machine, delays: [{ method: 'Disconnect', ms: 5000, id: ethernet.id }] };
    const { value } = await inWine({ node, fake }, async (_netcon, t, input) =>
      t.runChild(async (netcon, c, input) => {
        const { Worker } = c.require('node:worker_threads') as typeof import('node:worker_threads');
        const source = `
          const { workerData } = require('node:worker_threads');
          const pkg = require(workerData.packageRoot);
          const netcon = workerData.progId ? pkg.createClient({ progId: workerData.progId }) : pkg;
          netcon.disconnect(workerData.id, { timeoutMs: Infinity });`;
        const worker = new Worker(source, { eval: true, workerData: { ...c.entry(), id: input.id } });
        while (!c.calls().some((x) => x.method === 'GetProperties' && x.id === input.id)) await c.sleep(20);
        await c.sleep(100);
        const started = Date.now();
        const code = await worker.terminate();
        c.mark('terminated', { ms: Date.now() - started, code });
        c.mark('listed', (await netcon.listConnections()).map((x) => x.name));
        // The dying worker's Disconnect returns into a pinned DLL, and its objects are released.
        while (!c.calls().some((x) => x.method === 'Disconnect' && x.id === input.id)) await c.sleep(50);
        await c.sleep(300);
        c.mark('after', { names: (await netcon.listConnections()).length, live: c.live() });
      }, input),
    { id: ethernet.id });
    console.info('worker.terminate() with a call hung:', value.marks.terminated.value);
    expect(value.marks.terminated.value).toMatchObject({ code: 1 });
    expect((value.marks.terminated.value as { ms: number }).ms).toBeLessThan(2000);
    expect(value.marks.listed.value).toEqual(machine.map((c) => c.name));
    expect(value.marks.after.value).toEqual({ names: machine.length, live: {} });
    expect(value.marks.returned).toBeDefined();
    expect(value.exitCode).toBe(0);
    expect(value.stderr).toBe('');
  });

  it('lets an idle netcon keep no script alive once its calls are done', async () => {
    const { value } = await inWine({ node, fake: { connections: machine } }, async (_netcon, t) =>
      t.runChild(async (netcon, c) => {
        await netcon.listConnections();
        await netcon.disconnect('Ethernet');
        c.mark('done');
      }, undefined),
    );
    const exitMs = value.exitedAt - value.marks.done.at;
    console.info(`an idle netcon: the process ended ${exitMs} ms after its last call`);
    expect(value.exitCode).toBe(0);
    // Finished threads wait 5 s for more work: the process must not wait for them.
    expect(exitMs).toBeLessThan(2500);
  });
});

describe('timeoutMs and signal against the real addon', () => {
  it('reject within 200 ms of the deadline or the abort, on every call', async () => {
    const fake = {
      connections: machine,
      delays: [
        { method: 'Disconnect', ms: HANG_MS, id: ethernet.id },
        { method: 'Connect', ms: HANG_MS, id: ethernet.id },
        // Lists hang on the last connection, so every name lookup does too.
        { method: 'GetProperties', ms: HANG_MS, id: vpn.id },
      ],
    };
    const { value } = await inWine({ fake }, async (netcon, t, input) => {
      // From before the call: its first one also loads the addon, synchronously.
      const late = async (call: () => Promise<unknown>, expectedMs: number) => {
        const started = performance.now();
        const outcome = await t.capture(call());
        return { lateMs: Math.round(performance.now() - started - expectedMs), error: outcome.ok ? undefined : outcome.error };
      };
      const abortAfter = (ms: number) => {
        const controller = new AbortController();
        setTimeout(() => controller.abort(new Error('gave up')), ms);
        return controller.signal;
      };
      return {
        list: await late(() => netcon.listConnections({ timeoutMs: 300 }), 300),
        find: await late(() => netcon.findConnection('Ethernet', { signal: abortAfter(200) }), 200),
        disconnect: await late(() => netcon.disconnect(input.id, { timeoutMs: 300 }), 300),
        connect: await late(() => netcon.connect(input.id, { signal: abortAfter(200) }), 200),
        byName: await late(() => netcon.connect('Ethernet 2', { timeoutMs: 300 }), 300),
      };
    }, { id: ethernet.id });

    for (const [call, result] of Object.entries(value)) {
      expect(result.lateMs, call).toBeGreaterThanOrEqual(-5);
      expect(result.lateMs, call).toBeLessThan(200 * slowdown);
    }
    expect(value.list.error).toMatchObject({ name: 'CallTimeoutError', code: 'ERR_TIMEOUT', operation: 'list', classes: expect.arrayContaining(['CallTimeoutError', 'NetConError']) });
    expect(value.find.error).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', operation: 'find' });
    expect(value.disconnect.error).toMatchObject({ code: 'ERR_TIMEOUT', operation: 'disconnect', connection: { id: ethernet.id } });
    expect(value.connect.error).toMatchObject({ name: 'AbortError', operation: 'connect' });
    // Stopped while the name was still being looked up: no Connect was ever asked of Windows.
    expect(value.byName.error).toMatchObject({ code: 'ERR_TIMEOUT', operation: 'connect', target: 'Ethernet 2' });
  });

  it('makes no COM call at all for an already-aborted signal', async () => {
    const { value, calls, live } = await inWine({ fake: { connections: machine } }, async (netcon, t, input) => {
      const signal = AbortSignal.abort('too late');
      const results = await Promise.all([
        t.capture(netcon.listConnections({ signal })),
        t.capture(netcon.findConnection('Ethernet', { signal })),
        t.capture(netcon.disconnect(input.id, { signal })),
        t.capture(netcon.connect('Ethernet', { signal })),
      ]);
      return results.map((r) => (r.ok ? 'resolved' : `${r.error.name} ${r.error.code}`));
    }, { id: ethernet.id });
    expect(value).toEqual(Array(4).fill('AbortError ABORT_ERR'));
    expect(calls).toEqual([]);
    expect(live).toEqual({});
  });

  it('leaks nothing when a timed-out Disconnect completes later, and says what the stuck thread saw', async () => {
    // The deadline must pass while Disconnect runs, not before it starts: both scale under qemu.
    const fake = { connections: machine, delays: [{ method: 'Disconnect', ms: 1500 * slowdown, id: ethernet2.id }] };
    const { value, live } = await inWine({ fake }, async (netcon, t, input) => {
      const error = await t.capture(netcon.disconnect(input.id, { timeoutMs: input.timeoutMs }));
      const whileStuck = t.addon().comThreads();
      while (!t.calls().some((c) => c.method === 'Disconnect' && c.id === input.id)) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      const status = (await netcon.findConnection(input.id)).status;
      return { error: error.ok ? undefined : error.error.code, whileStuck, after: t.addon().comThreads(), status, live: t.live() };
    }, { id: ethernet2.id, timeoutMs: 300 * slowdown });

    expect(value.error).toBe('ERR_TIMEOUT');
    // Windows' own HNetShare is reached through a proxy that CoCancelCall can cut short; Wine
    // has only a stub for it, and an in-process server like the fake cannot be cancelled at
    // all. Here the thread stays stuck until the fake returns, then reports what it got.
    expect(value.whileStuck).toMatchObject({ stuck: 1, canCancel: native });
    expect(value.after).toMatchObject({ stuck: 0, abandonedReturned: 1, lastAbandonedResult: 0 });
    // The outcome was unknown when netcon gave up; Windows (the fake) did finish it.
    expect(value.status).toBe('disconnected');
    expect(value.live).toEqual({});
    expect(live).toEqual({});
  });

  it('cancels an abandoned call only until it returns, then makes no further call but its Releases', async () => {
    // Ethernet's GetProperties hangs past the deadline. The VPN's takes a while too, so a job
    // that went on walking after it would be seen reading the VPN, and cancelled meanwhile.
    const delays = [
      { method: 'GetProperties', ms: 1500 * slowdown, id: ethernet.id },
      { method: 'GetProperties', ms: 500 * slowdown, id: vpn.id },
    ];
    const { value, live } = await inWine({ fake: { connections: [ethernet, vpn], delays } }, async (netcon, t, input) => {
      const helper = t.nativeHelper();
      netcon.isSupported(); // loads the addon
      // Wine's CoCancelCall is a stub: with these imports ours, netcon cancels as on Windows.
      const patched = helper.interceptCancellation(t.addonPath());
      t.clearLog();
      const error = await t.capture(netcon.listConnections({ timeoutMs: input.timeoutMs }));
      await t.waitFor(() => t.addon().comThreads().abandonedReturned === 1);
      await new Promise((r) => setTimeout(r, input.settleMs)); // where a tick still to come would land
      return { patched, error: error.ok ? undefined : error.error.code, threads: t.addon().comThreads(), calls: t.calls() };
    }, { timeoutMs: 300 * slowdown, settleMs: 300 * slowdown });

    expect(value.patched).toBe(true);
    expect(value.error).toBe('ERR_TIMEOUT');
    const names: Record<string, string> = { [ethernet.id]: 'Ethernet', [vpn.id]: 'VPN' };
    const order = value.calls.map((c) => (c.method === 'GetProperties' ? `GetProperties ${names[c.id]}` : c.method));
    const returned = order.indexOf('GetProperties Ethernet');
    expect(returned).toBeGreaterThan(0);
    // Cancelled every 50 ms while it hung, about 24 times...
    expect(order.slice(0, returned).filter((m) => m === 'CoCancelCall').length).toBeGreaterThanOrEqual(5);
    // ...and no more once it returned (a tick under way as it returned may still land), with
    // the VPN never read.
    expect(order.slice(returned + 1).filter((m) => m === 'CoCancelCall').length).toBeLessThanOrEqual(1);
    expect(order).not.toContain('GetProperties VPN');
    expect(value.threads).toMatchObject({ stuck: 0, abandonedReturned: 1, canCancel: true });
    expect(live).toEqual({});
  });

  it('refuses new calls with ERR_TOO_MANY_HUNG_CALLS once 16 threads are stuck', async () => {
    const { value, calls } = await inWine({ fake: hangingDisconnect }, async (netcon, t, input) => {
      // Each must time out inside Disconnect, not before reaching it: 16 threads starting at
      // once on a loaded 2-core machine took more than 400 ms once. Scaled under qemu.
      const timedOut = await Promise.all(Array.from({ length: 16 }, () => t.capture(netcon.disconnect(input.id, { timeoutMs: input.timeoutMs }))));
      const threads = t.addon().comThreads();
      t.clearLog();
      const refused = await t.capture(netcon.listConnections());
      return { codes: timedOut.map((r) => (r.ok ? 'resolved' : r.error.code)), threads, refused: refused.ok ? undefined : refused.error };
    }, { id: ethernet.id, timeoutMs: 2_000 * slowdown });

    expect(value.codes).toEqual(Array(16).fill('ERR_TIMEOUT'));
    expect(value.threads).toMatchObject({ stuck: 16, maxThreads: 16 });
    expect(value.refused).toMatchObject({ name: 'TooManyHungCallsError', code: 'ERR_TOO_MANY_HUNG_CALLS', operation: 'list' });
    expect(value.refused?.message).toMatch(/16 earlier calls are still stuck in Windows/);
    expect(calls).toEqual([]);
  });

  // Not Node's code but netcon's, so one Node line will do.
  it('retires idle threads after 5 s, leaving the MTA in balance, and starts new ones for the next call', async () => {
    const { value, live } = await inWine({ fake: { connections: machine } }, async (netcon, t) => {
      await Promise.all(Array.from({ length: 4 }, () => netcon.listConnections()));
      const busy = t.addon().comThreads();
      await new Promise((r) => setTimeout(r, 6_000));
      const idle = t.addon().comThreads();
      // No thread of netcon's is in the MTA now, so none exists: this thread is in no apartment.
      const apartment = t.nativeHelper().currentApartment().apartment;
      const names = (await netcon.listConnections()).map((c) => c.name);
      return { busy, idle, apartment, names, after: t.addon().comThreads() };
    });
    expect(value.busy.threads).toBeGreaterThanOrEqual(1);
    expect(value.busy.threads).toBeLessThanOrEqual(4);
    expect(value.idle).toMatchObject({ threads: 0, idle: 0 });
    expect(value.apartment).toBe('none');
    expect(value.names).toEqual(machine.map((c) => c.name));
    expect(value.after.threads).toBe(1);
    expect(live).toEqual({});
  });
});
