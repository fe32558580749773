import { describe, expect, it } from 'vitest';
import { machine } from '../../wine/connections';
import { inWine } from '../../wine/run';

type WorkerMessage =
  | { ok: true; value: { supported: boolean; lists: string[][]; status: string } }
  | { ok: false; error: string };

// Each worker_thread loads its own instance of the addon into one process: that needs a
// context-aware module (a non-Node-API addon fails there with "Module did not self-register"),
// and the workers' jobs then share one libuv pool and one COM server.
describe('netcon in several worker threads at once', () => {
  it('loads in each, lists and disconnects concurrently with correct results, and leaves no object alive', async () => {
    const fake = { connections: machine, delays: [{ method: 'Disconnect', ms: 300 }] };
    const { value, live, calls } = await inWine({ fake }, async (netcon, t, ids) => {
      const { Worker } = t.require('node:worker_threads') as typeof import('node:worker_threads');
      const worker = `
        const { parentPort, workerData } = require('node:worker_threads');
        const pkg = require(workerData.packageRoot);
        const netcon = workerData.progId ? pkg.createClient({ progId: workerData.progId }) : pkg;
        (async () => {
          const lists = await Promise.all([1, 2, 3].map(() => netcon.listConnections()));
          await netcon.disconnect(workerData.id);
          const after = await netcon.findConnection(workerData.id);
          return { supported: pkg.isSupported(), lists: lists.map((l) => l.map((c) => c.id)), status: after.status };
        })().then(
          (value) => parentPort.postMessage({ ok: true, value }),
          (error) => parentPort.postMessage({ ok: false, error: String((error && error.stack) || error) }),
        );`;
      await netcon.listConnections(); // the main thread's own instance is loaded first
      const runs = ids.map(
        (id) =>
          new Promise<{ exitCode: number; message?: WorkerMessage }>((resolve, reject) => {
            const w = new Worker(worker, { eval: true, workerData: { ...t.entry(), id } });
            let message: WorkerMessage | undefined;
            w.on('message', (m) => (message = m));
            w.on('error', reject);
            w.on('exit', (exitCode) => resolve({ exitCode, message }));
          }),
      );
      // The main thread keeps using its instance while the workers use theirs.
      const mainLists = await Promise.all([1, 2].map(() => netcon.listConnections()));
      const workers = await Promise.all(runs);
      const after = await netcon.listConnections();
      return { workers, mainLists: mainLists.map((l) => l.length), statuses: after.map((c) => c.status), live: t.live() };
    }, machine.map((c) => c.id));

    const ids = machine.map((c) => c.id.toUpperCase());
    expect(value.workers).toHaveLength(4);
    for (const worker of value.workers) {
      expect(worker).toEqual({ exitCode: 0, message: { ok: true, value: { supported: true, lists: [ids, ids, ids], status: 'disconnected' } } });
    }
    expect(value.mainLists).toEqual([4, 4]);
    expect(value.statuses).toEqual(['disconnected', 'disconnected', 'disconnected', 'disconnected']);
    // Each worker's Disconnect reached its own connection, once.
    expect(calls.filter((c) => c.method === 'Disconnect').map((c) => c.id.toUpperCase()).sort()).toEqual([...ids].sort());
    expect(value.live).toEqual({});
    expect(live).toEqual({});
  });
});
