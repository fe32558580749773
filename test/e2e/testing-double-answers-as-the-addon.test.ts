// netcon/testing must answer as netcon over Windows does. One table of scripted COM failures
// (where it happens × which HRESULT) runs through createFakeClient here and through the addon
// under Wine, with the fake COM server scripted the same way. Every call of every row must end
// alike on both, in the error's class, code, hresult and outcome or in the ids listed, and as
// netcon's rules say (`expected`), so that both cannot agree on a wrong answer.
import { describe, expect, it } from 'vitest';
import type { FakeConnectionInput, FakeFailure } from '../../src/fake-machine';
import { HRESULTS } from '../../src/hresults';
import { createFakeClient } from '../../src/testing';
import { ethernet, vpn } from '../../wine/connections';
import { inWine, type FakeConnection, type FakeSetup, type Settled } from '../../wine/run';

const CODES = ['ERROR_NOT_FOUND', 'RPC_E_DISCONNECTED', 'RPC_S_SERVER_UNAVAILABLE', 'RPC_E_CALL_CANCELED', 'E_ACCESSDENIED'] as const;
type Code = (typeof CODES)[number];
// On one connection while netcon walks them: that connection is gone.
const GONE: readonly Code[] = ['ERROR_NOT_FOUND', 'RPC_E_DISCONNECTED'];
// From an action's own call: Windows may have acted before the call failed.
const LEFT_OPEN: readonly Code[] = ['RPC_E_DISCONNECTED', 'RPC_S_SERVER_UNAVAILABLE', 'RPC_E_CALL_CANCELED'];

// The VPN first, so that a failure reading it meets every walk, the one to the others too.
const loopback: FakeConnection = { ...ethernet, id: '{11111111-2222-4333-8444-555555555555}', name: 'Loopback' };
const MACHINE = [vpn, ethernet, loopback];
// Loopback is a connection Windows cannot share: the fake machine says so, the COM server
// answers E_NOINTERFACE for its sharing configuration.
const FAKE_MACHINE: FakeConnectionInput[] = [vpn, ethernet, { ...loopback, shareable: false }];
const NOT_SHAREABLE = { method: 'INetSharingConfigurationForINetConnection', hresult: HRESULTS.E_NOINTERFACE.hresult, id: loopback.id };

type ComFault = NonNullable<FakeSetup['hresults']>[number];
const CONFIGURATION_STEP = 'INetSharingConfigurationForINetConnection';
const OWN_CALLS = [
  ['disconnect', 'Disconnect'],
  ['connect', 'Connect'],
  ['enableSharing', 'EnableSharing'],
  ['disableSharing', 'DisableSharing'],
  ['rename', 'Rename'],
] as const;

/** Where the failure happens: as netcon/testing scripts it, and as the COM server does. */
const WHERE: Record<string, (hresult: number) => { fake: FakeFailure[]; com: ComFault[] }> = {
  'the walk': (hresult) => ({ fake: [{ on: 'list', hresult }], com: [{ method: 'EnumEveryConnection', hresult }] }),
  'reading the VPN': (hresult) => ({ fake: [{ on: 'list', id: vpn.id, hresult }], com: [{ method: 'GetProperties', hresult, id: vpn.id }] }),
  'reading every connection': (hresult) => ({
    fake: [{ on: 'list', hresult, step: 'INetConnection::GetProperties' }],
    com: [{ method: 'GetProperties', hresult }],
  }),
  "reading the VPN's sharing": (hresult) => ({ fake: [{ on: 'sharing', id: vpn.id, hresult }], com: [{ method: 'get_SharingEnabled', hresult, id: vpn.id }] }),
  "the VPN's sharing configuration": (hresult) => ({
    fake: (['sharing', 'enableSharing', 'disableSharing'] as const).map((on) => ({ on, id: vpn.id, hresult, step: CONFIGURATION_STEP })),
    com: [{ method: CONFIGURATION_STEP, hresult, id: vpn.id }],
  }),
  "the VPN's own calls": (hresult) => ({
    fake: OWN_CALLS.map(([on]) => ({ on, id: vpn.id, hresult })),
    com: OWN_CALLS.map(([, method]) => ({ method, hresult, id: vpn.id })),
  }),
};

/** The calls each row makes, in this order, on both sides: a method of netcon and its arguments. */
const CALLS: [string, ...string[]][] = [
  ['listConnections'],
  ['listSharing'],
  ['disconnect', vpn.id],
  ['connect', vpn.id],
  ['disconnect', ethernet.id],
  ['enableSharing', vpn.id, 'public'],
  ['disableSharing', vpn.id],
  ['rename', vpn.id, 'VPN 2'],
  ['enableSharing', loopback.id, 'private'],
  ['disableSharing', loopback.id],
];
const NAMES = new Map(MACHINE.map((c) => [c.id, c.name]));
const callName = ([method, id]: readonly string[]) => (id ? `${method} ${NAMES.get(id)}` : method);

interface Row {
  name: string;
  where?: string;
  code?: Code;
  fake: FakeFailure[];
  com: ComFault[];
}
const ROWS: Row[] = [
  { name: 'no failure', fake: [], com: [] },
  ...Object.entries(WHERE).flatMap(([where, script]) =>
    CODES.map((code) => ({ name: `${code} at ${where}`, where, code, ...script(HRESULTS[code].hresult) })),
  ),
];

/** How a call ended: the ids a list gave, 'ok' for anything else, or the error. */
type Ending = { listed: string[] } | 'ok' | { name: string; code?: string; hresult?: number; outcome?: string };

function ending(settled: Settled<unknown>): Ending {
  if (settled.ok) return Array.isArray(settled.value) ? { listed: settled.value.map((c: { id: string }) => c.id) } : 'ok';
  const { name, code, hresult, outcome } = settled.error;
  return JSON.parse(JSON.stringify({ name, code, hresult, outcome })) as Ending;
}

async function settle(promise: Promise<unknown>): Promise<Settled<unknown>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    const { name, message, code, hresult, outcome } = error as Error & { code?: string; hresult?: number; outcome?: string };
    return { ok: false, error: { name, message, code, hresult, outcome, classes: [] } };
  }
}

const ALL = MACHINE.map((c) => c.id);
const OTHERS = ALL.filter((id) => id !== vpn.id);
const notFound: Ending = { name: 'ConnectionNotFoundError', code: 'ERR_CONNECTION_NOT_FOUND' };
const notShareable: Ending = { name: 'ConnectionNotShareableError', code: 'ERR_CONNECTION_NOT_SHAREABLE' };
const failure = (code: Code, outcome?: 'unknown'): Ending => ({
  name: HRESULTS[code].ErrorClass.name,
  code,
  hresult: HRESULTS[code].hresult,
  ...(outcome ? { outcome } : {}),
});

// netcon's rules: what a call must end with when `code` fails at `where`.
function expected({ where, code }: Row, [method, id]: readonly string[]): Ending {
  const listing = method === 'listConnections' || method === 'listSharing';
  const onVpn = id === vpn.id;
  const fallback: Ending = listing ? { listed: ALL } : id === loopback.id && method.endsWith('Sharing') ? notShareable : 'ok';
  if (!where || !code) return fallback;
  const gone = GONE.includes(code);
  // What a read that fails on the VPN leaves: the list without it, or the list's failure.
  const readFails = (alsoOnVpn: Ending) => (!gone ? failure(code) : listing ? { listed: OTHERS } : onVpn ? alsoOnVpn : fallback);
  switch (where) {
    case 'the walk':
      return failure(code);
    case 'reading the VPN':
      return readFails(notFound);
    case 'reading every connection':
      return gone ? (listing ? { listed: [] } : notFound) : failure(code);
    case "reading the VPN's sharing":
    case "the VPN's sharing configuration": {
      // Read by listSharing and by enableSharing before its change; disableSharing by GUID reads nothing.
      if (method === 'listSharing' || method === 'enableSharing') return readFails(notFound);
      const ownStep = where === "the VPN's sharing configuration" && method === 'disableSharing' && onVpn;
      if (ownStep) return code === 'ERROR_NOT_FOUND' ? notFound : failure(code);
      return fallback;
    }
    case "the VPN's own calls":
      if (listing || !onVpn) return fallback;
      return code === 'ERROR_NOT_FOUND' ? notFound : failure(code, LEFT_OPEN.includes(code) ? 'unknown' : undefined);
    default:
      throw new Error(`no rule for ${where}`);
  }
}

describe('netcon/testing against the addon under Wine', () => {
  it(`ends each of ${CALLS.length} calls alike in ${ROWS.length} rows of scripted failures, as netcon's rules say`, async () => {
    const fakeEndings: Ending[][] = [];
    for (const row of ROWS) {
      const client = createFakeClient({ connections: FAKE_MACHINE, failures: row.fake }) as unknown as Record<string, (...args: string[]) => Promise<unknown>>;
      const endings: Ending[] = [];
      for (const [method, ...args] of CALLS) endings.push(ending(await settle(client[method](...args))));
      fakeEndings.push(endings);
    }

    const { value } = await inWine({}, async (netcon, t, input) => {
      const api = netcon as unknown as Record<string, (...args: string[]) => Promise<unknown>>;
      const rows = [];
      for (const com of input.rows) {
        t.configure({ connections: input.machine, hresults: [input.notShareable, ...com] });
        const settled = [];
        for (const [method, ...args] of input.calls) settled.push(await t.capture(api[method](...args)));
        rows.push(settled);
      }
      return rows;
    }, { rows: ROWS.map((row) => row.com), machine: MACHINE, calls: CALLS, notShareable: NOT_SHAREABLE });

    const cells = ROWS.flatMap((row, r) => CALLS.map((call, c) => ({ row: row.name, call: callName(call), fake: fakeEndings[r][c], addon: ending(value[r][c]), want: expected(row, call) })));
    expect(cells.map(({ row, call, fake, addon }) => ({ row, call, fake, addon }))).toEqual(
      cells.map(({ row, call, want }) => ({ row, call, fake: want, addon: want })),
    );
  });
});
