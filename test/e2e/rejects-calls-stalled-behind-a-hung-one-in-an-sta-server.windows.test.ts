// Windows only: vitest.config.mts leaves this file out elsewhere. Under Wine a server registered
// ThreadingModel=Apartment cannot be reached at all (Wine has no proxies for these interfaces;
// reports-what-real-windows-answers.test.ts checks that typed failure instead).
//
// HNetShare's real ThreadingModel is unconfirmed (docs/platforms.md). Were it Apartment, COM
// would create every object that netcon's MTA threads ask for in one host STA, a thread of its
// own, so a call blocked there holds every later call, whichever netcon thread makes it, until
// it returns. What must hold then (docs/reliability.md): each call still rejects at its own
// deadline, and once the hung call returns, calls work again and nothing is left behind.
import { expect, it } from 'vitest';
import { FAKE_SERVER_STA, slowdown } from '../../wine/environment';
import { ethernet, machine } from '../../wine/connections';
import { inWine } from '../../wine/run';

// The fake's Disconnect sleeps this long in the host STA: a Sleep takes no other call meanwhile.
const HANG_MS = 8_000;
const fake = { connections: machine, delays: [{ method: 'Disconnect', ms: HANG_MS, id: ethernet.id }] };

it('rejects a call stalled behind a hung one at its own deadline, and lists again once the hung call returns', async () => {
  const { value, live } = await inWine({ fake, progId: FAKE_SERVER_STA.progId }, async (netcon, t, input) => {
    const timed = async <T>(call: () => Promise<T>) => {
      const started = performance.now();
      const outcome = await t.capture(call());
      return { ms: Math.round(performance.now() - started), error: outcome.ok ? undefined : outcome.error };
    };
    // Reaching the fake through proxies at all needs the system's proxies for these interfaces.
    const before = await t.capture(netcon.listConnections());
    const hung = await timed(() => netcon.disconnect(input.id, { timeoutMs: 500 }));
    // The host STA is still in the fake's Disconnect: this list needs that thread too.
    const stalled = await timed(() => netcon.listConnections({ timeoutMs: 1_000 }));
    const whileHung = t.addon().comThreads();
    // The fake logs a call when it returns. Then the abandoned jobs make their Releases.
    await t.waitFor(
      () => t.calls().some((c) => c.method === 'Disconnect' && c.id === input.id) && t.addon().comThreads().stuck === 0,
      input.hangMs + 10_000,
    );
    const after = await t.capture(netcon.listConnections({ timeoutMs: 10_000 }));
    return {
      before: before.ok ? before.value.map((c) => c.name) : before.error,
      hung,
      stalled,
      whileHung,
      after: after.ok ? after.value.map((c) => c.name) : after.error,
      threads: t.addon().comThreads(),
    };
  }, { id: ethernet.id, hangMs: HANG_MS });
  console.info('calls behind a hung call in an STA server:', value);

  expect(value.before).toEqual(machine.map((c) => c.name));
  expect(value.hung.error).toMatchObject({ code: 'ERR_TIMEOUT', operation: 'disconnect', outcome: 'unknown' });
  expect(value.hung.ms).toBeLessThan(500 + 200 * slowdown);
  // Not refused, not queued behind the hung call in netcon: stalled in COM, and given up on time.
  expect(value.stalled.error).toMatchObject({ code: 'ERR_TIMEOUT', operation: 'list' });
  expect(value.stalled.ms).toBeGreaterThanOrEqual(1_000 - 5);
  expect(value.stalled.ms).toBeLessThan(1_000 + 200 * slowdown);
  expect(value.whileHung).toMatchObject({ canCancel: true });
  expect(value.after).toEqual(machine.map((c) => c.name));
  expect(value.threads).toMatchObject({ stuck: 0, queued: 0 });
  // COM itself asks the server for its class factory in the host STA and may keep it there;
  // netcon never holds it. Everything netcon was handed is released.
  const { Factory: _kept, ...netconsObjects } = live;
  expect(netconsObjects).toEqual({});
});
