import { describe, expect, it } from 'vitest';
import { FAKE_SERVER, MISSING_SERVER } from '../../wine/environment';
import { ethernet, vpn } from '../../wine/connections';
import { cliInWine, inWine } from '../../wine/run';

// createClient({ progId }) is how users' CI (and ours on Windows, where HNetShare's own
// registration must stay) reach an HNetShare-compatible test server. Here the fake is
// registered twice: in HNetShare's place and under its own ProgID and CLSID.
describe('createClient({ progId })', () => {
  it('resolves the ProgID with CLSIDFromProgID and uses that class for every call', async () => {
    const { value, calls, live } = await inWine({ fake: { connections: [ethernet, vpn] } }, async (netcon, t, input) => {
      const client = netcon.createClient({ progId: input.fake });
      return {
        names: (await client.listConnections()).map((c) => c.name),
        found: (await client.findConnection('ethernet')).id,
        disconnect: await t.capture(client.disconnect('Ethernet')),
        connect: await t.capture(client.connect(input.vpn)),
        supported: client.isSupported(),
      };
    }, { fake: FAKE_SERVER.progId, vpn: vpn.id });
    expect(value).toEqual({
      names: ['Ethernet', vpn.name],
      found: ethernet.id,
      disconnect: { ok: true, value: { connection: { id: ethernet.id, name: 'Ethernet' }, hresult: 0, code: 'S_OK' } },
      connect: { ok: true, value: { connection: { id: vpn.id, name: vpn.name }, hresult: 0, code: 'S_OK' } },
      supported: true,
    });
    expect(calls.filter((c) => c.method === 'Disconnect' || c.method === 'Connect').map((c) => [c.method, c.id])).toEqual([
      ['Disconnect', ethernet.id],
      ['Connect', vpn.id],
    ]);
    expect(live).toEqual({});
  });

  it('names the ProgID when its class has no server, and never falls back to HNetShare', async () => {
    const { value } = await inWine({ fake: { connections: [ethernet] } }, async (netcon, t, input) => {
      const missing = netcon.createClient({ progId: input.missing });
      const unknown = netcon.createClient({ progId: 'NetCon.NoSuchProgId' });
      return {
        missing: await t.capture(missing.listConnections()),
        missingDisconnect: await t.capture(missing.disconnect(input.ethernet)),
        unknown: await t.capture(unknown.listConnections()),
        // Not one call reached the fake, although it serves HNetShare in this prefix.
        fakeCallsSoFar: t.calls().length,
        // The top level keeps using HNetCfg.HNetShare, here the fake, in the same process.
        topLevel: (await netcon.listConnections()).map((c) => c.name),
      };
    }, { missing: MISSING_SERVER.progId, ethernet: ethernet.id });
    expect(value.missing).toMatchObject({
      ok: false,
      error: { code: 'REGDB_E_CLASSNOTREG', hresult: 0x80040154, step: 'CoCreateInstance', operation: 'list', classes: expect.arrayContaining(['ClassNotRegisteredError']) },
    });
    if (!value.missing.ok) expect(value.missing.error.message).toContain(`${MISSING_SERVER.progId} is not available`);
    expect(value.missingDisconnect).toMatchObject({ ok: false, error: { code: 'REGDB_E_CLASSNOTREG', operation: 'disconnect' } });
    expect(value.unknown).toMatchObject({
      ok: false,
      error: { code: 'CO_E_CLASSSTRING', hresult: 0x800401f3, step: 'CLSIDFromProgID', classes: expect.arrayContaining(['InvalidClassStringError']) },
    });
    if (!value.unknown.ok) expect(value.unknown.error.message).toContain('The ProgID NetCon.NoSuchProgId is not registered');
    expect(value.fakeCallsSoFar).toBe(0);
    expect(value.topLevel).toEqual(['Ethernet']);
  });

  it('rejects bad options synchronously with a Node-style code, before any COM call', async () => {
    const { value, calls } = await inWine({ fake: { connections: [ethernet] } }, async (netcon) => {
      const attempt = (options: unknown) => {
        try {
          netcon.createClient(options as never);
          return 'created';
        } catch (error) {
          const kind = error instanceof TypeError ? 'TypeError' : error instanceof RangeError ? 'RangeError' : 'other';
          return `${(error as { code?: string }).code} ${kind}`;
        }
      };
      return [undefined, {}, 'HNetCfg.HNetShare', { progId: 42 }, { progId: '' }, { progId: 'HNetCfg\\HNetShare' }, { progId: 'a'.repeat(40) }, { progId: 'Bad ProgID' }].map(attempt);
    });
    expect(value).toEqual([
      'created',
      'created',
      'ERR_INVALID_ARG_TYPE TypeError',
      'ERR_INVALID_ARG_TYPE TypeError',
      'ERR_INVALID_ARG_VALUE RangeError',
      'ERR_INVALID_ARG_VALUE RangeError',
      'ERR_INVALID_ARG_VALUE RangeError',
      'ERR_INVALID_ARG_VALUE RangeError',
    ]);
    expect(calls).toEqual([]);
  });

  it('is the CLI\'s --prog-id', async () => {
    const ok = await cliInWine(['--prog-id', FAKE_SERVER.progId, 'list', '--json'], { fake: { connections: [ethernet] } });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).map((c: { name: string }) => c.name)).toEqual(['Ethernet']);
    const missing = await cliInWine(['list', '--prog-id', MISSING_SERVER.progId]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(new RegExp(`^netcon: REGDB_E_CLASSNOTREG: .*${MISSING_SERVER.progId.replace('.', '\\.')} is not available`));
    const bad = await cliInWine(['list', '--prog-id', 'no\\such']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^netcon: ERR_INVALID_ARG_VALUE: /);
  });
});
