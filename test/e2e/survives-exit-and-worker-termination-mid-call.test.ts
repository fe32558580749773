import { describe, expect, it } from 'vitest';
import { ethernet, ethernet2, machine } from '../../wine/connections';
import { suiteNodeLines } from '../../wine/environment';
import { exitOfWine, inWine } from '../../wine/run';

// The fake sleeps this long in INetConnection::Disconnect before it returns.
const DISCONNECT_MS = 2000;
const fake = { connections: machine, delays: [{ method: 'Disconnect', ms: DISCONNECT_MS, id: ethernet.id }] };
// A script waits until the fake logged GetProperties for the connection: netcon's job has found
// it and its next call is the Disconnect that sleeps. (Scripts are sent as source text, so
// each spells that wait out itself.)

// On every Node line (20 and 22; 16 in its own pass): what Node-API does in a dying
// environment is Node's code, not ours.
describe.each(suiteNodeLines)('ending a process or a worker while a Disconnect is in flight (Node %s)', (node) => {
  it('process.exit(7) exits with 7, without a crash and without hanging', async () => {
    const run = await exitOfWine({ node, fake }, async (netcon, t, input) => {
      void netcon.disconnect(input.id);
      while (!t.calls().some((c) => c.method === 'GetProperties' && c.id === input.id)) await new Promise((r) => setTimeout(r, 20));
      process.exit(7);
    }, { id: ethernet.id });
    expect(run.exitCode).toBe(7);
    expect(run.stderr).not.toMatch(/FATAL|Assertion|abort/i);
    // What must not happen is a deadlock or a crash. (That exit does not wait for the call at
    // all is never-waits-for-a-hung-windows-call.test.ts, timed from a parent process.)
    expect(run.elapsedMs).toBeLessThan(10_000 + DISCONNECT_MS);
  });

  it('worker.terminate() ends the worker alone; the main thread keeps working and nothing leaks', async () => {
    const { value, live, exitCode } = await inWine({ node, fake }, async (netcon, t, input) => {
      const { Worker } = t.require('node:worker_threads') as typeof import('node:worker_threads');
      const source = `
        const { workerData } = require('node:worker_threads');
        const pkg = require(workerData.packageRoot);
        const netcon = workerData.progId ? pkg.createClient({ progId: workerData.progId }) : pkg;
        netcon.disconnect(workerData.id);`;
      const worker = new Worker(source, { eval: true, workerData: { ...t.entry(), id: input.id } });
      const events: string[] = [];
      worker.on('error', (error) => events.push(`error ${error}`));
      worker.on('exit', (code) => events.push(`exit ${code}`));
      while (!t.calls().some((c) => c.method === 'GetProperties' && c.id === input.id)) await new Promise((r) => setTimeout(r, 20));

      const terminated = worker.terminate().then((code) => {
        events.push(`terminated ${code}`);
        return code;
      });
      // The main thread keeps working while the worker is being torn down.
      const names = (await netcon.listConnections()).map((c) => c.name);
      events.push('listed');
      const terminateCode = await terminated;
      const other = await t.capture(netcon.disconnect(input.otherId));
      // The dying worker's Disconnect still ran to its end on netcon's thread, and its objects
      // were released.
      while (!t.calls().some((c) => c.method === 'Disconnect' && c.id === input.id)) await new Promise((r) => setTimeout(r, 50));
      // Its thread releases them just after Disconnect returns: on a loaded machine, a moment later.
      await t.waitFor(() => Object.keys(t.live()).length === 0);
      return { names, terminateCode, other, events, live: t.live() };
    }, { id: ethernet.id, otherId: ethernet2.id });

    expect(value.names).toEqual(machine.map((c) => c.name));
    expect(value.terminateCode).toBe(1);
    // No 'error' event: the worker ended because it was told to, not by a crash.
    expect([...value.events].sort()).toEqual(['exit 1', 'listed', 'terminated 1']);
    expect(value.other).toEqual({ ok: true, value: { connection: { id: ethernet2.id, name: 'Ethernet 2' }, hresult: 0, code: 'S_OK' } });
    expect(value.live).toEqual({});
    expect(live).toEqual({});
    expect(exitCode).toBe(0);
  });
});
