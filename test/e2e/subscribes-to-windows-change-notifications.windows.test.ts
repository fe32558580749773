// Windows only: vitest.config.mts leaves this file out elsewhere. Wine 8's registrations are
// stubs (NotifyIpInterfaceChange answers NO_ERROR and never calls back,
// RasConnectionNotificationW answers 1), so only Windows shows what the system answers. Delivery
// itself is checked under Wine, where the native helper stands in for Windows
// (subscribes-to-windows-change-notifications.test.ts); no change is forced here.
import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { inWine, type ChildRun } from '../../wine/run';

// RasConnectionNotificationW hands the event to the Remote Access Connection Manager service
// (RasMan), starting it if need be: whether that works depends on the machine (a runner
// image may lack or disable it), so its answer is reported, and held only to what it implies.
function rasManService() {
  const query = (args: string[]) => {
    try {
      return execFileSync('sc', args, { encoding: 'utf8' });
    } catch (error) {
      return String((error as { stdout?: string }).stdout ?? error);
    }
  };
  return { query: query(['query', 'RasMan']).trim(), config: query(['qc', 'RasMan']).trim() };
}

it('registers both notifications with Windows, cancels the IP one when the last subscriber leaves, and a subscribed process still exits by itself', async () => {
  const { value } = await inWine({}, async (_netcon, t) =>
    t.runChild(async (_n, c) => {
      const addon = c.addon();
      const started = Date.now();
      const answer = addon.subscribe(() => {});
      const subscribeMs = Date.now() - started;
      // RAS is registered on a pool thread, as RasMan may have to start first.
      while (addon.notifications().rasError === 997 && Date.now() - started < 30_000) await c.sleep(10);
      const rasMs = Date.now() - started;
      const subscribed = addon.notifications();
      addon.unsubscribe();
      const unsubscribed = addon.notifications();
      // Subscribed again and left so: the process must exit all the same.
      const again = addon.subscribe(() => {});
      c.mark('result', { answer, subscribeMs, rasMs, subscribed, unsubscribed, again, stillSubscribed: addon.notifications() });
    }, undefined),
  );
  const run = value as ChildRun;
  const r = run.marks.result?.value as Record<string, any>;
  console.info('Windows answered:', r, `lingered ${run.exitedAt - run.marks.returned.at} ms`, rasManService());

  expect(run.marks.threw?.value).toBeUndefined();
  expect(run.exitCode).toBe(0);
  expect(r.answer).toEqual({ ipInterface: 0, ras: 997 });
  // subscribe() on the JS thread does not wait for RasMan, however long it takes to start.
  expect(r.subscribeMs).toBeLessThan(1000);
  const rasError = r.subscribed.rasError;
  expect(rasError).not.toBe(997);
  expect(r.subscribed).toMatchObject({ subscribers: 1, ipInterfaceRegistered: true, rasRegistered: rasError === 0 });
  expect(r.unsubscribed).toMatchObject({ subscribers: 0, ipInterfaceRegistered: false, rasRegistered: rasError === 0 });
  expect(r.again.ipInterface).toBe(0);
  // Once RasMan took the event it keeps it for the process's life, and a later answer says so.
  if (rasError === 0) expect(r.again.ras).toBe(0);
  expect(r.stillSubscribed).toMatchObject({ subscribers: 1, ipInterfaceRegistered: true });
  expect(run.exitedAt - run.marks.returned.at).toBeLessThan(5000);
});
