import { describe, expect, it } from 'vitest';
import { disabledWifi, ethernet, ethernet2, machine, vpn } from '../../wine/connections';
import { inWine } from '../../wine/run';

describe('findConnection under Wine', () => {
  it('finds by exact name ignoring case, by GUID with or without braces in any case, and by Unicode name', async () => {
    const { value, live } = await inWine({ fake: { connections: machine } }, async (netcon, t) => {
      const found = async (target: string) => (await netcon.findConnection(target)).id;
      return {
        byName: await found('ethernet 2'),
        byUpperName: await found('WI-FI'),
        byGuid: await found('{6B0C3F2A-91D4-4E8B-A7C5-2F1E3D4C5B6A}'),
        byBracelessLower: await found('a1b2c3d4-e5f6-4711-8899-aabbccddeeff'),
        byUnicode: await found('bureau vpn — 東京 🚀 مكتب'),
        partial: await t.capture(netcon.findConnection('Ether')),
        live: t.live(),
      };
    });
    expect(value.byName).toBe(ethernet2.id);
    expect(value.byUpperName).toBe(disabledWifi.id.toUpperCase());
    expect(value.byGuid).toBe(ethernet.id);
    expect(value.byBracelessLower).toBe(disabledWifi.id.toUpperCase());
    expect(value.byUnicode).toBe(vpn.id);
    expect(value.partial).toMatchObject({ ok: false, error: { code: 'ERR_CONNECTION_NOT_FOUND' } });
    expect(value.live).toEqual({});
    expect(live).toEqual({});
  });

  it('rejects a name that matches several connections with ERR_AMBIGUOUS_CONNECTION listing their GUIDs', async () => {
    const twin = { ...ethernet2, id: '{99999999-8888-4777-8666-555555555555}', name: 'ETHERNET' };
    const { value } = await inWine({ fake: { connections: [ethernet, twin] } }, async (netcon, t) =>
      t.capture(netcon.findConnection('Ethernet')),
    );
    expect(value).toMatchObject({
      ok: false,
      error: { code: 'ERR_AMBIGUOUS_CONNECTION', candidates: [ethernet.id, twin.id], classes: expect.arrayContaining(['NetConError']) },
    });
    if (!value.ok) expect(value.error.message).toContain(twin.id);
  });

  it('rejects an unknown name or GUID with ERR_CONNECTION_NOT_FOUND', async () => {
    const { value } = await inWine({ fake: { connections: machine } }, async (netcon, t) => ({
      name: await t.capture(netcon.findConnection('Ethernet 3')),
      guid: await t.capture(netcon.findConnection('{00000000-0000-0000-0000-000000000000}')),
    }));
    expect(value.name).toMatchObject({ ok: false, error: { code: 'ERR_CONNECTION_NOT_FOUND' } });
    expect(value.guid).toMatchObject({ ok: false, error: { code: 'ERR_CONNECTION_NOT_FOUND' } });
  });
});
