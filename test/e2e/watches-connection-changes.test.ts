import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ethernet, ethernet2, machine, vpn } from '../../wine/connections';
import { native, slowdown, suiteNodeLines, workDir } from '../../wine/environment';
import { startCliInWine, startInWine, type FakeCall, type FakeConnection, type FakeSetup, type Mark, type Running, type SerializedError } from '../../wine/run';

// watch() in Windows node.exe, against the fake HNetShare whose state this side changes by
// rewriting its config file while the process runs (the fake reloads it at the next list).
// Under Wine, Windows' change notifications never fire: every change here is found by polling.

// Under qemu (the arm64 pass) every list is slower: the watch's times scale with it.
const INTERVAL_MS = 300 * slowdown;
// A change shows at the first list that starts after the rewrite: at worst a list had just
// read the old config (one list's cost), then the interval, then the list that sees it. So
// interval + 2 lists. A list of these 4 connections with the fake's event log costs 5-35 ms
// under Wine, 25-75 ms for the first one of a process (measured on 2 cores; each run prints
// its own as 'list cost'). 200 ms covers two slow lists with room for a loaded machine, and
// keeps the bound (800 ms) under the 3 intervals of a watch that missed a tick.
const MARGIN_MS = 200 * slowdown;
const BOUND_MS = 2 * INTERVAL_MS + MARGIN_MS;

const cellular: FakeConnection = {
  id: '{7D4E2A10-5B3C-4F6D-8E9A-0B1C2D3E4F50}',
  name: 'Cellular',
  deviceName: 'Generic Mobile Broadband Adapter',
  status: 2,
  mediaType: 3,
  characteristics: 0x1,
};
/** Each state the tests move the fake's machine to, in order. */
const flipped = machine.map((c) => (c.id === ethernet.id ? { ...c, status: 0 } : c));
const renamed = flipped.map((c) => (c.id === ethernet2.id ? { ...c, name: 'Dock Ethernet' } : c));
const added = [...renamed, cellular];
const removed = added.filter((c) => c.id !== vpn.id);

const lists = (calls: FakeCall[]) => calls.filter((c) => c.method === 'EnumEveryConnection').length;
const changes = (marks: Mark[]) => marks.filter((m) => m.name === 'change');
const accessDenied: FakeSetup['hresults'] = [{ method: 'EnumEveryConnection', hresult: 0x80070005 }];

/** A test that fails midway must not leave node.exe running until its 60 s timeout. */
function cleanUp<T extends Running>(running: T): T {
  onTestFinished(() => running.stop());
  return running;
}

/** Resolves once the fake's log shows `n` lists in all (EnumEveryConnection calls, logged as they return). */
const listsTaken = (running: Running, n: number, what: string) =>
  running.until(() => lists(running.calls()) >= n, 10_000, what);

interface ChangeMark {
  type: string;
  connection?: { id: string; name: string; status: string; statusCode: number; mediaType: string };
  previous?: { id: string; name: string; status: string };
  error?: SerializedError;
}

describe('watch() in Windows node.exe', () => {
  it(`reports a status flip, a rename, an added and a removed connection made from outside the process, each within 2 intervals (${INTERVAL_MS} ms) + ${MARGIN_MS} ms`, async () => {
    const running = cleanUp(
      startInWine({ fake: { connections: machine } }, async (netcon, t, input) => {
        const costs = [];
        for (let i = 0; i < 5; i++) {
          const started = performance.now();
          await netcon.listConnections();
          costs.push(Math.round(performance.now() - started));
        }
        t.mark('list cost', costs);
        const controller = new AbortController();
        let seen = 0;
        for await (const change of netcon.watch({ intervalMs: input.intervalMs, signal: controller.signal })) {
          t.mark('change', change);
          // After the last one, three more intervals for any event that should not come.
          if (++seen === input.expected) setTimeout(() => controller.abort(), 3 * input.intervalMs);
        }
        t.mark('ended');
      }, { intervalMs: INTERVAL_MS, expected: 4 }),
    );
    await running.waitFor((marks) => marks.some((m) => m.name === 'list cost'));
    // 5 lists of its own, then the watch's first (its baseline) has ended once a second began.
    await listsTaken(running, 7, 'the watch had taken its first list');

    const latencies: Record<string, number> = {};
    // Each rewrite lands at another point of the watch's cycle: this long after the last event
    // (which came right after a list), up to just before the next list.
    const phases = [0, 110, 220, 290].map((ms) => ms * slowdown);
    for (const [step, state] of [['status flip', flipped], ['rename', renamed], ['added', added], ['removed', removed]] as const) {
      const last = changes(running.marks()).at(-1)?.at ?? Date.now();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, last + phases[Object.keys(latencies).length] - Date.now())));
      const rewritten = running.configure({ connections: state });
      const count = Object.keys(latencies).length + 1;
      const marks = await running.waitFor((m) => changes(m).length >= count, 5_000);
      latencies[step] = changes(marks)[count - 1].at - rewritten;
    }
    const { marks, live, exitCode } = await running.finished;
    const costs = marks.find((m) => m.name === 'list cost')?.value;
    console.info(`watch, interval ${INTERVAL_MS} ms: each event this long after the rewrite (ms):`, latencies, '; list cost (ms):', costs);

    const events = changes(marks).map((m) => m.value as ChangeMark);
    expect(events).toHaveLength(4);
    expect(events[0]).toMatchObject({
      type: 'changed',
      connection: { id: ethernet.id, name: 'Ethernet', status: 'disconnected', statusCode: 0 },
      previous: { id: ethernet.id, name: 'Ethernet', status: 'connected' },
    });
    expect(events[1]).toMatchObject({
      type: 'changed',
      connection: { id: ethernet2.id, name: 'Dock Ethernet', status: 'media-disconnected' },
      previous: { id: ethernet2.id, name: 'Ethernet 2' },
    });
    expect(events[2]).toMatchObject({ type: 'added', connection: { id: cellular.id, name: 'Cellular', status: 'connected', mediaType: 'lan' } });
    expect(events[2]).not.toHaveProperty('previous');
    // As it was last seen.
    expect(events[3]).toMatchObject({ type: 'removed', connection: { id: vpn.id, name: vpn.name, status: 'disconnected', mediaType: 'tunnel' } });
    expect(events[3]).not.toHaveProperty('previous');
    for (const [step, ms] of Object.entries(latencies)) {
      expect(ms, step).toBeGreaterThan(0);
      expect(ms, step).toBeLessThan(BOUND_MS);
    }
    expect(marks.at(-1)?.name).toBe('ended');
    expect(exitCode).toBe(0);
    expect(live).toEqual({});
  });

  it('reports nothing over 20 ticks where nothing changes', async () => {
    const running = cleanUp(
      startInWine({ fake: { connections: machine } }, async (netcon, t, input) => {
        const lists = () => t.calls().filter((c) => c.method === 'EnumEveryConnection').length;
        const controller = new AbortController();
        const events: unknown[] = [];
        const watching = (async () => {
          for await (const change of netcon.watch({ intervalMs: input.intervalMs, signal: controller.signal })) events.push(change);
        })();
        // The first list and 20 ticks after it.
        while (lists() < 21) await new Promise((resolve) => setTimeout(resolve, 10));
        controller.abort();
        await watching;
        return { events, lists: lists() };
      }, { intervalMs: 100 }),
    );
    const { value, live } = await running.finished;
    console.info(`20 ticks of nothing: ${value.lists} lists, ${value.events.length} events`);
    expect(value.lists).toBeGreaterThanOrEqual(21);
    expect(value.events).toEqual([]);
    expect(live).toEqual({});
  });

  it('reports a failing list as an error event with the typed error, and once it lists again, the change made meanwhile against the last good list', async () => {
    const running = cleanUp(
      startInWine({ fake: { connections: machine } }, async (netcon, t, input) => {
        const controller = new AbortController();
        for await (const change of netcon.watch({ intervalMs: input.intervalMs, signal: controller.signal })) {
          t.mark('change', change);
          if (change.type !== 'error') setTimeout(() => controller.abort(), 3 * input.intervalMs);
        }
        t.mark('ended');
      }, { intervalMs: INTERVAL_MS }),
    );
    await listsTaken(running, 2, 'the watch had taken its first list');
    const failing = running.configure({ connections: machine, hresults: accessDenied });
    const [firstError] = changes(await running.waitFor((m) => changes(m).length >= 1));
    // Still failing, and meanwhile Ethernet goes down.
    running.configure({ connections: flipped, hresults: accessDenied });
    const errorsBefore = changes(await running.waitFor((m) => changes(m).length >= 2)).length;
    await running.until(() => changes(running.marks()).length > errorsBefore, 5_000, 'another error event with the fault still there');
    const recovered = running.configure({ connections: flipped });
    const { marks, live, exitCode } = await running.finished;

    const events = changes(marks);
    const errors = events.filter((m) => (m.value as ChangeMark).type === 'error');
    const after = events.filter((m) => (m.value as ChangeMark).type !== 'error');
    console.info(
      `a failing list: first error event ${firstError.at - failing} ms after the fault, ${errors.length} error events,`,
      `the change reported ${after[0]?.at - recovered} ms after the fault was gone`,
    );
    expect(errors.length).toBeGreaterThanOrEqual(3);
    // Every error event came before the change, while the fault lasted.
    expect(events.slice(0, errors.length)).toEqual(errors);
    for (const { value } of errors) {
      expect(value).toEqual({
        type: 'error',
        error: expect.objectContaining({
          name: 'AccessDeniedError',
          code: 'E_ACCESSDENIED',
          hresult: 0x80070005,
          step: 'EnumEveryConnection',
          operation: 'watch',
          classes: expect.arrayContaining(['NetConError', 'ComError', 'AccessDeniedError']),
        }),
      });
    }
    expect(firstError.at - failing).toBeLessThan(BOUND_MS);
    // One change: Ethernet against the list before the fault, not against nothing (which
    // would make every connection 'added').
    expect(after.map((m) => m.value)).toEqual([
      expect.objectContaining({
        type: 'changed',
        connection: expect.objectContaining({ id: ethernet.id, status: 'disconnected' }),
        previous: expect.objectContaining({ id: ethernet.id, status: 'connected' }),
      }),
    ]);
    expect(after[0].at - recovered).toBeLessThan(BOUND_MS);
    expect(marks.at(-1)?.name).toBe('ended');
    expect(exitCode).toBe(0);
    expect(live).toEqual({});
  });

  it('shares one list per tick between two watchers of one client, and hands both the same change', async () => {
    const running = cleanUp(
      startInWine({ fake: { connections: machine } }, async (netcon, t, input) => {
        const lists = () => t.calls().filter((c) => c.method === 'EnumEveryConnection').length;
        const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
        // `watchers` loops over watch() for `ms`, and counts the lists taken meanwhile.
        const run = async (watchers: number, ms: number, change?: () => void) => {
          const controller = new AbortController();
          const seen: { type: string; connection: unknown }[][] = [];
          const before = lists();
          const loops = Array.from({ length: watchers }, (_, i) =>
            (async () => {
              seen[i] = [];
              for await (const c of netcon.watch({ intervalMs: input.intervalMs, signal: controller.signal })) seen[i].push(c as never);
            })(),
          );
          await sleep(ms / 2);
          change?.();
          await sleep(ms / 2);
          controller.abort();
          await Promise.all(loops);
          return { lists: lists() - before, seen };
        };
        const one = await run(1, input.ms);
        const two = await run(2, input.ms, () => t.configure({ connections: input.flipped }));
        const [a, b] = two.seen;
        return {
          one: one.lists,
          two: two.lists,
          events: two.seen.map((s) => s.map((c) => c.type)),
          // One list's objects, handed to both: the same connection object in each event.
          sameObject: a.length === 1 && b.length === 1 && a[0].connection === b[0].connection,
        };
      }, { intervalMs: 100 * slowdown, ms: 2_000 * slowdown, flipped }),
    );
    const { value, live } = await running.finished;
    console.info(`lists in 2 s at intervalMs 100: one watcher ${value.one}, two watchers ${value.two}`);
    // Each joining watcher starts a list at once (the second's waits for the first's), so two
    // may take one more; a list each would take twice as many. The two runs are 2 s apart on a
    // machine whose load changes (18 against 15 was seen in a full npm test), so the bound is
    // halfway to twice, not a count.
    expect(value.two).toBeGreaterThan(value.one * 0.5);
    expect(value.two).toBeLessThan(value.one * 1.5);
    // About 20; a loaded machine (Wine, the background builds) manages fewer. Enough for the
    // comparison above to tell one list per tick from one per watcher.
    expect(value.one).toBeGreaterThanOrEqual(8);
    expect(value.events).toEqual([['changed'], ['changed']]);
    expect(value.sameObject).toBe(true);
    expect(live).toEqual({});
  });

  it('lists 1,000 times at intervalMs 1 without leaking COM objects or Windows handles', async () => {
    const WARMUP = 100;
    const TICKS = 1_000;
    const started = Date.now();
    const running = cleanUp(
      // Tally mode: the fake counts instead of writing ~30 log lines per list.
      startInWine({ fake: { connections: machine }, fakeLog: 'tally' }, async (netcon, t, input) => {
        const v8 = t.require('node:v8') as typeof import('node:v8');
        const vm = t.require('node:vm') as typeof import('node:vm');
        v8.setFlagsFromString('--expose-gc');
        const gc = vm.runInNewContext('gc') as () => void;
        // The fake's log says nothing until the process exits: count the lists at the addon,
        // whose list() netcon looks up on each call.
        netcon.isSupported();
        const addon = t.addon() as unknown as Record<string, (...args: unknown[]) => unknown>;
        const list = addon.list;
        let lists = 0;
        addon.list = (...args) => {
          lists++;
          return list.apply(addon, args);
        };
        const helper = t.nativeHelper();
        const figures = () => {
          gc();
          return { lists, handles: helper.handleCount(), rss: process.memoryUsage().rss, at: performance.now() };
        };
        const until = async (n: number) => {
          while (lists < n) await new Promise((resolve) => setTimeout(resolve, 5));
        };
        const controller = new AbortController();
        let events = 0;
        const start = figures();
        const watching = (async () => {
          for await (const _ of netcon.watch({ intervalMs: 1, signal: controller.signal })) events++;
        })();
        await until(input.warmup);
        const warm = figures();
        await until(input.warmup + input.ticks);
        const end = figures();
        controller.abort();
        await watching;
        const after = figures();
        return { start, warm, end, after, events, msPerList: (end.at - warm.at) / (end.lists - warm.lists) };
      }, { warmup: WARMUP, ticks: TICKS }),
    );
    const { value, live, callCounts, exitCode } = await running.finished;
    const { start, warm, end, after } = value;
    const mb = (n: number) => Math.round(n / 1e4) / 100;
    console.info(
      `${end.lists} lists at intervalMs 1: ${value.msPerList.toFixed(2)} ms a list after warm-up, whole run ${Date.now() - started} ms;`,
      `Windows handles ${start.handles} / ${warm.handles} / ${end.handles} / ${after.handles} (start / after ${WARMUP} / after ${end.lists} / watch ended);`,
      `RSS ${mb(start.rss)} / ${mb(warm.rss)} / ${mb(end.rss)} / ${mb(after.rss)} MB`,
    );
    // RSS is printed, not asserted: at intervalMs 1, V8 grows its young generation towards its
    // cap (measured: new space 4 -> 34 MB over 20,000 lists, RSS +27 MB, then flat), while the
    // used heap after a full GC stays at 4.4 MB. A list loop of the same length does not grow it.
    expect(exitCode).toBe(0);
    expect(value.events).toBe(0);
    expect(end.lists).toBeGreaterThanOrEqual(WARMUP + TICKS);
    // The fake's own count, written at exit: every list reached it.
    expect(callCounts.EnumEveryConnection).toBeGreaterThanOrEqual(WARMUP + TICKS);
    expect(warm.handles).toBeGreaterThan(0);
    // A handle leaked per list would add 1,000; netcon's COM threads (each with a few
    // handles) may come and go between the figures, as in the soak test.
    expect(end.handles - warm.handles).toBeLessThan(20);
    expect(after.handles - warm.handles).toBeLessThan(20);
    expect(live).toEqual({});
  });
});

// Timers, exit and unref are Node's code: on each Node line.
describe.each(suiteNodeLines)('ending a watch (Node %s)', (node) => {
  it('ends the iteration on abort, between ticks or mid-list, leaving no timer, no COM object, and a process that exits by itself', async () => {
    const running = cleanUp(
      startInWine({ node, fake: { connections: machine } }, async (netcon, t, input) => {
        const lists = () => t.calls().filter((c) => c.method === 'EnumEveryConnection').length;
        const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
        const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
        const watch = () => {
          const controller = new AbortController();
          const events: string[] = [];
          const ended = (async () => {
            for await (const c of netcon.watch({ intervalMs: input.intervalMs, signal: controller.signal })) events.push(c.type);
            return events;
          })();
          return { controller, ended };
        };
        const abort = async ({ controller, ended }: { controller: AbortController; ended: Promise<string[]> }) => {
          controller.abort();
          const events = await ended;
          const rightAway = timers();
          await new Promise((resolve) => setImmediate(resolve));
          return { events, timers: rightAway, timersAfterATurn: timers() };
        };

        // Between ticks: a list just ended (its objects are released), the next is an interval
        // away. A fixed wait after the list began was mid-list whenever a list took longer.
        const idle = watch();
        while (lists() < 3 || Object.keys(t.live()).length > 0) await sleep(10);
        const betweenTicks = await abort(idle);
        t.mark('between ticks', { ...betweenTicks, live: t.live() });

        // Mid-list: the fake's IEnumVARIANT::Next takes 400 ms.
        t.configure({ connections: input.connections, delays: [{ method: 'Next', ms: 400 }] });
        const before = lists();
        const slow = watch();
        while (lists() === before) await sleep(10);
        await sleep(100);
        const midList = await abort(slow);
        const liveRightAway = t.live();
        // The list still runs in the fake (a list under way gets 500 ms to return before it is
        // abandoned); its objects go when it returns.
        const released = performance.now();
        while (Object.keys(t.live()).length > 0 && performance.now() - released < 3_000) await sleep(20);
        t.mark('mid-list', { ...midList, liveRightAway, live: t.live(), releasedMs: Math.round(performance.now() - released) });
        t.mark('returning', { timers: timers(), resources: process.getActiveResourcesInfo() });
      }, { intervalMs: 200, connections: machine }),
    );
    const { marks, exitedAt, exitCode, live, stderr } = await running.finished;
    const mark = (name: string) => marks.find((m) => m.name === name) as Mark;
    const exitMs = exitedAt - mark('returning').at;
    console.info(`Node ${node}: aborted between ticks`, mark('between ticks').value, '; mid-list', mark('mid-list').value, `; the process ended ${exitMs} ms after the scenario returned`);

    expect(mark('between ticks').value).toEqual({ events: [], timers: 0, timersAfterATurn: 0, live: {} });
    expect(mark('mid-list').value).toMatchObject({ events: [], timers: 0, timersAfterATurn: 0, live: {} });
    // It was aborted inside the list (its objects were still held then).
    expect(Object.keys((mark('mid-list').value as { liveRightAway: object }).liveRightAway).length).toBeGreaterThan(0);
    expect(mark('returning').value).toMatchObject({ timers: 0 });
    expect(exitCode).toBe(0);
    expect(stderr).toBe('');
    // Wine's own teardown included; a watch still polling would keep it running (next test).
    expect(exitMs).toBeLessThan(2_000);
    expect(live).toEqual({});
  });

  it('lets the process exit while a watch with persistent: false is still watching, and keeps it alive with persistent: true', async () => {
    const scenario = async (netcon: typeof import('../../src/index'), t: import('../../wine/run').Helpers, input: { persistent: boolean; aliveMs: number }) => {
      void (async () => {
        for await (const change of netcon.watch({ intervalMs: 300, persistent: input.persistent })) t.mark('change', change.type);
      })();
      // The app's own work keeps the process up this long; then only the watch is left.
      setTimeout(() => t.mark('app done'), input.aliveMs);
      t.mark('returning');
    };
    const unpersistent = cleanUp(startInWine({ node, fake: { connections: machine }, timeoutMs: 20_000 }, scenario, { persistent: false, aliveMs: 1_500 }));
    const persistent = cleanUp(startInWine({ node, fake: { connections: machine }, timeoutMs: 20_000 }, scenario, { persistent: true, aliveMs: 1_500 }));

    // While the process is up for other reasons, the unpersistent watch still reports.
    await listsTaken(unpersistent, 2, 'the watch had taken its first list');
    unpersistent.configure({ connections: flipped });
    await unpersistent.waitFor((m) => changes(m).length === 1, 5_000);
    const { marks, exitedAt, exitCode, stderr } = await unpersistent.finished;
    const appDone = marks.find((m) => m.name === 'app done') as Mark;
    const exitMs = exitedAt - appDone.at;

    // The persistent one is still watching 3 s after its app was done.
    const persistentDone = (await persistent.waitFor((m) => m.some((x) => x.name === 'app done'))).find((m) => m.name === 'app done') as Mark;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, persistentDone.at + 3_000 - Date.now())));
    const stillRunning = !persistent.ended();
    const listsMeanwhile = lists(persistent.calls());
    persistent.stop();
    console.info(`Node ${node}: persistent: false ended ${exitMs} ms after the app's last timer; persistent: true still running 3 s after it (${listsMeanwhile} lists)`);

    expect(changes(marks).map((m) => m.value)).toEqual(['changed']);
    expect(exitCode).toBe(0);
    expect(stderr).toBe('');
    expect(exitMs).toBeLessThan(2_000);
    expect(stillRunning).toBe(true);
    expect(listsMeanwhile).toBeGreaterThanOrEqual(10);
  });

  it('does not let a list hung in Windows hold the process once the watch is aborted', async () => {
    const running = cleanUp(
      startInWine({ node, fake: { connections: machine, delays: [{ method: 'Next', ms: 20_000 }] }, timeoutMs: 30_000 }, async (netcon, t) => {
        const controller = new AbortController();
        const watching = (async () => {
          for await (const _ of netcon.watch({ intervalMs: 300, signal: controller.signal }));
        })();
        // The fake logs a call when it returns: its enumerator's creation tells that the list is under way.
        while (!t.counts('new').Enum) await new Promise((resolve) => setTimeout(resolve, 10));
        await new Promise((resolve) => setTimeout(resolve, 100));
        const listing = t.live();
        controller.abort();
        await watching;
        t.mark('returning', { listing, timers: process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length });
      }),
    );
    const { marks, exitedAt, exitCode } = await running.finished;
    const returning = marks.find((m) => m.name === 'returning') as Mark;
    const exitMs = exitedAt - returning.at;
    console.info(`Node ${node}: watch aborted with its list hung for 20 s: the process ended ${exitMs} ms after the scenario returned`);
    // Aborted inside the list: its enumerator was alive.
    expect(returning.value).toMatchObject({ listing: { Enum: 1 }, timers: 0 });
    expect(exitCode).toBe(0);
    expect(exitMs).toBeLessThan(2_000);
  });
});

// Natively Node can only kill a process, not send it Ctrl+C: Wine only.
describe.skipIf(native)('netcon watch in Windows node.exe under Wine', () => {
  it('prints a JSON line per change made from outside, an error line for a failing list, and exits 0 on SIGINT', async () => {
    const cli = cleanUp(startCliInWine(['watch', '--json', '--interval', String(INTERVAL_MS)], { fake: { connections: machine }, timeoutMs: 30_000 }));
    const lines = () => cli.output().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { time: string } & ChangeMark);
    await listsTaken(cli, 2, 'netcon watch had taken its first list');
    // Each rewrite, and how many lines there are once its changes are in: `added` brings the
    // rename too.
    const rewrites: number[] = [];
    for (const [setup, count] of [
      [{ connections: flipped }, 1],
      [{ connections: added }, 3],
      [{ connections: removed }, 4],
      [{ connections: removed, hresults: accessDenied }, 5],
    ] as const) {
      rewrites.push(cli.configure(setup));
      await cli.until(() => lines().length >= count, 5_000, `JSON line ${count}`);
    }
    cli.configure({ connections: removed });
    const listed = lists(cli.calls());
    await listsTaken(cli, listed + 2, 'two more lists with the fault gone');
    const interrupted = Date.now();
    cli.interrupt();
    const out = await cli.finished;
    console.info(`netcon watch --json: exit code ${out.code}, ${out.exitedAt - interrupted} ms after SIGINT\n${out.stdout}`);

    expect(out.code).toBe(0);
    expect(out.stderr).toBe('');
    const events = lines();
    const connection = (fields: Record<string, unknown>) => expect.objectContaining(fields);
    expect(events.slice(0, 4)).toEqual([
      {
        time: expect.any(String),
        type: 'changed',
        connection: connection({ id: ethernet.id, name: 'Ethernet', status: 'disconnected' }),
        previous: connection({ id: ethernet.id, status: 'connected' }),
      },
      { time: expect.any(String), type: 'changed', connection: connection({ id: ethernet2.id, name: 'Dock Ethernet' }), previous: connection({ name: 'Ethernet 2' }) },
      { time: expect.any(String), type: 'added', connection: connection({ id: cellular.id, name: 'Cellular', status: 'connected' }) },
      { time: expect.any(String), type: 'removed', connection: connection({ id: vpn.id, name: vpn.name, status: 'disconnected' }) },
    ]);
    // Error lines while the fault lasted, and nothing after it.
    expect(events.length).toBeGreaterThanOrEqual(5);
    for (const e of events.slice(4)) {
      expect(e).toEqual({ time: expect.any(String), type: 'error', error: { code: 'E_ACCESSDENIED', hresult: 0x80070005, message: expect.stringContaining('E_ACCESSDENIED (0x80070005)') } });
    }
    // `time` is when the process saw the change: within the bound of its rewrite.
    [0, 1, 1, 2, 3].forEach((rewrite, i) => {
      const ms = Date.parse(events[i].time) - rewrites[rewrite];
      expect(ms, `line ${i + 1}`).toBeGreaterThan(0);
      expect(ms, `line ${i + 1}`).toBeLessThan(BOUND_MS);
    });
    expect(out.live).toEqual({});
  });

  it('prints a line per change in text, errors on stderr, until Ctrl+C (the session is kept in build/e2e/watch-session.txt)', async () => {
    const command = ['watch', '--interval', String(INTERVAL_MS)];
    const cli = cleanUp(startCliInWine(command, { fake: { connections: machine }, timeoutMs: 30_000 }));
    const lines = () => cli.output().split(/\r?\n/).filter(Boolean);
    await listsTaken(cli, 2, 'netcon watch had taken its first list');
    for (const [setup, count] of [
      [{ connections: flipped }, 1],
      [{ connections: renamed }, 2],
      [{ connections: added }, 3],
      [{ connections: removed }, 4],
    ] as const) {
      cli.configure(setup);
      await cli.until(() => lines().length >= count, 5_000, `line ${count}`);
    }
    // A fault, Ethernet back up while it lasts, then the fault gone.
    cli.configure({ connections: removed, hresults: accessDenied });
    const errorLines = () => cli.errors().split('\n').filter(Boolean).length;
    await cli.until(() => errorLines() >= 1, 5_000, 'an error line');
    const backUp = removed.map((c) => (c.id === ethernet.id ? { ...c, status: 2 } : c));
    cli.configure({ connections: backUp, hresults: accessDenied });
    const errorsSoFar = errorLines();
    await cli.until(() => errorLines() > errorsSoFar, 5_000, 'another error line');
    cli.configure({ connections: backUp });
    await cli.until(() => lines().length >= 5, 5_000, 'line 5');
    cli.interrupt();
    const out = await cli.finished;

    // stdout and stderr interleaved by their timestamps, as a terminal would show them.
    const session = [...out.stdout.split(/\r?\n/), ...out.stderr.split(/\r?\n/)].filter(Boolean).sort();
    const transcript = [`$ netcon ${command.join(' ')}`, ...session, '^C', `(exit code ${out.code})`].join('\n') + '\n';
    mkdirSync(workDir, { recursive: true });
    writeFileSync(join(workDir, 'watch-session.txt'), transcript);
    console.info(`netcon watch under Wine:\n${transcript}`);

    expect(out.code).toBe(0);
    const iso = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
    const line = (text: string) => new RegExp(`^${iso}  ${text.replace(/[()[\]{}.*+?^$|\\]/g, '\\$&')}$`);
    expect(out.stdout.split(/\r?\n/).filter(Boolean)).toEqual([
      expect.stringMatching(line(`changed  "Ethernet"  status connected -> disconnected  ${ethernet.id}`)),
      expect.stringMatching(line(`changed  "Dock Ethernet"  name "Ethernet 2" -> "Dock Ethernet"  ${ethernet2.id}`)),
      expect.stringMatching(line(`added    "Cellular"  connected lan  ${cellular.id}`)),
      expect.stringMatching(line(`removed  "${vpn.name}"  disconnected tunnel  ${vpn.id}`)),
      expect.stringMatching(line(`changed  "Ethernet"  status disconnected -> connected  ${ethernet.id}`)),
    ]);
    const errors = out.stderr.split(/\r?\n/).filter(Boolean);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    for (const error of errors) expect(error).toMatch(new RegExp(`^${iso}  error    E_ACCESSDENIED: .*E_ACCESSDENIED \\(0x80070005\\)`));
    expect(out.live).toEqual({});
  });
});
