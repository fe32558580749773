// watch() over the real addon's subscription: a notification from Windows makes it list about
// 250 ms later, long before its next poll. Wine's notification functions never fire, so the
// native helper takes netcon's imports of them and fires what netcon registered, on a thread
// of its own as Windows does (subscribes-to-windows-change-notifications.test.ts covers the
// addon's side alone).
import { expect, it } from 'vitest';
import { ethernet, vpn } from '../../wine/connections';
import { inWine } from '../../wine/run';

const fake = { connections: [ethernet, vpn] };

it('a notification wakes watch() within a second when its poll is a minute away; a burst makes one list; ending it unsubscribes', async () => {
  const { value, live } = await inWine({ fake }, async (netcon, t, input) => {
    const helper = t.nativeHelper();
    t.addon(); // loaded, so that its imports can be taken
    const patched = helper.interceptChangeNotifications(t.addonPath());
    const lists = () => t.calls().filter((c) => c.method === 'EnumEveryConnection').length;
    const controller = new AbortController();
    const events: { at: number; type: string; name?: string; status?: string; previous?: string }[] = [];
    const watching = (async () => {
      for await (const change of netcon.watch({ intervalMs: 60_000, signal: controller.signal })) {
        events.push(change.type === 'error'
          ? { at: Date.now(), type: 'error', name: change.error.code }
          : { at: Date.now(), type: change.type, name: change.connection.name, status: change.connection.status, previous: change.type === 'changed' ? change.previous.status : undefined });
      }
    })();
    await t.waitFor(() => lists() === 1 && t.addon().notifications().rasError !== 997);
    const subscribed = { stats: t.addon().notifications(), intercepted: helper.interceptedNotifications() };

    // The VPN comes up; Windows tells of it through RAS.
    t.configure({ connections: [input.ethernet, { ...input.vpn, status: 2 }] });
    const rasAt = Date.now();
    helper.fireRasChange();
    await t.waitFor(() => events.length >= 1);

    // The adapter goes down: a burst of interface notifications, as Windows sends one per interface.
    t.configure({ connections: [{ ...input.ethernet, status: 7 }, { ...input.vpn, status: 2 }] });
    const listsBefore = lists();
    const ipAt = Date.now();
    for (let i = 0; i < 20; i++) helper.fireInterfaceChange();
    await t.waitFor(() => events.length >= 2);
    await new Promise((r) => setTimeout(r, 600));
    const burstLists = lists() - listsBefore;

    controller.abort();
    await watching;
    return {
      patched, subscribed, events, rasMs: events[0] && events[0].at - rasAt, ipMs: events[1] && events[1].at - ipAt, burstLists,
      after: { stats: t.addon().notifications(), intercepted: helper.interceptedNotifications() },
    };
  }, { ethernet, vpn });
  console.info('watch woken by notifications:', { rasMs: value.rasMs, ipMs: value.ipMs, burstLists: value.burstLists });

  expect(value.patched).toBe(true);
  expect(value.subscribed.stats).toMatchObject({ subscribers: 1, ipInterfaceRegistered: true, rasRegistered: true });
  expect(value.events.map(({ at: _, ...e }) => e)).toEqual([
    { type: 'changed', name: vpn.name, status: 'connected', previous: 'disconnected' },
    { type: 'changed', name: 'Ethernet', status: 'media-disconnected', previous: 'connected' },
  ]);
  // 250 ms of settling plus one list, against a poll 60 s away: 2 s is far from both.
  expect(value.rasMs).toBeGreaterThanOrEqual(200);
  expect(value.rasMs).toBeLessThan(2000);
  expect(value.ipMs).toBeGreaterThanOrEqual(200);
  expect(value.ipMs).toBeLessThan(2000);
  // Twenty notifications, one list (two if the burst straddled the settling).
  expect(value.burstLists).toBeGreaterThanOrEqual(1);
  expect(value.burstLists).toBeLessThanOrEqual(2);
  // The last watch gone, the process holds no IP registration (the RAS event stays: Windows
  // cannot end it), and the fake's objects are all released.
  expect(value.after.stats).toMatchObject({ subscribers: 0, ipInterfaceRegistered: false });
  expect(value.after.intercepted).toMatchObject({ registrations: 1, cancellations: 1 });
  expect(live).toEqual({});
});

it('a RasMan that takes 3 s to answer holds neither the event loop nor the watch, which polls meanwhile', async () => {
  const { value, live } = await inWine({ fake }, async (netcon, t, input) => {
    const helper = t.nativeHelper();
    t.addon();
    const patched = helper.interceptChangeNotifications(t.addonPath(), 3000);
    // The event loop's worst lag while the registration is under way.
    let lag = 0;
    let last = Date.now();
    const ticker = setInterval(() => {
      const now = Date.now();
      lag = Math.max(lag, now - last - 10);
      last = now;
    }, 10);
    const controller = new AbortController();
    const started = Date.now();
    const events: { at: number; name?: string; status?: string }[] = [];
    const watching = (async () => {
      for await (const change of netcon.watch({ intervalMs: 100, signal: controller.signal })) {
        events.push({ at: Date.now() - started, name: change.type === 'error' ? change.error.code : change.connection.name, status: change.type === 'error' ? undefined : change.connection.status });
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    const pending = t.addon().notifications();
    t.configure({ connections: [input.ethernet, { ...input.vpn, status: 2 }] });
    await t.waitFor(() => t.addon().notifications().rasError !== 997);
    const registeredMs = Date.now() - started;
    clearInterval(ticker);
    controller.abort();
    await watching;
    return { patched, pending, registeredMs, lag, events, after: t.addon().notifications() };
  }, { ethernet, vpn });
  console.info('a slow RasMan:', { registeredMs: value.registeredMs, lagMs: value.lag, events: value.events });

  expect(value.patched).toBe(true);
  expect(value.pending).toMatchObject({ subscribers: 1, ipInterfaceRegistered: true, rasRegistered: false, rasError: 997 });
  // The change made while RasMan was still answering came by polling, long before it answered.
  expect(value.events).toEqual([{ at: expect.any(Number), name: vpn.name, status: 'connected' }]);
  expect(value.events[0].at).toBeLessThan(2000);
  expect(value.registeredMs).toBeGreaterThanOrEqual(2900);
  expect(value.lag).toBeLessThan(500);
  expect(value.after).toMatchObject({ subscribers: 0, rasRegistered: true, rasError: 0 });
  expect(live).toEqual({});
});
