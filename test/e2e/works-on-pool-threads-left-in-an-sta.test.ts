import { describe, expect, it } from 'vitest';
import { ethernet, machine } from '../../wine/connections';
import { inWine } from '../../wine/run';

// Another addon in the same process may have left libuv's pool threads in an STA. netcon
// runs its COM work on threads of its own, so it must work regardless and leave those
// threads to their owner, in the apartment they were left in.
describe('on libuv pool threads another addon left in an STA', () => {
  it('lists and disconnects there, releases every object and leaves each thread in its STA', async () => {
    const { value, live } = await inWine({ fake: { connections: machine } }, async (netcon, t, id) => {
      const helper = t.nativeHelper();
      const before = await helper.poolThreadApartments(4); // UV_THREADPOOL_SIZE's default
      const occupied = await helper.occupyPoolThreadsInSta(4);
      // More jobs than threads at once, so every one of the four threads runs some.
      const lists = await Promise.all(Array.from({ length: 8 }, () => netcon.listConnections()));
      const disconnect = await t.capture(netcon.disconnect(id));
      const after = await netcon.listConnections();
      const pool = await helper.poolThreadApartments(4);
      return {
        before,
        occupied,
        lists: lists.map((list) => list.map((c) => c.name)),
        disconnect,
        statusAfter: after.find((c) => c.id === id)?.status,
        pool,
        handles: helper.handleCount(),
        live: t.live(),
      };
    }, ethernet.id);

    expect(value.before.map((p) => p.apartment)).toEqual(['none', 'none', 'none', 'none']);
    expect(value.occupied).toHaveLength(4);
    // The process's first STA is its "main" STA: one of the four is that.
    for (const thread of value.occupied) expect(thread).toMatchObject({ hresult: 0, apartment: expect.stringMatching(/^(main-)?sta$/), metTheOthers: true });
    const occupiedIds = value.occupied.map((p) => p.threadId);
    expect(new Set(occupiedIds).size).toBe(4);

    const names = machine.map((c) => c.name);
    for (const list of value.lists) expect(list).toEqual(names);
    expect(value.disconnect).toEqual({ ok: true, value: { connection: { id: ethernet.id, name: 'Ethernet' }, hresult: 0, code: 'S_OK' } });
    expect(value.statusAfter).toBe('disconnected');

    // The same four threads, still in the STA they were left in: netcon did not uninitialise them.
    expect(value.pool.map((p) => p.threadId).sort()).toEqual([...occupiedIds].sort());
    const apartmentOf = new Map(value.occupied.map((p) => [p.threadId, p.apartment]));
    for (const thread of value.pool) expect(thread.apartment).toBe(apartmentOf.get(thread.threadId));
    expect(value.handles).toBeGreaterThan(0); // the helper's GetProcessHandleCount answers
    expect(value.live).toEqual({});
    expect(live).toEqual({});
  });
});
