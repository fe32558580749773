import { describe, expect, it } from 'vitest';
import { FAKE_SERVER_STA, native } from '../../wine/environment';
import { ethernet, machine } from '../../wine/connections';
import { cliInWine, inWine } from '../../wine/run';

// What Windows answers that the fake does not by itself: success codes other than S_OK, RAS
// error texts that live in mprmsg.dll, a Network Connections service missing behind
// HNetShare, and the COM security that VPN and dial-up entries need.
const NETCFG_S_REBOOT = 0x0004a020;
const RAS_PORT_DISCONNECTED = 0x80070277; // HRESULT_FROM_WIN32(631)

describe('success codes', () => {
  it('resolve with their name, and the CLI says so', async () => {
    const fake = { connections: machine, hresults: [{ method: 'Disconnect', hresult: NETCFG_S_REBOOT }] };
    const { value, calls } = await inWine({ fake }, async (netcon, t, id) => t.capture(netcon.disconnect(id)), ethernet.id);
    expect(value).toEqual({ ok: true, value: { connection: { id: ethernet.id, name: 'Ethernet' }, hresult: NETCFG_S_REBOOT, code: 'NETCFG_S_REBOOT' } });
    // The fake still did the work, as Windows does with a success code.
    expect(calls.filter((c) => c.method === 'Disconnect')).toEqual([{ method: 'Disconnect', id: ethernet.id, hresult: NETCFG_S_REBOOT }]);
    const cli = await cliInWine(['disconnect', 'Ethernet'], { fake });
    expect(cli).toMatchObject({ code: 0, stderr: '' });
    expect(cli.stdout).toMatch(/^Disconnected "Ethernet"\.\r?\nWindows answered NETCFG_S_REBOOT \(0x0004A020\) rather than S_OK\.\r?\n$/);
  });
});

describe('error texts', () => {
  it('takes a RAS error\'s text from mprmsg.dll in System32, never from one planted in the application\'s folder', async () => {
    // Under Wine the setup put a stand-in in System32 and a planted copy next to the renamed
    // host; on Windows System32 has the real one and nothing is planted.
    const fake = { connections: machine, hresults: [{ method: 'Disconnect', hresult: RAS_PORT_DISCONNECTED }] };
    const { value } = await inWine({ fake, host: 'renamed' }, async (netcon, t, id) => t.capture(netcon.disconnect(id)), ethernet.id);
    expect(value).toMatchObject({ ok: false, error: { code: 'E_UNKNOWN_HRESULT', hresult: RAS_PORT_DISCONNECTED, step: 'INetConnection::Disconnect' } });
    const message = value.ok ? '' : value.error.message;
    expect(message).not.toMatch(/PLANTED/);
    if (native) expect(message).toMatch(/0x80070277 at INetConnection::Disconnect — \S/);
    else expect(message).toMatch(/— \(System32 mprmsg\.dll\) The port was disconnected by the user\.$/);
  });

  it('says the service side is missing when REGDB_E_CLASSNOTREG comes from EnumEveryConnection', async () => {
    const fake = { connections: machine, hresults: [{ method: 'EnumEveryConnection', hresult: 0x80040154 }] };
    const { value } = await inWine({ fake }, async (netcon, t) => t.capture(netcon.listConnections()));
    expect(value).toMatchObject({ ok: false, error: { code: 'REGDB_E_CLASSNOTREG', step: 'EnumEveryConnection' } });
    if (!value.ok) expect(value.error.message).toMatch(/service side is not installed here/);
  });
});

describe('COM security', () => {
  it('is set only when asked, once, at impersonate level, with a descriptor that lets in only SYSTEM, Administrators and the process\'s user', async () => {
    const { value, live } = await inWine({ fake: { connections: machine } }, async (netcon, t) => {
      const helper = t.nativeHelper();
      await netcon.listConnections(); // loads the addon; asks for no security
      const patched = helper.interceptCoInitializeSecurity(t.addonPath(), 0);
      const beforeAsking = helper.interceptedSecurityCalls().length;
      const first = await t.capture(netcon.initializeComSecurity());
      const again = await t.capture(netcon.initializeComSecurity());
      return { patched, beforeAsking, first, again, seen: helper.interceptedSecurityCalls(), user: helper.processUserSid(), live: t.live() };
    });
    expect(value.patched).toBe(true);
    expect(value.beforeAsking).toBe(0);
    expect(value.first).toEqual({ ok: true });
    expect(value.again).toEqual({ ok: true });
    expect(value.user).toMatch(/^S-1-5-21-/);
    // Owner and group the process's user; COM_RIGHTS_EXECUTE | COM_RIGHTS_EXECUTE_LOCAL (CC and
    // DC in SDDL) to local SYSTEM, the Administrators and that user, and to nobody else.
    // cAuthSvc -1, RPC_C_AUTHN_LEVEL_DEFAULT, RPC_C_IMP_LEVEL_IMPERSONATE, EOAC_NONE; the second
    // request had nothing to do.
    expect(value.seen).toEqual([
      { descriptor: `O:${value.user}G:${value.user}D:(A;;CCDC;;;SY)(A;;CCDC;;;BA)(A;;CCDC;;;${value.user})`, authServices: -1, authnLevel: 0, impLevel: 3, capabilities: 0 },
    ]);
    expect(live).toEqual({});
  });

  it('RPC_E_TOO_LATE is final for the process: an opted-in client reports it once, and its next ten calls go ahead without asking again', async () => {
    const { value, live } = await inWine({ fake: { connections: machine } }, async (netcon, t) => {
      const helper = t.nativeHelper();
      await netcon.listConnections(); // loads the addon, and (on Windows) sets COM's defaults
      // Make COM answer as Windows does once the process's security is set.
      const patched = helper.interceptCoInitializeSecurity(t.addonPath(), 0x80010119);
      const client = netcon.createClient({ comSecurity: 'impersonate' });
      const tooLate = await t.capture(client.listConnections());
      const later = [];
      for (let i = 0; i < 10; i++) later.push(await t.capture<unknown>(i % 2 ? client.disconnect('Ethernet') : client.listConnections()));
      const asked = await t.capture(netcon.initializeComSecurity());
      return { patched, tooLate, later, asked, calls: helper.interceptedSecurityCalls().length, live: t.live() };
    });
    expect(value.patched).toBe(true);
    const error = { name: 'ComSecurityTooLateError', code: 'RPC_E_TOO_LATE', hresult: 0x80010119, step: 'CoInitializeSecurity', operation: 'security' };
    expect(value.tooLate).toMatchObject({ ok: false, error });
    expect(value.later.filter((r) => !r.ok)).toEqual([]);
    expect(value.later).toHaveLength(10);
    // initializeComSecurity() itself still says so, from what COM answered the first time.
    expect(value.asked).toMatchObject({ ok: false, error });
    expect(value.calls).toBe(1);
    expect(live).toEqual({});
  });

  it('is asked for by the CLI, which owns its process, before its first COM call', async () => {
    // Wine's CoInitializeSecurity is a stub that traces its arguments: the trace shows the call.
    const out = await cliInWine(['list', '--json'], { fake: { connections: machine }, wineDebug: '-all,fixme+ole' });
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).map((c: { name: string }) => c.name)).toEqual(machine.map((c) => c.name));
    if (!native) {
      // (sd, which is not null, cAuthSvc -1, asAuthSvc, reserved, RPC_C_AUTHN_LEVEL_DEFAULT, RPC_C_IMP_LEVEL_IMPERSONATE, reserved, EOAC_NONE, reserved)
      expect(out.stderr).toMatch(/CoInitializeSecurity [0-9A-F]*[1-9A-F][0-9A-F]*, -1, 0+, 0+, 0, 3, 0+, 0, 0+ stub/);
      expect(out.stderr.match(/CoInitializeSecurity/g)).toHaveLength(1);
    }
  });
});

describe('a server that COM must reach through proxies (ThreadingModel=Apartment)', () => {
  it('works on Windows, and under Wine, which has no proxies for these interfaces, fails with a typed error naming the step', async () => {
    const { value, live } = await inWine({ fake: { connections: machine } }, async (netcon, t, progId) => {
      const client = netcon.createClient({ progId });
      return { list: await t.capture(client.listConnections()), live: t.live() };
    }, FAKE_SERVER_STA.progId);
    console.info('listing through proxies:', value.list.ok ? 'listed' : value.list.error.message);
    if (native) {
      expect(value.list).toMatchObject({ ok: true });
    } else {
      expect(value.list).toMatchObject({ ok: false, error: { code: 'E_NOINTERFACE', classes: expect.arrayContaining(['NoInterfaceError']) } });
      if (!value.list.ok) expect(value.list.error.step).toBeTruthy();
    }
    // COM itself asks the server for its class factory in the host apartment and may keep it
    // there; netcon never holds it. Everything netcon was handed is released.
    const { Factory: _kept, ...netconsObjects } = live;
    expect(netconsObjects).toEqual({});
  });
});
