import { describe, expect, it } from 'vitest';
import { ethernet, ethernet2, machine, vpn } from '../../wine/connections';
import { inWine } from '../../wine/run';

describe('disconnect and connect under Wine', () => {
  it('disconnects by name: Disconnect hits that connection once and a later list shows the new status', async () => {
    const { value, calls, live } = await inWine({ fake: { connections: machine } }, async (netcon, t) => {
      const result = await netcon.disconnect('ethernet');
      const after = await netcon.listConnections();
      return { result, statuses: after.map((c) => [c.name, c.status]), live: t.live() };
    });
    expect(value.result).toEqual({ connection: { id: ethernet.id, name: 'Ethernet' }, hresult: 0, code: 'S_OK' });
    expect(value.statuses[0]).toEqual(['Ethernet', 'disconnected']);
    expect(value.statuses[1]).toEqual(['Ethernet 2', 'media-disconnected']);
    const hits = calls.filter((c) => c.method === 'Disconnect' || c.method === 'Connect');
    expect(hits).toEqual([{ method: 'Disconnect', id: ethernet.id, hresult: 0 }]);
    expect(value.live).toEqual({});
    expect(live).toEqual({});
  });

  it('connects by GUID (braceless, lower case) and by a NetConnection object', async () => {
    const { value, calls } = await inWine({ fake: { connections: machine } }, async (netcon, t, vpnId) => {
      await netcon.connect(vpnId.slice(1, -1).toLowerCase());
      const [, second] = await netcon.listConnections();
      await netcon.connect(second);
      const after = await netcon.listConnections();
      return { statuses: after.map((c) => c.status), live: t.live() };
    }, vpn.id);
    expect(value.statuses).toEqual(['connected', 'connected', 'hardware-disabled', 'connected']);
    expect(calls.filter((c) => c.method === 'Connect').map((c) => c.id)).toEqual([vpn.id, ethernet2.id]);
    expect(value.live).toEqual({});
  });

  it('resolves on every success HRESULT, not only S_OK', async () => {
    const { value, calls } = await inWine({ fake: { connections: [ethernet] } }, async (netcon, t) => {
      const results = [];
      for (const hresult of [0x1 /* S_FALSE */, 0x2 /* S_OBJECT_NO_LONGER_VALID */, 0x0004_0000]) {
        t.configure({ connections: [{ id: '{6B0C3F2A-91D4-4E8B-A7C5-2F1E3D4C5B6A}', name: 'Ethernet' }], hresults: [{ method: 'Disconnect', hresult }] });
        results.push(await t.capture(netcon.disconnect('Ethernet')));
      }
      return results;
    });
    expect(value.map((r) => r.ok)).toEqual([true, true, true]);
    expect(calls.filter((c) => c.method === 'Disconnect').map((c) => c.hresult)).toEqual([0x1, 0x2, 0x40000]);
  });

  it('rejects a GUID that is not on the machine with ERR_CONNECTION_NOT_FOUND, without calling Disconnect', async () => {
    const { value, calls, live } = await inWine({ fake: { connections: machine } }, async (netcon, t) =>
      t.capture(netcon.disconnect('{00000000-1111-2222-3333-444444444444}')),
    );
    expect(value).toMatchObject({ ok: false, error: { code: 'ERR_CONNECTION_NOT_FOUND', classes: expect.arrayContaining(['NetConError']) } });
    expect(calls.some((c) => c.method === 'Disconnect')).toBe(false);
    expect(live).toEqual({});
  });

  it('rejects bad arguments before any COM call', async () => {
    const { value, calls } = await inWine({ fake: { connections: machine } }, async (netcon, t) => [
      await t.capture(netcon.disconnect(42 as never)),
      await t.capture(netcon.disconnect('')),
      await t.capture(netcon.connect('{6B0C3F2A-91D4-4E8B-A7C5}')),
      await t.capture(netcon.findConnection('x'.repeat(5000))),
    ]);
    expect(value.map((r) => (r.ok ? 'resolved' : r.error.code))).toEqual([
      'ERR_INVALID_ARG_TYPE',
      'ERR_INVALID_ARG_VALUE',
      'ERR_INVALID_ARG_VALUE',
      'ERR_INVALID_ARG_VALUE',
    ]);
    expect(value[0]).toMatchObject({ ok: false, error: { classes: expect.arrayContaining(['NetConError', 'TypeError']) } });
    expect(value[1]).toMatchObject({ ok: false, error: { classes: expect.arrayContaining(['NetConError', 'RangeError']) } });
    expect(calls).toEqual([]);
  });
});
