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

  it('returns an empty list when the machine has no connections', async () => {
    const { value, live } = await inWine({ fake: { connections: [] } }, async (netcon) => netcon.listConnections());
    expect(value).toEqual([]);
    expect(live).toEqual({});
  });
});
