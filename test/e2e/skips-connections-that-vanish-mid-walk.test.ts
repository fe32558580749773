import { describe, expect, it } from 'vitest';
import { ethernet, machine, vpn } from '../../wine/connections';
import { inWine } from '../../wine/run';

// On real machines USB, Hyper-V and VPN adapters disappear while they are being enumerated:
// that connection's next call answers "not found" or finds its object gone. netcon treats it
// as not there: a list leaves it out, an action on it is ERR_CONNECTION_NOT_FOUND. Any other
// failure still fails the call, and so does a service that is unreachable
// (RPC_S_SERVER_UNAVAILABLE): a list without its connections would be a false one.
const VANISHED = { ERROR_NOT_FOUND: 0x80070490, RPC_E_DISCONNECTED: 0x80010108 };
const RPC_S_SERVER_UNAVAILABLE = 0x800706ba;
const E_NOTIMPL = 0x80004001;
const gettersOnly = { method: 'GetProperties', hresult: E_NOTIMPL };
// Each step at which the VPN can vanish, with what else the fake must answer to reach it.
const STEPS: Record<string, { hresult: number; method: string; id?: string }[]> = {
  'QueryInterface(INetConnection)': [],
  GetProperties: [],
  NetConnectionProps: [gettersOnly],
  get_Guid: [gettersOnly],
  get_Name: [gettersOnly],
  get_Status: [gettersOnly],
};

describe('a connection that vanishes during the walk', () => {
  it('is left out of a list and not found by an action, at every step and with each answer', async () => {
    const scenarios = Object.entries(STEPS).flatMap(([method, extra]) =>
      Object.entries(VANISHED).map(([code, hresult]) => ({ name: `${method} ${code}`, hresults: [{ method, hresult, id: vpn.id }, ...extra] })),
    );
    const { value, live } = await inWine({}, async (netcon, t, input) => {
      const results: Record<string, unknown> = {};
      for (const s of input.scenarios) {
        t.configure({ connections: input.machine, hresults: s.hresults, zombies: true });
        const listed = await t.capture(netcon.listConnections());
        const vpnAction = await t.capture(netcon.disconnect(input.vpn));
        const other = await t.capture(netcon.disconnect(input.ethernet));
        results[s.name] = {
          listed: listed.ok ? listed.value.map((c) => c.name) : listed.error.code,
          vpn: vpnAction.ok ? 'acted' : vpnAction.error.code,
          other: other.ok ? 'acted' : other.error.code,
          warnings: t.warnings(),
        };
      }
      return results;
    }, { scenarios, machine, vpn: vpn.id, ethernet: ethernet.id });
    const others = machine.filter((c) => c.id !== vpn.id).map((c) => c.name);
    for (const s of scenarios) {
      // An action reads only the GUID and the name; a status it never asks for cannot fail it.
      const vpnAction = s.hresults[0].method === 'get_Status' ? 'acted' : 'ERR_CONNECTION_NOT_FOUND';
      expect(value[s.name], s.name).toEqual({ listed: others, vpn: vpnAction, other: 'acted', warnings: [] });
    }
    expect(live).toEqual({});
  });

  it('is not found when it goes away at the Disconnect itself', async () => {
    const fake = { connections: machine, hresults: [{ method: 'Disconnect', hresult: VANISHED.ERROR_NOT_FOUND, id: vpn.id }] };
    const { value, live } = await inWine({ fake }, async (netcon, t, id) => t.capture(netcon.disconnect(id)), vpn.id);
    expect(value).toMatchObject({ ok: false, error: { code: 'ERR_CONNECTION_NOT_FOUND', target: vpn.id } });
    expect(live).toEqual({});
  });

  it('is told apart from a Network Connections service that is unreachable, which fails a list and an action\'s walk', async () => {
    // The VPN first, so that the walk to Ethernet reads it.
    const fake = { connections: [vpn, ethernet], hresults: [{ method: 'GetProperties', hresult: RPC_S_SERVER_UNAVAILABLE, id: vpn.id }] };
    const { value, live } = await inWine({ fake }, async (netcon, t, id) => ({
      list: await t.capture(netcon.listConnections()),
      sharing: await t.capture(netcon.listSharing()),
      disconnect: await t.capture(netcon.disconnect(id)),
    }), ethernet.id);
    const error = { name: 'ServerUnavailableError', code: 'RPC_S_SERVER_UNAVAILABLE', hresult: RPC_S_SERVER_UNAVAILABLE, step: 'INetConnection::GetProperties' };
    expect(value.list).toMatchObject({ ok: false, error: { ...error, operation: 'list' } });
    expect(value.sharing).toMatchObject({ ok: false, error: { ...error, operation: 'sharing' } });
    // The service's answer on the way fails the action, which never ran: its outcome is not in doubt.
    expect(value.disconnect).toMatchObject({ ok: false, error: { ...error, operation: 'disconnect' } });
    if (!value.disconnect.ok) expect(value.disconnect.error.outcome).toBeUndefined();
    expect(live).toEqual({});
  });

  it('is not what an action\'s own call answers with RPC_E_DISCONNECTED or RPC_S_SERVER_UNAVAILABLE: Windows may have acted', async () => {
    const scenarios = ['Disconnect', 'Connect', 'Rename', 'EnableSharing', 'DisableSharing'].flatMap((method) =>
      [VANISHED.RPC_E_DISCONNECTED, RPC_S_SERVER_UNAVAILABLE].map((hresult) => ({ method, hresult })),
    );
    const { value, live } = await inWine({}, async (netcon, t, input) => {
      const results = [];
      for (const s of input.scenarios) {
        t.configure({ connections: input.machine, hresults: [{ method: s.method, hresult: s.hresult, id: input.vpn }] });
        const call: Promise<unknown> =
          s.method === 'Disconnect' ? netcon.disconnect(input.vpn)
          : s.method === 'Connect' ? netcon.connect(input.vpn)
          : s.method === 'Rename' ? netcon.rename(input.vpn, 'VPN renamed')
          : s.method === 'EnableSharing' ? netcon.enableSharing(input.vpn, 'private')
          : netcon.disableSharing(input.vpn);
        const settled = await t.capture(call);
        results.push({ ...s, error: settled.ok ? null : { code: settled.error.code, step: settled.error.step, outcome: settled.error.outcome, message: settled.error.message } });
      }
      return results;
    }, { scenarios, machine, vpn: vpn.id });
    const stepOf = (method: string) => (method.endsWith('Sharing') ? `INetSharingConfiguration::${method}` : `INetConnection::${method}`);
    for (const r of value) {
      expect(r.error, `${r.method} ${r.hresult.toString(16)}`).toMatchObject({
        code: r.hresult === RPC_S_SERVER_UNAVAILABLE ? 'RPC_S_SERVER_UNAVAILABLE' : 'RPC_E_DISCONNECTED',
        step: stepOf(r.method),
        outcome: 'unknown',
      });
      expect(r.error?.message).toMatch(/Windows may have acted before it stopped answering: check the connection before retrying\.$/);
    }
    expect(live).toEqual({});
  });

  it('is told apart from any other failure, which still fails the call', async () => {
    const fake = { connections: machine, hresults: [{ method: 'GetProperties', hresult: 0x80004005, id: vpn.id }] };
    const { value, live } = await inWine({ fake }, async (netcon, t) => t.capture(netcon.listConnections()));
    expect(value).toMatchObject({ ok: false, error: { code: 'E_FAIL', step: 'INetConnection::GetProperties', operation: 'list' } });
    expect(live).toEqual({});
  });
});
