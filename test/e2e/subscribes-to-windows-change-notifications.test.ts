// The addon's half of watch(): subscribe(fn) registers with Windows for the process
// (native/notify.cc) and calls fn on the JS thread after a change. Wine's notification APIs
// are stubs that never fire, so past the first test the native helper takes netcon's imports
// of them (interceptChangeNotifications) and fires what netcon registered. On Windows the
// same scenarios run natively; what Windows itself answers is
// subscribes-to-windows-change-notifications.windows.test.ts.
//
// Each scenario runs in a child node.exe started by the scenario's own node.exe: under Wine only
// a parent node.exe sees a crash's exit code (wine itself answers 0: wine/README.md), and the
// parent sees when the child exits, which shows what keeps a process alive.
import { describe, expect, it } from 'vitest';
import { native, suiteNode, suiteNodeLines, type NodeLine } from '../../wine/environment';
import { inWine, type ChildHelpers, type ChildRun } from '../../wine/run';

// Scripts are sent as source text: what a child needs from here comes in `input`.
type ChildScript = (netcon: unknown, c: ChildHelpers, input: { worker: string }) => Promise<void>;

async function inChild(node: NodeLine, script: ChildScript) {
  const { value } = await inWine(
    { node, timeoutMs: 90_000 },
    async (_netcon, t, input) => t.runChild(input.source as never, { worker: input.worker }, { timeoutMs: 60_000 }),
    { source: script.toString(), worker: WORKER },
  );
  return value as ChildRun;
}

// The child's 'result' mark, once it ended as it should: by itself, exit code 0, no 'threw'.
function resultOf<T>(run: ChildRun): T {
  expect(run.marks.threw?.value).toBeUndefined();
  expect(run.stderr).not.toMatch(/FATAL|Assertion|abort|Unhandled/i);
  expect(run.exitCode).toBe(0);
  return run.marks.result?.value as T;
}

// How long a child lived on after its script returned: a process netcon kept alive would
// linger until runChild's 60 s timeout.
const lingered = (run: ChildRun) => run.exitedAt - run.marks.returned.at;
const LINGER_MS = 5000;

// A worker that subscribes, tells the parent of each change and of its subscription, and
// unsubscribes when told. Its port keeps it alive until it is terminated.
const WORKER = `
  const { parentPort, workerData } = require('node:worker_threads');
  const root = workerData.packageRoot;
  const addon = require(require.resolve('node-gyp-build', { paths: [root] }))(root);
  addon.subscribe(() => parentPort.postMessage('change'));
  parentPort.on('message', (m) => {
    if (m === 'unsubscribe') {
      addon.unsubscribe();
      parentPort.postMessage('unsubscribed');
    }
  });
  parentPort.postMessage('subscribed');`;

it("with the system's own registrations: subscribe answers for both, subscribers goes 0 → 1 → 0, and a subscribed process still exits by itself", async () => {
  const run = await inChild(suiteNode, async (_netcon, c) => {
    const addon = c.addon();
    const before = addon.notifications();
    let calls = 0;
    const answer = addon.subscribe(() => calls++);
    const subscribed = addon.notifications();
    // RAS is registered on a pool thread (RasMan may have to start): its answer comes later.
    while (addon.notifications().rasError === 997) await c.sleep(5);
    const rasSettled = addon.notifications();
    const again = addon.subscribe(() => calls++);
    const subscribedAgain = addon.notifications();
    addon.unsubscribe();
    const unsubscribed = addon.notifications();
    addon.unsubscribe();
    // Subscribed once more and left so: the process must exit all the same.
    const last = addon.subscribe(() => calls++);
    c.mark('result', { before, answer, subscribed, rasSettled, again, subscribedAgain, unsubscribed, last, stillSubscribed: addon.notifications(), calls });
  });
  const r = resultOf<Record<string, Record<string, unknown>>>(run);
  console.info('subscribe with the system registrations:', r.answer, r.subscribed, `lingered ${lingered(run)} ms`);

  expect(r.before).toEqual({ subscribers: 0, ipInterfaceRegistered: false, rasRegistered: false, rasError: 0, wakeups: 0 });
  // The first subscription's RAS answer is ERROR_IO_PENDING: subscribe never waits for RasMan.
  expect(r.answer).toEqual({ ipInterface: expect.any(Number), ras: 997 });
  expect(r.subscribed).toMatchObject({ subscribers: 1, ipInterfaceRegistered: r.answer.ipInterface === 0 });
  expect(r.rasSettled.rasRegistered).toBe(r.rasSettled.rasError === 0);
  // A second subscribe replaces fn and answers the same.
  expect(r.again).toEqual(r.answer);
  expect(r.subscribedAgain).toMatchObject({ subscribers: 1 });
  expect(r.unsubscribed).toMatchObject({ subscribers: 0, ipInterfaceRegistered: false });
  expect(r.stillSubscribed).toMatchObject({ subscribers: 1 });
  if (!native) {
    // Wine 8's stubs: NotifyIpInterfaceChange answers NO_ERROR and never calls back;
    // RasConnectionNotificationW answers 1. A refused RAS registration is tried again at the
    // next subscription, on a pool thread again.
    expect(r.answer).toEqual({ ipInterface: 0, ras: 997 });
    expect(r.rasSettled).toEqual({ subscribers: 1, ipInterfaceRegistered: true, rasRegistered: false, rasError: 1, wakeups: 0 });
    expect(r.last).toEqual({ ipInterface: 0, ras: 997 });
    expect(r.calls).toBe(0);
  }
  expect(lingered(run)).toBeLessThan(LINGER_MS);
});

it('delivers IP interface and RAS changes to fn on the JS thread, a burst as few calls, and nothing after unsubscribe', async () => {
  const run = await inChild(suiteNode, async (_netcon, c) => {
    const addon = c.addon();
    const helper = c.nativeHelper();
    const patched = helper.interceptChangeNotifications(c.addonPath());
    let first = 0;
    let second = 0;
    const answer = addon.subscribe(() => first++);
    await c.waitFor(() => addon.notifications().rasError !== 997);
    const registered = helper.interceptedNotifications();
    const subscribed = addon.notifications();

    const ipLive = helper.fireInterfaceChange();
    await c.waitFor(() => first >= 1);
    await c.sleep(200);
    const afterIp = first;

    // A second subscribe replaces fn, registering nothing more.
    const again = addon.subscribe(() => second++);
    const rasSignalled = helper.fireRasChange();
    await c.waitFor(() => second >= 1);
    await c.sleep(200);
    const afterRas = { first, second };

    // 50 of each while the JS thread is busy: the callback runs at least once, far fewer times.
    for (let i = 0; i < 50; i++) {
      helper.fireInterfaceChange();
      helper.fireRasChange();
    }
    await c.waitFor(() => second >= 2);
    await c.sleep(500);
    const burst = second - afterRas.second;
    const stats = addon.notifications();

    // A change queued for the JS thread just before unsubscribe is not delivered after it.
    helper.fireInterfaceChange();
    addon.unsubscribe();
    const unsubscribed = addon.notifications();
    const cancelled = helper.interceptedNotifications();
    // Late ones: an IP callback already under way when the cancel came, and RAS (its
    // registration cannot be ended, so Windows goes on signalling).
    const lateIp = helper.fireInterfaceChange();
    helper.fireRasChange();
    await c.sleep(500);
    c.mark('result', {
      patched, answer, registered, subscribed, ipLive, afterIp, again, rasSignalled, afterRas, burst, stats,
      unsubscribed, cancelled, lateIp, final: { first, second }, wakeups: addon.notifications().wakeups,
    });
  });
  const r = resultOf<Record<string, any>>(run);
  console.info('notifications delivered:', { afterIp: r.afterIp, afterRas: r.afterRas, burst: r.burst, wakeups: r.wakeups, lingeredMs: lingered(run) });

  expect(r.patched).toBe(true);
  expect(r.answer).toEqual({ ipInterface: 0, ras: 997 });
  // Every interface (AF_UNSPEC) without an initial notification; every RAS connection made or ended.
  expect(r.registered).toMatchObject({ registrations: 1, cancellations: 0, rasEvents: 1, family: 0, initialNotification: 0, rasAllConnections: true, rasFlags: 3 });
  expect(r.subscribed).toEqual({ subscribers: 1, ipInterfaceRegistered: true, rasRegistered: true, rasError: 0, wakeups: 0 });
  expect(r.ipLive).toBe(true);
  expect(r.afterIp).toBe(1);
  expect(r.again).toEqual(r.answer);
  expect(r.rasSignalled).toBe(true);
  expect(r.afterRas).toEqual({ first: 1, second: 1 });
  expect(r.burst).toBeGreaterThanOrEqual(1);
  expect(r.burst).toBeLessThanOrEqual(5);
  // 1 + 50 IP callbacks, each counted; RAS's auto-reset event may fold several SetEvents into one.
  expect(r.stats.wakeups).toBeGreaterThanOrEqual(1 + 1 + 50 + 1);
  expect(r.stats.wakeups).toBeLessThanOrEqual(1 + 1 + 50 + 50);
  expect(r.unsubscribed).toEqual({ subscribers: 0, ipInterfaceRegistered: false, rasRegistered: true, rasError: 0, wakeups: r.stats.wakeups + 1 });
  // The last one out cancels the registration it made, with the handle it was given.
  expect(r.cancelled).toMatchObject({ registrations: 1, cancellations: 1, rasEvents: 1 });
  expect(r.cancelled.cancelledHandles).toEqual(r.cancelled.handles);
  expect(r.lateIp).toBe(false);
  expect(r.final).toEqual({ first: 1, second: 1 + r.burst });
  // The late ones reached netcon and went nowhere.
  expect(r.wakeups).toBeGreaterThanOrEqual(r.stats.wakeups + 3);
  expect(lingered(run)).toBeLessThan(LINGER_MS);
});

// What Node-API does in a dying environment is Node's code, so these run on every Node line.
describe.each(suiteNodeLines)('in worker threads (Node %s)', (node) => {
  it('a worker terminated while subscribed leaves the registry, its registration is cancelled, and later changes crash nothing', async () => {
    const run = await inChild(node, async (_netcon, c, input) => {
      const { Worker } = c.require('node:worker_threads') as typeof import('node:worker_threads');
      const addon = c.addon();
      const helper = c.nativeHelper();
      const patched = helper.interceptChangeNotifications(c.addonPath());
      const worker = new Worker(input.worker, { eval: true, workerData: c.entry() });
      let subscribed = false;
      let changes = 0;
      const errors: string[] = [];
      worker.on('message', (m) => (m === 'subscribed' ? (subscribed = true) : m === 'change' && changes++));
      worker.on('error', (error) => errors.push(String(error)));
      await c.waitFor(() => subscribed);
      const during = addon.notifications();
      helper.fireInterfaceChange();
      await c.waitFor(() => changes >= 1);
      const reached = changes;

      // Changes come from Windows' threads while the worker is being torn down.
      let tearingDown = true;
      const terminated = worker.terminate().finally(() => (tearingDown = false));
      let firedDuring = 0;
      while (tearingDown) {
        helper.fireInterfaceChange();
        helper.fireRasChange();
        firedDuring++;
        await new Promise((resolve) => setImmediate(resolve));
      }
      const exitCode = await terminated;
      const after = addon.notifications();
      const intercepted = helper.interceptedNotifications();
      helper.fireInterfaceChange();
      helper.fireRasChange();
      await c.sleep(300);

      // The main thread subscribes afresh and is served.
      let mainCalls = 0;
      addon.subscribe(() => mainCalls++);
      helper.fireInterfaceChange();
      await c.waitFor(() => mainCalls >= 1);
      addon.unsubscribe();
      c.mark('result', { patched, during, reached, firedDuring, exitCode, errors, after, intercepted, mainCalls, final: helper.interceptedNotifications() });
    });
    const r = resultOf<Record<string, any>>(run);
    console.info(`worker terminated while subscribed (Node ${node}):`, { firedDuring: r.firedDuring, after: r.after, lingeredMs: lingered(run) });

    expect(r.patched).toBe(true);
    expect(r.during).toMatchObject({ subscribers: 1, ipInterfaceRegistered: true });
    expect(r.reached).toBeGreaterThanOrEqual(1);
    expect(r.exitCode).toBe(1);
    expect(r.errors).toEqual([]);
    // The worker's teardown removed it, and, the last one out, cancelled the IP registration.
    expect(r.after).toMatchObject({ subscribers: 0, ipInterfaceRegistered: false });
    expect(r.intercepted).toMatchObject({ registrations: 1, cancellations: 1 });
    expect(r.intercepted.cancelledHandles).toEqual(r.intercepted.handles);
    expect(r.mainCalls).toBe(1);
    expect(r.final).toMatchObject({ registrations: 2, cancellations: 2 });
    expect(lingered(run)).toBeLessThan(LINGER_MS);
  });

  it('the main thread and a worker subscribed share one registration, and both get each change', async () => {
    const run = await inChild(node, async (_netcon, c, input) => {
      const { Worker } = c.require('node:worker_threads') as typeof import('node:worker_threads');
      const addon = c.addon();
      const helper = c.nativeHelper();
      const patched = helper.interceptChangeNotifications(c.addonPath());
      let mainCalls = 0;
      addon.subscribe(() => mainCalls++);
      const worker = new Worker(input.worker, { eval: true, workerData: c.entry() });
      const seen: Record<string, number> = {};
      worker.on('message', (m: string) => (seen[m] = (seen[m] ?? 0) + 1));
      await c.waitFor(() => seen.subscribed === 1 && addon.notifications().rasError !== 997);
      const both = addon.notifications();
      const registered = helper.interceptedNotifications();

      helper.fireInterfaceChange();
      await c.waitFor(() => mainCalls >= 1 && (seen.change ?? 0) >= 1);
      await c.sleep(200);
      const afterIp = { main: mainCalls, worker: seen.change ?? 0 };
      helper.fireRasChange();
      await c.waitFor(() => mainCalls >= 2 && (seen.change ?? 0) >= 2);
      await c.sleep(200);
      const afterRas = { main: mainCalls, worker: seen.change ?? 0 };

      // The worker leaves; the main thread's subscription, and the registration, stay.
      worker.postMessage('unsubscribe');
      await c.waitFor(() => seen.unsubscribed === 1);
      const workerLeft = { stats: addon.notifications(), intercepted: helper.interceptedNotifications() };
      helper.fireInterfaceChange();
      await c.waitFor(() => mainCalls >= 3);
      await c.sleep(200);
      const afterLeaving = { main: mainCalls, worker: seen.change ?? 0 };

      await worker.terminate();
      addon.unsubscribe();
      c.mark('result', { patched, both, registered, afterIp, afterRas, workerLeft, afterLeaving, final: { stats: addon.notifications(), intercepted: helper.interceptedNotifications() } });
    });
    const r = resultOf<Record<string, any>>(run);

    expect(r.patched).toBe(true);
    expect(r.both).toMatchObject({ subscribers: 2, ipInterfaceRegistered: true, rasRegistered: true });
    expect(r.registered).toMatchObject({ registrations: 1, rasEvents: 1, cancellations: 0 });
    expect(r.afterIp).toEqual({ main: 1, worker: 1 });
    expect(r.afterRas).toEqual({ main: 2, worker: 2 });
    expect(r.workerLeft.stats).toMatchObject({ subscribers: 1, ipInterfaceRegistered: true });
    expect(r.workerLeft.intercepted).toMatchObject({ registrations: 1, cancellations: 0 });
    expect(r.afterLeaving).toEqual({ main: 3, worker: 2 });
    expect(r.final.stats).toMatchObject({ subscribers: 0, ipInterfaceRegistered: false });
    expect(r.final.intercepted).toMatchObject({ registrations: 1, cancellations: 1, rasEvents: 1 });
    expect(lingered(run)).toBeLessThan(LINGER_MS);
  });
});
