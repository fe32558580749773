// Windows only: vitest.config.mts leaves this file out elsewhere. Wine's CoCancelCall is a stub
// that raises an exception, and Wine has no proxies for these interfaces, so only the Windows
// workflow can show a stuck call being cancelled; under Wine the suite checks the fallback
// (never-waits-for-a-hung-windows-call.test.ts: the thread stays stuck until the call returns).
import { expect, it } from 'vitest';
import { FAKE_SERVER_STA } from '../../wine/environment';
import { ethernet, machine } from '../../wine/connections';
import { inWine } from '../../wine/run';

// The fake registered with ThreadingModel=Apartment: COM hosts it in an STA of its own, and
// netcon's MTA thread reaches it through proxies, as it reaches the Network Connections
// service behind the real HNetShare. The fake's Disconnect sleeps far past every bound below.
const fake = { connections: machine, delays: [{ method: 'Disconnect', ms: 20_000, id: ethernet.id }] };

it('cancels a Disconnect stuck in a proxy at its deadline: the thread is back within 2 s, not after the 20 s hang', async () => {
  const { value } = await inWine({ fake, progId: FAKE_SERVER_STA.progId }, async (netcon, t, input) => {
    // Reaching the fake through proxies at all needs the system's proxies for these interfaces.
    const listed = await t.capture(netcon.listConnections());
    const error = await t.capture(netcon.disconnect(input.id, { timeoutMs: 500 }));
    const started = Date.now();
    let threads = t.addon().comThreads();
    while (threads.abandonedReturned === 0 && Date.now() - started < 10_000) {
      await new Promise((r) => setTimeout(r, 50));
      threads = t.addon().comThreads();
    }
    return { listed: listed.ok ? listed.value.map((c) => c.name) : listed.error, error: error.ok ? undefined : error.error, returnedMs: Date.now() - started, threads };
  }, { id: ethernet.id });
  console.info('cancelling a proxied call:', value);

  expect(value.listed).toEqual(machine.map((c) => c.name));
  expect(value.error).toMatchObject({ code: 'ERR_TIMEOUT', operation: 'disconnect', outcome: 'unknown' });
  expect(value.threads).toMatchObject({ canCancel: true, stuck: 0, abandonedReturned: 1 });
  // RPC_E_CALL_CANCELED, or RPC_S_CALL_CANCELLED as an HRESULT: both are what a cancel gives.
  expect([0x80010002, 0x8007071a]).toContain(value.threads.lastAbandonedResult);
  expect(value.returnedMs).toBeLessThan(2000);
});
