import { describe, expect, it } from 'vitest';
import { ethernet, machine } from '../../wine/connections';
import { inWine, type Helpers } from '../../wine/run';
import type * as Netcon from '../../src/index';

// Electron's main process runs its JS thread in an OLE single-threaded apartment. netcon must
// do its COM work elsewhere (its own threads, in the MTA), never block or depend on that
// thread's apartment, and leave it as it found it.
async function scenario(netcon: typeof Netcon, t: Helpers, input: { id: string; enter: 'enterSta' | 'oleInitialize' }) {
  const helper = t.nativeHelper();
  const entered = helper[input.enter]();
  const mainBefore = helper.currentApartment();
  const lists = await Promise.all([netcon.listConnections(), netcon.listConnections(), netcon.listConnections()]);
  const disconnect = await t.capture(netcon.disconnect(input.id));
  const afterDisconnect = (await netcon.listConnections()).find((c) => c.id === input.id)?.status;
  const connect = await t.capture(netcon.connect(input.id));
  const afterConnect = (await netcon.listConnections()).find((c) => c.id === input.id)?.status;
  return {
    entered,
    mainBefore,
    mainAfter: helper.currentApartment(),
    lists: lists.map((list) => list.map((c) => c.name)),
    disconnect,
    afterDisconnect,
    connect,
    afterConnect,
    pool: await helper.poolThreadApartments(4),
    live: t.live(),
  };
}

describe('when the JS main thread is already in an STA, as in Electron', () => {
  const cases = [
    { enter: 'enterSta', host: 'node.exe' },
    // OleInitialize is what Electron's main process calls; run it in a renamed host as well.
    { enter: 'oleInitialize', host: 'renamed' },
  ] as const;

  for (const { enter, host } of cases) {
    it(`${enter}() on the main thread first (${host}): list, disconnect and connect work, the main STA is untouched`, async () => {
      const { value, live } = await inWine({ host, fake: { connections: machine } }, scenario, { id: ethernet.id, enter });
      expect(value.entered).toBe(0); // S_OK: the main thread was not in COM before
      expect(value.mainBefore).toEqual({ hresult: 0, apartment: 'main-sta' });
      for (const list of value.lists) expect(list).toEqual(machine.map((c) => c.name));
      expect(value.disconnect).toEqual({ ok: true, value: { connection: { id: ethernet.id, name: 'Ethernet' }, hresult: 0, code: 'S_OK' } });
      expect(value.afterDisconnect).toBe('disconnected');
      expect(value.connect).toEqual({ ok: true, value: { connection: { id: ethernet.id, name: 'Ethernet' }, hresult: 0, code: 'S_OK' } });
      expect(value.afterConnect).toBe('connected');
      expect(value.mainAfter).toEqual(value.mainBefore);
      // netcon left libuv's pool threads as it found them: no COM of their own. While netcon's
      // threads are in the MTA, COM counts such threads in it implicitly; that is not a join.
      for (const thread of value.pool) expect(thread.apartment).toMatch(/^(none|implicit-mta)$/);
      expect(value.live).toEqual({});
      expect(live).toEqual({});
    });
  }
});
