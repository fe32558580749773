import { describe, expect, it } from 'vitest';
import { HRESULTS } from '../../src/hresults';
import { ethernet, vpn } from '../../wine/connections';
import { inWine, type FakeSetup } from '../../wine/run';

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
  GetProperties: 'INetConnection::GetProperties',
} as const;
// Only read where GetProperties is not implemented (scripted E_NOTIMPL alongside the fault).
const GETTERS_FOR_ACTION = {
  NetConnectionProps: 'NetConnectionProps',
  get_Guid: 'INetConnectionProps::get_Guid',
  get_Name: 'INetConnectionProps::get_Name',
} as const;
const GETTERS_FOR_LIST = {
  ...GETTERS_FOR_ACTION,
  get_DeviceName: 'INetConnectionProps::get_DeviceName',
  get_Status: 'INetConnectionProps::get_Status',
  get_MediaType: 'INetConnectionProps::get_MediaType',
  get_Characteristics: 'INetConnectionProps::get_Characteristics',
} as const;

// Reading back the copy a Duplicate made: GetProperties scripted on the copy's GUID alone.
const COPY_READ = 'GetProperties (the duplicate)';
const COPY_ID = '{D0C0FFEE-0000-4000-8000-00000000C0DE}';

// deleteConnection and duplicateConnection list first (their characteristics are checked before
// any change), so every getter of a list is one of their steps too.
const steps = {
  list: { ...WALK, ...GETTERS_FOR_LIST },
  disconnect: { ...WALK, ...GETTERS_FOR_ACTION, Disconnect: 'INetConnection::Disconnect' },
  connect: { ...WALK, ...GETTERS_FOR_ACTION, Connect: 'INetConnection::Connect' },
  delete: { ...WALK, ...GETTERS_FOR_LIST, Delete: 'INetConnection::Delete' },
  duplicate: { ...WALK, ...GETTERS_FOR_LIST, Duplicate: 'INetConnection::Duplicate', [COPY_READ]: 'INetConnection::GetProperties (the duplicate)' },
};
type Operation = keyof typeof steps;

// A read of one connection: ERROR_NOT_FOUND or RPC_E_DISCONNECTED there means it vanished.
// RPC_S_SERVER_UNAVAILABLE means the service is unreachable, and fails the call.
const READS_ONE = new Set(['QueryInterface(INetConnection)', 'GetProperties', ...Object.keys(GETTERS_FOR_LIST)]);
const VANISHED = new Set([0x80070490, 0x80010108]);
// The action's own call: only ERROR_NOT_FOUND says the connection was gone before it. These
// leave open whether Windows acted.
const ACTIONS = new Set(['Disconnect', 'Connect', 'Delete', 'Duplicate']);
const NOT_FOUND = 0x80070490;
const LEFT_OPEN = new Set([0x80010108, 0x800706ba, 0x80010002, 0x8007071a]);
const E_NOTIMPL = 0x80004001;
const E_NOINTERFACE = 0x80004002;
// The VPN as an entry Windows lets one delete and duplicate.
const entry = { ...vpn, characteristics: (vpn.characteristics ?? 0) | 0x2 | 0x4 };

const codes = Object.entries(HRESULTS).map(([code, entry]) => ({ code, hresult: entry.hresult, cls: entry.ErrorClass.name }));

interface Case {
  method: string;
  hresult: number;
}

// What netcon must make of one fault: the typed error, or what real Windows' answers mean
// (a connection that vanished meanwhile is not listed, and is not found to act on; a
// GetProperties that is not implemented is read with the getters instead).
function expectedOutcome(operation: Operation, c: Case) {
  // The copy exists whatever reading it back answered, unless the getters could read it instead.
  if (c.method === COPY_READ) {
    if (c.hresult === E_NOTIMPL || c.hresult === E_NOINTERFACE) return { code: 'S_OK' };
    const known = codes.find((k) => k.hresult === c.hresult)!;
    return { code: known.code, hresult: c.hresult, step: steps.duplicate[COPY_READ], operation, cls: known.cls, outcome: 'made' };
  }
  if (READS_ONE.has(c.method) && VANISHED.has(c.hresult)) return operation === 'list' ? { listed: 0 } : { code: 'ERR_CONNECTION_NOT_FOUND' };
  if (ACTIONS.has(c.method) && c.hresult === NOT_FOUND) return { code: 'ERR_CONNECTION_NOT_FOUND' };
  if (c.method === 'GetProperties' && (c.hresult === E_NOTIMPL || c.hresult === E_NOINTERFACE)) return operation === 'list' ? { listed: 2 } : { code: 'S_OK' };
  const known = codes.find((k) => k.hresult === c.hresult)!;
  const outcome = ACTIONS.has(c.method) && LEFT_OPEN.has(c.hresult) ? 'unknown' : undefined;
  return { code: known.code, hresult: c.hresult, step: (steps[operation] as Record<string, string>)[c.method], operation, cls: known.cls, outcome };
}

describe.each(Object.keys(steps) as Operation[])('%s with a fault at each COM step', (operation) => {
  const cases: Case[] = Object.keys(steps[operation]).flatMap((method) => codes.map(({ hresult }) => ({ method, hresult })));

  it(`rejects each of ${Object.keys(steps[operation]).length} steps × ${codes.length} HRESULTs precisely, leaking nothing`, async () => {
    const { value, exitCode } = await inWine({}, async (netcon, t, input) => {
      const results = [];
      for (const c of input.cases) {
        const hresults: { method: string; hresult: number; id?: string }[] =
          c.method === input.copyRead ? [{ method: 'GetProperties', hresult: c.hresult, id: input.copyId }] : [{ method: c.method, hresult: c.hresult }];
        if (input.getters.includes(c.method)) hresults.push({ method: 'GetProperties', hresult: 0x80004001 });
        t.configure({ zombies: true, connections: input.connections, hresults, copyId: input.copyId } as FakeSetup);
        t.clearLog();
        const call: Promise<unknown> =
          input.operation === 'list'
            ? netcon.listConnections()
            : input.operation === 'delete'
              ? netcon.deleteConnection(input.target)
              : input.operation === 'duplicate'
                ? netcon.duplicateConnection(input.target, 'VPN copy')
                : netcon[input.operation as 'disconnect' | 'connect'](input.target);
        const settled = await t.capture(call);
        results.push({
          method: c.method,
          hresult: c.hresult,
          value: settled.ok ? settled.value : null,
          error: settled.ok ? null : settled.error,
          live: t.live(),
          warnings: t.warnings(),
        });
      }
      return results;
    }, { cases, operation, connections: [ethernet, entry], target: vpn.id, getters: Object.keys(GETTERS_FOR_LIST), copyRead: COPY_READ, copyId: COPY_ID });

    expect(exitCode).toBe(0);
    const actual = value.map((r) => {
      const want = expectedOutcome(operation, r);
      const outcome = r.error
        ? { code: r.error.code, hresult: r.error.hresult, step: r.error.step, operation: r.error.operation, cls: 'cls' in want ? (r.error.classes.includes(want.cls!) ? want.cls : r.error.classes.join()) : undefined, outcome: r.error.outcome }
        : Array.isArray(r.value) ? { listed: r.value.length } : { code: (r.value as { code?: string }).code ?? 'S_OK' };
      return { fault: `${r.method} ${r.hresult.toString(16)}`, ...outcome, live: r.live, warnings: r.warnings };
    });
    const expected = cases.map((c) => ({ fault: `${c.method} ${c.hresult.toString(16)}`, ...expectedOutcome(operation, c), live: {}, warnings: [] }));
    expect(actual).toEqual(expected);
    // The action's own step names the connection it was acting on.
    for (const r of value.filter((r) => (ACTIONS.has(r.method) || r.method === COPY_READ) && r.error?.hresult)) {
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

// Port mappings (native/port_mappings.cc): every step after the connection is found, failed with
// every HRESULT of the table. The fake's method → the step netcon names. The read that each
// change starts with makes the same calls, so a fault in it carries the same step name.
const CONFIGURATION = { INetSharingConfigurationForINetConnection: 'INetSharingConfigurationForINetConnection' } as const;
const MAPPING_WALK = {
  EnumPortMappings: 'INetSharingConfiguration::get_EnumPortMappings',
  'PortMappings._NewEnum': 'INetSharingPortMappingCollection::_NewEnum',
  'PortMappings.QueryInterface(IEnumVARIANT)': 'QueryInterface(IEnumVARIANT)',
  'PortMappings.Next': 'IEnumVARIANT::Next',
} as const;
const MAPPING_PROPS = {
  'PortMapping.get_Properties': 'INetSharingPortMapping::get_Properties',
  'PortMapping.get_Name': 'INetSharingPortMappingProps::get_Name',
  'PortMapping.get_IPProtocol': 'INetSharingPortMappingProps::get_IPProtocol',
  'PortMapping.get_ExternalPort': 'INetSharingPortMappingProps::get_ExternalPort',
  'PortMapping.get_InternalPort': 'INetSharingPortMappingProps::get_InternalPort',
  'PortMapping.get_Options': 'INetSharingPortMappingProps::get_Options',
  'PortMapping.get_TargetName': 'INetSharingPortMappingProps::get_TargetName',
  'PortMapping.get_TargetIPAddress': 'INetSharingPortMappingProps::get_TargetIPAddress',
  'PortMapping.get_Enabled': 'INetSharingPortMappingProps::get_Enabled',
} as const;
const MAPPING_READ = { ...MAPPING_WALK, 'QueryInterface(INetSharingPortMapping)': 'QueryInterface(INetSharingPortMapping)', ...MAPPING_PROPS } as const;
const portSteps = {
  listPortMappings: {
    ...CONFIGURATION,
    get_SharingEnabled: 'INetSharingConfiguration::get_SharingEnabled',
    get_SharingConnectionType: 'INetSharingConfiguration::get_SharingConnectionType',
    ...MAPPING_READ,
  },
  // On a connection with no mapping yet: the read before reaches only the walk.
  addPortMapping: { ...CONFIGURATION, AddPortMapping: 'INetSharingConfiguration::AddPortMapping', 'PortMapping.Enable': 'INetSharingPortMapping::Enable', ...MAPPING_PROPS },
  removePortMapping: { ...CONFIGURATION, ...MAPPING_READ, RemovePortMapping: 'INetSharingConfiguration::RemovePortMapping' },
  enablePortMapping: { ...CONFIGURATION, ...MAPPING_READ, 'PortMapping.Enable': 'INetSharingPortMapping::Enable' },
  disablePortMapping: { ...CONFIGURATION, ...MAPPING_READ, 'PortMapping.Disable': 'INetSharingPortMapping::Disable' },
};
type PortOperation = keyof typeof portSteps;
const PORT_ACTIONS = new Set(['AddPortMapping', 'RemovePortMapping', 'PortMapping.Enable', 'PortMapping.Disable']);
const ALREADY_THERE = new Set([0x80071392, 0x800700b7]);

// What reading one mapping in the walk makes: ERROR_NOT_FOUND there is that mapping gone.
const READS_A_MAPPING = new Set(['QueryInterface(INetSharingPortMapping)', ...Object.keys(MAPPING_PROPS)]);

function expectedPortOutcome(operation: PortOperation, c: Case) {
  // Gone while the walk read it: not listed, and so not there to change.
  if (c.hresult === NOT_FOUND && READS_A_MAPPING.has(c.method) && operation !== 'addPortMapping') {
    return operation === 'listPortMappings' ? { code: 'resolved' } : { code: 'ERR_PORT_MAPPING_NOT_FOUND' };
  }
  // Any step of an action on a found connection: ERROR_NOT_FOUND says it went before the call.
  if (c.hresult === NOT_FOUND) return { code: 'ERR_CONNECTION_NOT_FOUND' };
  if (c.method === 'INetSharingConfigurationForINetConnection' && c.hresult === E_NOINTERFACE) return { code: 'ERR_CONNECTION_NOT_SHAREABLE' };
  if (c.method === 'AddPortMapping' && ALREADY_THERE.has(c.hresult)) return { code: 'ERR_PORT_MAPPING_EXISTS', hresult: c.hresult, step: 'INetSharingConfiguration::AddPortMapping' };
  const known = codes.find((k) => k.hresult === c.hresult)!;
  const outcome = PORT_ACTIONS.has(c.method) && LEFT_OPEN.has(c.hresult) ? 'unknown' : undefined;
  const operationName = operation === 'listPortMappings' ? 'portMappings' : operation;
  return { code: known.code, hresult: c.hresult, step: (portSteps[operation] as Record<string, string>)[c.method], operation: operationName, cls: known.cls, outcome };
}

describe.each(Object.keys(portSteps) as PortOperation[])('%s with a fault at each COM step', (operation) => {
  const cases: Case[] = Object.keys(portSteps[operation]).flatMap((method) => codes.map(({ hresult }) => ({ method, hresult })));

  it(`rejects each of ${Object.keys(portSteps[operation]).length} steps × ${codes.length} HRESULTs precisely, leaking nothing`, async () => {
    const { value, exitCode } = await inWine({}, async (netcon, t, input) => {
      const results = [];
      for (const c of input.cases) {
        t.configure({ zombies: true, connections: input.connections, hresults: [{ method: c.method, hresult: c.hresult }] } as FakeSetup);
        t.clearLog();
        const mapping = { name: 'Web', protocol: 'tcp', externalPort: 8080, internalPort: 80, targetIPAddress: '192.168.137.20', enabled: true };
        const call: Promise<unknown> =
          input.operation === 'listPortMappings'
            ? netcon.listPortMappings(input.target)
            : input.operation === 'addPortMapping'
              ? netcon.addPortMapping(input.target, mapping)
              : netcon[input.operation as 'removePortMapping'](input.target, 'Game');
        const settled = await t.capture(call);
        results.push({ method: c.method, hresult: c.hresult, error: settled.ok ? null : settled.error, live: t.live(), warnings: t.warnings() });
      }
      return results;
    }, {
      cases,
      operation,
      target: vpn.id,
      // Shared as public; every operation but the add finds one mapping to read and change.
      connections: [ethernet, { ...vpn, sharing: 'public', portMappings: operation === 'addPortMapping' ? [] : [{ name: 'Game', protocol: 'udp', externalPort: 47123, internalPort: 47124, targetIPAddress: '192.168.137.20' }] }],
    });

    expect(exitCode).toBe(0);
    const actual = value.map((r) => {
      const want = expectedPortOutcome(operation, r);
      const e = r.error;
      const outcome = !e
        ? { code: 'resolved' }
        : 'cls' in want
          ? { code: e.code, hresult: e.hresult, step: e.step, operation: e.operation, cls: e.classes.includes(want.cls!) ? want.cls : e.classes.join(), outcome: e.outcome }
          : 'step' in want
            ? { code: e.code, hresult: e.hresult, step: e.step }
            : { code: e.code };
      return { fault: `${r.method} ${r.hresult.toString(16)}`, ...outcome, live: r.live, warnings: r.warnings };
    });
    const expected = cases.map((c) => ({ fault: `${c.method} ${c.hresult.toString(16)}`, ...expectedPortOutcome(operation, c), live: {}, warnings: [] }));
    expect(actual).toEqual(expected);
  });
});
