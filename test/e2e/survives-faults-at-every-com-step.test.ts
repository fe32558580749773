import { describe, expect, it } from 'vitest';
import { HRESULTS } from '../../src/errors';
import { ethernet, vpn } from './support/fixtures';
import { inWine, type FakeSetup } from './support/wine';

// Every COM step netcon takes, failed with every HRESULT of the error table, in one Windows
// node.exe per operation. Each case must reject with the right class, code, hresult, step and
// operation, and leave no fake object alive and no call on a released one (zombies mode).

/** The fake's scriptable method → the step netcon names in the error. */
const WALK = {
  CreateInstance: 'CoCreateInstance',
  EnumEveryConnection: 'EnumEveryConnection',
  _NewEnum: 'INetSharingEveryConnectionCollection::_NewEnum',
  'QueryInterface(IEnumVARIANT)': 'QueryInterface(IEnumVARIANT)',
  Next: 'IEnumVARIANT::Next',
  'QueryInterface(INetConnection)': 'QueryInterface(INetConnection)',
  NetConnectionProps: 'NetConnectionProps',
  get_Guid: 'INetConnectionProps::get_Guid',
} as const;
const READ_FOR_ACTION = { get_Name: 'INetConnectionProps::get_Name' } as const;
const READ_FOR_LIST = {
  get_Name: 'INetConnectionProps::get_Name',
  get_DeviceName: 'INetConnectionProps::get_DeviceName',
  get_Status: 'INetConnectionProps::get_Status',
  get_MediaType: 'INetConnectionProps::get_MediaType',
  get_Characteristics: 'INetConnectionProps::get_Characteristics',
} as const;

const steps = {
  list: { ...WALK, ...READ_FOR_LIST },
  disconnect: { ...WALK, ...READ_FOR_ACTION, Disconnect: 'INetConnection::Disconnect' },
  connect: { ...WALK, ...READ_FOR_ACTION, Connect: 'INetConnection::Connect' },
};
type Operation = keyof typeof steps;

const codes = Object.entries(HRESULTS).map(([code, entry]) => ({ code, hresult: entry.hresult, cls: entry.ErrorClass.name }));

interface Case {
  method: string;
  hresult: number;
}

describe.each(Object.keys(steps) as Operation[])('%s with a fault at each COM step', (operation) => {
  const cases: Case[] = Object.keys(steps[operation]).flatMap((method) => codes.map(({ hresult }) => ({ method, hresult })));

  it(`rejects each of ${Object.keys(steps[operation]).length} steps × ${codes.length} HRESULTs precisely, leaking nothing`, async () => {
    const { value, exitCode } = await inWine({}, async (netcon, t, input) => {
      const results = [];
      for (const c of input.cases) {
        t.configure({ zombies: true, connections: input.connections, hresults: [{ method: c.method, hresult: c.hresult }] } as FakeSetup);
        t.clearLog();
        const call: Promise<unknown> =
          input.operation === 'list'
            ? netcon.listConnections()
            : netcon[input.operation as 'disconnect' | 'connect'](input.target);
        const settled = await t.capture(call);
        results.push({
          method: c.method,
          hresult: c.hresult,
          error: settled.ok ? null : settled.error,
          live: t.live(),
          warnings: t.warnings(),
        });
      }
      return results;
    }, { cases, operation, connections: [ethernet, vpn], target: vpn.id });

    expect(exitCode).toBe(0);
    const byHresult = new Map(codes.map((c) => [c.hresult, c]));
    const actual = value.map((r) => ({
      fault: `${r.method} ${r.hresult.toString(16)}`,
      code: r.error?.code,
      hresult: r.error?.hresult,
      step: r.error?.step,
      operation: r.error?.operation,
      isItsClass: r.error?.classes.includes(byHresult.get(r.hresult)!.cls),
      live: r.live,
      warnings: r.warnings,
    }));
    const expected = cases.map((c) => ({
      fault: `${c.method} ${c.hresult.toString(16)}`,
      code: byHresult.get(c.hresult)!.code,
      hresult: c.hresult,
      step: (steps[operation] as Record<string, string>)[c.method],
      operation,
      isItsClass: true,
      live: {},
      warnings: [],
    }));
    expect(actual).toEqual(expected);
    // The action's own step names the connection it was acting on.
    for (const r of value.filter((r) => r.method === 'Disconnect' || r.method === 'Connect')) {
      expect(r.error?.connection).toEqual({ id: vpn.id, name: vpn.name });
    }
  });
});

describe('CLSIDFromProgID', () => {
  it('rejects an unknown ProgID with CO_E_CLASSSTRING, calling nothing', async () => {
    const { value, calls, live } = await inWine({ fake: { connections: [ethernet] } }, async (netcon, t, input) => {
      const client = netcon.createClient({ progId: 'NetCon.NoSuchServer' });
      const calls: Promise<unknown>[] = [client.listConnections(), client.disconnect('Ethernet'), client.connect(input.id)];
      return Promise.all(calls.map((p) => t.capture(p)));
    }, { id: ethernet.id });
    for (const [settled, operation] of value.map((v, i) => [v, ['list', 'disconnect', 'connect'][i]] as const)) {
      expect(settled).toMatchObject({ ok: false, error: { code: 'CO_E_CLASSSTRING', hresult: 0x800401f3, step: 'CLSIDFromProgID', operation } });
    }
    expect(calls).toEqual([]);
    expect(live).toEqual({});
  });
});
