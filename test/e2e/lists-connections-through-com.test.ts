import { describe, expect, it } from 'vitest';
import { disabledWifi, ethernet, machine, vpn } from '../../wine/connections';
import { suiteArch } from '../../wine/environment';
import { inWine } from '../../wine/run';

describe('listConnections under Wine through the real COM runtime', () => {
  it('returns every connection with all its fields, disabled ones and Unicode names included, and leaks nothing', async () => {
    const { value, live, calls } = await inWine({ fake: { connections: machine } }, async (netcon, t) => ({
      platform: t.platform(),
      supported: netcon.isSupported(),
      list: await netcon.listConnections(),
      liveAfter: t.live(),
    }));
    expect(value.platform).toMatchObject({ platform: 'win32', arch: suiteArch });
    expect(value.supported).toBe(true);
    expect(value.list).toHaveLength(4);
    expect(value.list[0]).toEqual({
      id: ethernet.id,
      name: 'Ethernet',
      deviceName: 'Intel(R) Ethernet Connection (7) I219-V',
      status: 'connected',
      statusCode: 2,
      mediaType: 'lan',
      mediaTypeCode: 3,
      characteristics: { value: 0x809, flags: ['all-users', 'allow-rename', 'default'], bluetooth: 0, lan: 0, unknown: 0 },
    });
    expect(value.list.map((c) => c.status)).toEqual(['connected', 'media-disconnected', 'hardware-disabled', 'disconnected']);
    expect(value.list[2].id).toBe(disabledWifi.id.toUpperCase());
    expect(value.list[2].characteristics).toEqual({
      value: 0x350009,
      flags: ['all-users', 'allow-rename', 'hosted-network', 'wifi-direct'],
      bluetooth: 0x5,
      lan: 0x3,
      unknown: 0,
    });
    expect(value.list[3]).toMatchObject({ name: vpn.name, mediaType: 'tunnel', deviceName: 'WAN Miniport (IKEv2)' });
    expect(value.liveAfter).toEqual({});
    expect(live).toEqual({});
    expect(calls.filter((c) => c.method === 'CreateInstance')).toHaveLength(1);
  });

  it('maps status and media values outside the enums to "unknown" and keeps the raw code', async () => {
    const odd = { id: '{11111111-2222-3333-4444-555555555555}', name: 'Odd', status: 16, mediaType: 10 };
    const { value } = await inWine({ fake: { connections: [odd] } }, async (netcon) => netcon.listConnections());
    expect(value[0]).toMatchObject({ status: 'unknown', statusCode: 16, mediaType: 'unknown', mediaTypeCode: 10 });
  });

  // netcon keeps a finished list's buffers for the next one (native/netcon_com.h): nothing of
  // a longer list may show in a shorter one, nor one list in another made at the same time.
  it('returns exactly the connections of each list: after a longer one, a very long one and at the same time', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ id: `{${i.toString(16).toUpperCase().padStart(8, '0')}-0000-4000-8000-000000000000}`, name: `Connection ${i}` }));
    const { value, live } = await inWine({ fake: { connections: machine }, fakeLog: 'tally' }, async (netcon, t, input) => {
      const ids = (list: { id: string }[]) => list.map((c) => c.id);
      const first = ids(await netcon.listConnections());
      const together = (await Promise.all([1, 2, 3, 4, 5, 6].map(() => netcon.listConnections()))).map(ids);
      t.configure({ connections: [input.vpn] });
      const shorter = await netcon.listConnections();
      t.configure({ connections: input.many });
      const long = ids(await netcon.listConnections());
      t.configure({ connections: [] });
      const none = await netcon.listConnections();
      t.configure({ connections: input.machine });
      return { first, together, shorter, long, none, again: ids(await netcon.listConnections()) };
    }, { vpn, many, machine });
    const machineIds = machine.map((c) => c.id.toUpperCase());
    expect(value.first).toEqual(machineIds);
    expect(value.together).toEqual(Array(6).fill(machineIds));
    expect(value.shorter).toEqual([expect.objectContaining({ id: vpn.id, name: vpn.name, deviceName: 'WAN Miniport (IKEv2)' })]);
    expect(value.shorter).toHaveLength(1);
    expect(value.long).toEqual(many.map((c) => c.id));
    expect(value.none).toEqual([]);
    expect(value.again).toEqual(machineIds);
    expect(live).toEqual({});
  });

  it('returns an empty list when the machine has no connections', async () => {
    const { value, live } = await inWine({ fake: { connections: [] } }, async (netcon) => netcon.listConnections());
    expect(value).toEqual([]);
    expect(live).toEqual({});
  });
});
