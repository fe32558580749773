// netcon/testing's port mappings must answer as netcon over Windows does. One table of scripted
// failures (which COM step × which HRESULT) runs through createFakeClient here and through the
// addon under Wine against the COM test server scripted the same way; every call of every row
// must end alike on both, in the error's class, code, hresult and outcome, or in what it
// resolved with. The same calls in the same order run on both, so each change is seen by the
// calls after it on both sides.
import { describe, expect, it } from 'vitest';
import type { FakeConnectionInput, FakeFailure } from '../../src/fake-machine';
import { HRESULTS } from '../../src/hresults';
import { createFakeClient } from '../../src/testing';
import { ethernet, vpn } from '../../wine/connections';
import { inWine, type FakeConnection, type FakeSetup, type Settled } from '../../wine/run';

const CODES = ['ERROR_NOT_FOUND', 'RPC_E_DISCONNECTED', 'E_ACCESSDENIED', 'EVENT_E_ALL_SUBSCRIBERS_FAILED'] as const;
type Code = (typeof CODES)[number];

const GAME = { name: 'Game', protocol: 'udp', externalPort: 47123, internalPort: 47124, targetIPAddress: '192.168.137.20' } as const;
const WEB = { name: 'Web', protocol: 'tcp', externalPort: 8080, internalPort: 80, targetName: 'printer', enabled: true } as const;
// The VPN is shared as public with one mapping; Ethernet is shared as private.
const MACHINE: FakeConnection[] = [{ ...vpn, sharing: 'public', portMappings: [GAME] }, { ...ethernet, sharing: 'private' }];
const FAKE_MACHINE = MACHINE as FakeConnectionInput[];

type ComFault = NonNullable<FakeSetup['hresults']>[number];
type On = 'portMappings' | 'addPortMapping' | 'removePortMapping' | 'enablePortMapping' | 'disablePortMapping';
const ALL_ON: readonly On[] = ['portMappings', 'addPortMapping', 'removePortMapping', 'enablePortMapping', 'disablePortMapping'];
const READING: readonly On[] = ['portMappings', 'removePortMapping', 'enablePortMapping', 'disablePortMapping'];

/** Where the failure happens, on the VPN: as netcon/testing scripts it, and as the COM server does. */
const WHERE: Record<string, (hresult: number) => { fake: FakeFailure[]; com: ComFault[] }> = {
  'its sharing configuration': (hresult) => ({
    fake: ALL_ON.map((on) => ({ on, id: vpn.id, hresult, step: 'INetSharingConfigurationForINetConnection' })),
    com: [{ method: 'INetSharingConfigurationForINetConnection', hresult, id: vpn.id }],
  }),
  'the mappings’ enumeration': (hresult) => ({
    fake: READING.map((on) => ({ on, id: vpn.id, hresult, step: 'INetSharingConfiguration::get_EnumPortMappings' })),
    com: [{ method: 'EnumPortMappings', hresult, id: vpn.id }],
  }),
  'a mapping’s external port': (hresult) => ({
    fake: ALL_ON.map((on) => ({ on, id: vpn.id, hresult, step: 'INetSharingPortMappingProps::get_ExternalPort' })),
    com: [{ method: 'PortMapping.get_ExternalPort', hresult, id: vpn.id }],
  }),
  'AddPortMapping': (hresult) => ({ fake: [{ on: 'addPortMapping', id: vpn.id, hresult }], com: [{ method: 'AddPortMapping', hresult, id: vpn.id }] }),
  'Enable': (hresult) => ({
    fake: (['addPortMapping', 'enablePortMapping'] as const).map((on) => ({ on, id: vpn.id, hresult, step: 'INetSharingPortMapping::Enable' })),
    com: [{ method: 'PortMapping.Enable', hresult, id: vpn.id }],
  }),
  'Disable': (hresult) => ({ fake: [{ on: 'disablePortMapping', id: vpn.id, hresult }], com: [{ method: 'PortMapping.Disable', hresult, id: vpn.id }] }),
  'RemovePortMapping': (hresult) => ({ fake: [{ on: 'removePortMapping', id: vpn.id, hresult }], com: [{ method: 'RemovePortMapping', hresult, id: vpn.id }] }),
};

/** The calls of each row, in order, on both sides. */
const CALLS: [string, string, unknown?][] = [
  ['listPortMappings', vpn.id],
  ['addPortMapping', vpn.id, WEB],
  ['disablePortMapping', vpn.id, 'Game'],
  ['enablePortMapping', vpn.id, 'Game'],
  ['removePortMapping', vpn.id, { protocol: 'udp', externalPort: 47123 }],
  ['listPortMappings', vpn.id],
  ['listPortMappings', ethernet.id],
  ['addPortMapping', ethernet.id, WEB],
];

interface Row {
  name: string;
  fake: FakeFailure[];
  com: ComFault[];
}
const ROWS: Row[] = [
  { name: 'no failure', fake: [], com: [] },
  ...Object.entries(WHERE).flatMap(([where, script]) => CODES.map((code) => ({ name: `${code} at ${where}`, ...script(HRESULTS[code].hresult) }))),
];

/** How a call ended: what it resolved with, or the error. */
type Ending = { resolved: unknown } | { name: string; code?: string; hresult?: number; outcome?: string; step?: string };

function ending(settled: Settled<unknown>): Ending {
  if (settled.ok) return { resolved: settled.value };
  const { name, code, hresult, outcome, step } = settled.error;
  return JSON.parse(JSON.stringify({ name, code, hresult, outcome, step })) as Ending;
}

async function settle(promise: Promise<unknown>): Promise<Settled<unknown>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    const { name, message, code, hresult, outcome, step } = error as Error & { code?: string; hresult?: number; outcome?: string; step?: string };
    return { ok: false, error: { name, message, code, hresult, outcome, step, classes: [] } };
  }
}

describe('netcon/testing’s port mappings against the addon under Wine', () => {
  it(`ends each of ${CALLS.length} calls alike in ${ROWS.length} rows of scripted failures`, async () => {
    const fakeEndings: Ending[][] = [];
    for (const row of ROWS) {
      const client = createFakeClient({ connections: FAKE_MACHINE, failures: row.fake }) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      const endings: Ending[] = [];
      for (const [method, ...args] of CALLS) endings.push(ending(await settle(client[method](...args))));
      fakeEndings.push(endings);
    }

    const { value, live } = await inWine({}, async (netcon, t, input) => {
      const api = netcon as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      const rows = [];
      for (const com of input.rows) {
        t.configure({ connections: input.machine, hresults: com });
        const settled = [];
        for (const [method, ...args] of input.calls) settled.push(await t.capture(api[method](...args)));
        rows.push(settled);
      }
      return rows;
    }, { rows: ROWS.map((row) => row.com), machine: MACHINE, calls: CALLS });

    const cells = ROWS.flatMap((row, r) => CALLS.map(([method, id], c) => ({ row: row.name, call: `${method} ${id === vpn.id ? 'VPN' : 'Ethernet'} #${c}`, fake: fakeEndings[r][c], addon: ending(value[r][c]) })));
    expect(cells.map(({ row, call, addon }) => ({ row, call, ending: addon }))).toEqual(cells.map(({ row, call, fake }) => ({ row, call, ending: fake })));
    expect(live).toEqual({});

    // And as netcon's rules say, where no failure is scripted.
    const clean = fakeEndings[0];
    expect(clean[0]).toEqual({ resolved: [expect.objectContaining({ name: 'Game', externalPort: 47123, enabled: false })] });
    expect(clean[1]).toEqual({ resolved: expect.objectContaining({ name: 'Web', enabled: true }) });
    expect(clean[5]).toEqual({ resolved: [expect.objectContaining({ name: 'Web' })] });
    expect(clean[6]).toEqual({ resolved: [] });
    expect(clean[7]).toMatchObject({ code: 'ERR_CONNECTION_NOT_SHARED_AS_PUBLIC' });
  });
});
