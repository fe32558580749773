// The in-memory machine behind netcon/testing: connections, scripted failures, delays and
// status changes, answering the client as the addon does (the same plain records), so that
// the real client over it behaves as netcon does. The unit tests use it directly too.
import type { AbandonHook, Backend } from './backend';
import { fakeAdapter, fakeDetailsOf, type FakeDetailsInput } from './fake-details';
import { CONNECTION_STATUSES, MEDIA_TYPES, toNetConnection, type ConnectionStatus, type MediaType, type NetConnection } from './connection';
import { NetConInvalidArgTypeError, NetConInvalidArgValueError } from './errors';
import { canonicalGuid } from './guid';
import { HRESULTS, SUCCESS_CODES, type HResultCode } from './hresults';
import type {
  NativeActionResult,
  NativeAdaptersResult,
  NativeDiagnosis,
  NativeDuplicateResult,
  NativeFailure,
  NativeListResult,
  NativePortMapping,
  NativePortMappingChange,
  NativePortMappingResult,
  NativeRawConnection,
  NativeSharing,
  NativeSharingChange,
  NativeSharingResult,
} from './native';
import { SHARING_TYPES } from './sharing';
import { parseNewPortMapping } from './port-mappings';
import { optionsObject } from './validate';

/** A connection of the fake machine. Unset fields default to a connected LAN adapter. */
export interface FakeConnectionInput {
  /**
   * A GUID, braces optional, any case. The machine answers it as given, as a server's get_Guid
   * may; listConnections shows it `{…}` upper case, as it shows Windows' answer.
   */
  readonly id: string;
  /** The name listConnections shows and name targets match. */
  readonly name: string;
  /** Default `'Fake Adapter'`. */
  readonly deviceName?: string;
  /** A status name or a raw NETCON_STATUS value. Default `'connected'`. */
  readonly status?: ConnectionStatus | number;
  /** A media type name or a raw NETCON_MEDIATYPE value. Default `'lan'`. */
  readonly mediaType?: MediaType | number;
  /** The raw NCCF_* mask. Default 0. */
  readonly characteristics?: number;
  /**
   * Its Internet Connection Sharing: `'public'`, `'private'`, or a raw SHARINGCONNECTIONTYPE
   * (one netcon does not know shows as `'unknown'`). Default: not shared.
   */
  readonly sharing?: 'public' | 'private' | number | null;
  /** False for a connection Windows cannot share (it has no sharing configuration). Default true. */
  readonly shareable?: boolean;
  /**
   * Its port mappings, as addPortMapping takes them (`enabled` default false). Taken as given,
   * even on a connection that is not shared as public, or two with one protocol and external port.
   */
  readonly portMappings?: readonly FakePortMappingInput[];
  /**
   * Its network interface, as listConnections({ details: true }) shows it (addresses, gateways,
   * MAC, …); null or absent for a connection with no adapter (`details: null`), as a VPN that is
   * not connected has none.
   */
  readonly details?: FakeDetailsInput | null;
}

/** A port mapping of the fake machine: addPortMapping's argument. */
export type FakePortMappingInput = import('./port-mappings').NewPortMapping;

/** What the machine does that a test can make fail (FakeFailure's `on`), and count (FakeCall's `method`). */
export type FakeMethod =
  | 'list'
  | 'disconnect'
  | 'connect'
  | 'security'
  | 'sharing'
  | 'enableSharing'
  | 'disableSharing'
  | 'rename'
  | 'delete'
  | 'duplicate'
  | 'portMappings'
  | 'addPortMapping'
  | 'removePortMapping'
  | 'enablePortMapping'
  | 'disablePortMapping'
  | 'adapters';

/**
 * A scripted COM failure: which call fails, for which connection, with which HRESULT. The
 * machine answers it as netcon answers Windows: on one connection while netcon walks them,
 * `ERROR_NOT_FOUND` or `RPC_E_DISCONNECTED` says that connection is gone (lists leave it out,
 * an action on it is ConnectionNotFoundError), and `ERROR_NOT_FOUND` from an action's own call
 * says so too; any other failure is the HRESULT's typed error.
 */
export interface FakeFailure {
  /**
   * `'list'` fails the walk through the connections, which every call makes: lists, finds,
   * name targets, waits, sharing reads, and each action's search for its connection, by GUID
   * too. `'sharing'` fails reading a connection's sharing (listSharing, getSharing and the read
   * enableSharing and shareConnection start with). `'disconnect'`, `'connect'`,
   * `'enableSharing'`, `'disableSharing'` and `'rename'` fail that call on its connection
   * (shareConnection's too); `'security'` fails initializeComSecurity. `'delete'` and
   * `'duplicate'` fail that call on its connection; `'duplicate'` at step
   * `'INetConnection::GetProperties (the duplicate)'` fails reading back a copy it made.
   * `'portMappings'` fails the read of a connection's port mappings (listPortMappings, and the
   * read every change starts with), and `'addPortMapping'`, `'removePortMapping'`,
   * `'enablePortMapping'`, `'disablePortMapping'` that change, at `step` (default its own call:
   * AddPortMapping, RemovePortMapping, Enable, Disable) or at any call the addon makes for it on
   * the way (`'INetSharingConfiguration::get_EnumPortMappings'`, `'IEnumVARIANT::Next'`, an
   * `INetSharingPortMappingProps` getter, …). `'adapters'` fails the read of the network
   * interfaces that `details: true` adds (its `id` is not looked at).
   */
  readonly on: FakeMethod;
  /**
   * The connection it fails on; every one when absent. `'list'` with an `id` fails reading that
   * connection (`err.connection`), without one the walk as a whole, before any connection.
   */
  readonly id?: string;
  /** A code of the HRESULTS table (`'E_ACCESSDENIED'`) or any failing HRESULT. */
  readonly hresult: HResultCode | number;
  /**
   * The COM call that fails, as `err.step` names it. Default: the one netcon makes there
   * (`'EnumEveryConnection'`; with an `id`, `'INetConnection::GetProperties'`;
   * `'INetSharingConfiguration::get_SharingEnabled'`, `'INetConnection::Disconnect'`,
   * `'INetConnection::Connect'`, `'INetSharingConfiguration::EnableSharing'`,
   * `'INetSharingConfiguration::DisableSharing'`, `'INetConnection::Rename'`,
   * `'CoInitializeSecurity'`; `'adapters'`: `'GetAdaptersAddresses'`, or `'GetIpForwardTable2'`). A step of the walk (`'INetConnection::GetProperties'`, an
   * `INetConnectionProps` getter) without an `id` fails on every connection. An action failing
   * at a step before its connection (such as `'CoCreateInstance'`) names none. A getter of a
   * field an action does not read (`get_Status`, `get_DeviceName`, `get_MediaType`,
   * `get_Characteristics`) fails lists only.
   */
  readonly step?: string;
  /** Windows' own text for the failure (`err.systemMessage`); the message of an HRESULT netcon does not know quotes it. */
  readonly message?: string;
}

/** A success HRESULT other than S_OK that a disconnect or connect answers. */
export interface FakeSuccess {
  /** The call that answers it. */
  readonly on: 'disconnect' | 'connect';
  /** Only for this connection; every one when absent. */
  readonly id?: string;
  /** A name of SUCCESS_CODES (`'S_FALSE'`, `'NETCFG_S_REBOOT'`, …) or any success HRESULT. */
  readonly hresult: string | number;
}

/** What createFakeClient's machine looks like and how it behaves. */
export interface FakeClientOptions {
  /** The machine's connections, in the order listConnections gives them. */
  readonly connections?: readonly FakeConnectionInput[];
  /** Calls that fail with an HRESULT; the first matching entry applies. */
  readonly failures?: readonly FakeFailure[];
  /** Calls that succeed with another HRESULT than S_OK; the first matching entry applies. */
  readonly successes?: readonly FakeSuccess[];
  /**
   * Milliseconds each kind of call takes; `Infinity` for a call that never returns, as a hung
   * Windows call does (the client's `timeoutMs` or `signal` then ends it).
   */
  readonly delays?: {
    /** Every lookup: listConnections, findConnection, name targets and each look of a wait. */
    readonly list?: number;
    /** Each disconnect call. */
    readonly disconnect?: number;
    /** Each connect call. */
    readonly connect?: number;
    /** Each read of the sharing. */
    readonly sharing?: number;
    /** Each EnableSharing or DisableSharing call. */
    readonly setSharing?: number;
    /** Each rename call. */
    readonly rename?: number;
    /** Each deleteConnection call. */
    readonly delete?: number;
    /** Each duplicateConnection call. */
    readonly duplicate?: number;
    /** Each read of a connection's port mappings (listPortMappings, and the read each change starts with). */
    readonly portMappings?: number;
    /** Each port-mapping change: add, remove, enable, disable. */
    readonly setPortMapping?: number;
    /** Each read of the network interfaces (`details: true`). */
    readonly adapters?: number;
  };
  /**
   * Milliseconds after a successful disconnect/connect during which the connection shows
   * `disconnecting`/`connecting`, as Windows often does, before `disconnected`/`connected`.
   */
  readonly settle?: {
    /** After a successful disconnect: how long the connection shows `disconnecting`. */
    readonly disconnect?: number;
    /** After a successful connect: how long the connection shows `connecting`. */
    readonly connect?: number;
  };
}

/** A call the fake machine received, in order. */
export interface FakeCall {
  /**
   * `'list'` for every lookup, `'security'` for initializeComSecurity, `'diagnose'` for
   * diagnose's look at the machine, `'sharing'` for every read of the sharing, else the COM
   * call on one connection; `'adapters'` for the read of the network interfaces (`details: true`).
   */
  readonly method: FakeMethod | 'diagnose';
  /** The connection's GUID, for a call on one connection. */
  readonly id?: string;
  /** enableSharing's SHARINGCONNECTIONTYPE (0 public, 1 private). */
  readonly type?: number;
  /** rename's and duplicate's new name. */
  readonly newName?: string;
  /** A port-mapping change's mapping: its IP protocol number and external port. */
  readonly mapping?: {
    /** Its IP protocol number: 6 (TCP) or 17 (UDP). */
    readonly protocol: number;
    /** Its external port. */
    readonly externalPort: number;
  };
}



/** The machine: what the client calls, and what a test looks at. */
export interface FakeMachine {
  readonly backend: Backend;
  /** Every call that reached the machine, in order. */
  readonly calls: FakeCall[];
  /** The connections now, as listConnections() would give them. */
  connections(): NetConnection[];
  /** Takes a connection away, as an unplugged adapter or a deleted VPN goes; false if there was none. */
  removeConnection(id: string): boolean;
  /** Adds a connection at the end of the list, as a plugged-in adapter or a new VPN comes. */
  addConnection(connection: FakeConnectionInput): NetConnection;
  /** Changes a connection's fields (its id stays); false if there was no such connection. */
  updateConnection(id: string, changes: FakeConnectionChanges): boolean;
  /** Replaces the scripted failures: a fault that starts, or goes away. */
  setFailures(failures: readonly FakeFailure[]): void;
}

/** What updateConnection may change: any field of a connection but its id. */
export type FakeConnectionChanges = Partial<Omit<FakeConnectionInput, 'id'>>;

// What diagnose() reads on the fake machine: an up-to-date Windows where HNetShare is
// registered, the Network Connections service is there and the process is elevated. Its
// trial list is the machine's own, so a scripted list failure shows in it.
const HEALTHY_MACHINE: NativeDiagnosis = Object.freeze({
  ok: true,
  windowsMajor: 10,
  windowsMinor: 0,
  windowsBuild: 19045,
  servicePack: '',
  wineVersion: '',
  osArch: 'x64',
  binaryArch: 'x64',
  hostExe: 'C:\\Program Files\\nodejs\\node.exe',
  addonPath: 'C:\\app\\node_modules\\netcon\\prebuilds\\win32-x64\\netcon.napi.node',
  clsidHresult: 0,
  clsid: '{5C63C1AD-3956-4FF8-8486-40034758315B}',
  serverError: 0,
  serverKind: 'InprocServer32',
  serverPath: 'C:\\Windows\\System32\\hnetcfg.dll',
  serverFileExists: true,
  threadingModel: 'Both',
  otherView: '',
  otherViewServerPath: '',
  serviceError: 0,
  serviceState: 4,
  serviceStartType: 3,
  elevationError: 0,
  elevated: true,
});

/** The step the real addon names for each kind of failure. */
const STEPS = {
  list: 'EnumEveryConnection',
  disconnect: 'INetConnection::Disconnect',
  connect: 'INetConnection::Connect',
  security: 'CoInitializeSecurity',
  sharing: 'INetSharingConfiguration::get_SharingEnabled',
  enableSharing: 'INetSharingConfiguration::EnableSharing',
  disableSharing: 'INetSharingConfiguration::DisableSharing',
  rename: 'INetConnection::Rename',
  delete: 'INetConnection::Delete',
  duplicate: 'INetConnection::Duplicate',
  portMappings: 'INetSharingConfiguration::get_EnumPortMappings',
  addPortMapping: 'INetSharingConfiguration::AddPortMapping',
  removePortMapping: 'INetSharingConfiguration::RemovePortMapping',
  enablePortMapping: 'INetSharingPortMapping::Enable',
  disablePortMapping: 'INetSharingPortMapping::Disable',
  adapters: 'GetAdaptersAddresses',
} as const;

type OnPortMapping = 'portMappings' | 'addPortMapping' | 'removePortMapping' | 'enablePortMapping' | 'disablePortMapping';
type OnOne = 'disconnect' | 'connect' | 'enableSharing' | 'disableSharing' | 'rename' | 'delete' | 'duplicate' | OnPortMapping;

// Reading back the copy a Duplicate made, as the addon names it.
const DUPLICATE_READ_STEP = 'INetConnection::GetProperties (the duplicate)';

/** A failure as the machine keeps it: its GUID canonical, its HRESULT a number, its step named. */
type Scripted = FakeFailure & { guid: string | undefined; value: number; at: string };

// The addon's reads of one connection while it walks them. A list reads every field; an
// action's walk and a sharing read only the id and the name.
const READ_STEP = 'INetConnection::GetProperties';
const LIST_ONLY = ['get_DeviceName', 'get_Status', 'get_MediaType', 'get_Characteristics'].map((getter) => `INetConnectionProps::${getter}`);
const READS = new Set([READ_STEP, 'QueryInterface(INetConnection)', 'NetConnectionProps', 'INetConnectionProps::get_Guid', 'INetConnectionProps::get_Name', ...LIST_ONLY]);

// The reads of one connection's sharing: the configuration always, whether it is shared only
// when it has one, and its type only while shared.
const CONFIGURATION_STEP = 'INetSharingConfigurationForINetConnection';
const TYPE_STEP = 'INetSharingConfiguration::get_SharingConnectionType';
const SHARING_READS = new Set([CONFIGURATION_STEP, STEPS.sharing, TYPE_STEP]);

// The addon's calls on a connection's port mappings (native/port_mappings.cc), in order: the
// walk through them, and what it reads of each one.
const MAPPING_WALK = [STEPS.portMappings, 'INetSharingPortMappingCollection::_NewEnum', 'QueryInterface(IEnumVARIANT)', 'IEnumVARIANT::Next'];
const MAPPING_READ = [
  'QueryInterface(INetSharingPortMapping)',
  'INetSharingPortMapping::get_Properties',
  ...['Name', 'IPProtocol', 'ExternalPort', 'InternalPort', 'Options', 'TargetName', 'TargetIPAddress', 'Enabled'].map((p) => `INetSharingPortMappingProps::get_${p}`),
];
// The props getters only: what reading a mapping handed back by AddPortMapping takes.
const PROPS_READ = MAPPING_READ.slice(1);

// An action's own calls on its connection, as the addon makes them; a sharing change gets the
// connection's configuration first.
const OWN_STEPS: Record<OnOne, readonly string[]> = {
  disconnect: [STEPS.disconnect],
  connect: [STEPS.connect],
  enableSharing: [CONFIGURATION_STEP, STEPS.enableSharing],
  disableSharing: [CONFIGURATION_STEP, STEPS.disableSharing],
  rename: [STEPS.rename],
  delete: [STEPS.delete],
  duplicate: [STEPS.duplicate, DUPLICATE_READ_STEP],
  portMappings: [CONFIGURATION_STEP, STEPS.sharing, TYPE_STEP, ...MAPPING_WALK, ...MAPPING_READ],
  addPortMapping: [CONFIGURATION_STEP, STEPS.addPortMapping, STEPS.enablePortMapping, ...PROPS_READ],
  removePortMapping: [CONFIGURATION_STEP, ...MAPPING_WALK, ...MAPPING_READ, STEPS.removePortMapping],
  enablePortMapping: [CONFIGURATION_STEP, ...MAPPING_WALK, ...MAPPING_READ, STEPS.enablePortMapping],
  disablePortMapping: [CONFIGURATION_STEP, ...MAPPING_WALK, ...MAPPING_READ, STEPS.disablePortMapping],
};

// What these answers on one connection mean to the addon while it walks them: the connection
// is gone (a USB adapter pulled, a VPN deleted), so it is left out.
const GONE = new Set([HRESULTS.ERROR_NOT_FOUND.hresult, HRESULTS.RPC_E_DISCONNECTED.hresult]);

// What the COM fake (test/fake-hnetshare) answers when a change breaks Windows' rules; what
// Windows itself answers there is not known, and netcon checks first so as never to ask.
// For a Delete or Duplicate of a connection whose characteristics do not allow it, E_NOTIMPL is
// what an open reimplementation of Windows' netshell answers: a guess at Windows' answer.
const RULE_BROKEN = {
  sharing: HRESULTS.E_UNEXPECTED.hresult,
  name: HRESULTS.ERROR_DUP_NAME.hresult,
  entry: HRESULTS.E_NOTIMPL.hresult,
  // A port mapping on a connection not shared as public, and one whose key is taken.
  notPublic: HRESULTS.E_UNEXPECTED.hresult,
  mappingExists: 0x80071392, // HRESULT_FROM_WIN32(ERROR_OBJECT_ALREADY_EXISTS)
} as const;

// NCCF_ALLOW_DUPLICATION and NCCF_ALLOW_REMOVAL.
const ALLOWS = { duplicate: 0x2, delete: 0x4 } as const;

/** What an action answers when it did not act: a failure, or its connection not found. */
type NotActed = NativeFailure | { ok: true; found: false };

interface State {
  raw: NativeRawConnection;
  /** `raw.id` canonical: what the client asks for. */
  guid: string;
  /** SHARINGCONNECTIONTYPE while shared, else null. */
  sharing: number | null;
  shareable: boolean;
  /** Its port mappings, in the order they were added. */
  mappings: NativePortMapping[];
  settling?: { status: number; at: number };
  /** Its network interface; null for none. */
  details: FakeDetailsInput | null;
}

function mappingOf(input: FakePortMappingInput, field: string): NativePortMapping {
  const m = parseNewPortMapping(input, field);
  const address = m.targetType === 'ip';
  return { name: m.name, protocol: m.protocol, externalPort: m.externalPort, internalPort: m.internalPort, options: 0, targetName: address ? '' : m.target, targetIPAddress: address ? m.target : '', enabled: m.enable };
}

// A status or media type given by name or raw value, as its raw value (its index in the table).
function rawValue(value: string | number | undefined, table: readonly string[], fallback: string, field: string): number {
  if (typeof value === 'number') return value;
  const index = table.indexOf(value ?? fallback);
  if (index < 0) throw new NetConInvalidArgValueError(field, `one of ${table.join(', ')}`, value);
  return index;
}

const statusValue = (status: ConnectionStatus) => (CONNECTION_STATUSES as readonly string[]).indexOf(status);

// What a successful action leaves the connection in: at once, or after `settle` ms in between.
const OUTCOME = {
  disconnect: { settling: statusValue('disconnecting'), done: statusValue('disconnected') },
  connect: { settling: statusValue('connecting'), done: statusValue('connected') },
} as const;

function hresultOf(failure: FakeFailure, field: string): number {
  const { hresult } = failure;
  if (typeof hresult === 'number') return hresult >>> 0;
  if (!(hresult in HRESULTS)) throw new NetConInvalidArgValueError(`${field}.hresult`, 'a code of HRESULTS or a number', hresult);
  return HRESULTS[hresult].hresult;
}

function successOf(success: FakeSuccess, index: number): number {
  const { hresult } = success;
  const value = typeof hresult === 'number' ? hresult : SUCCESS_CODES[hresult];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw new NetConInvalidArgValueError(`successes[${index}].hresult`, 'a name of SUCCESS_CODES or a success HRESULT', hresult);
  }
  return value;
}

function guidOf(id: unknown, field: string): string {
  const guid = typeof id === 'string' ? canonicalGuid(id) : undefined;
  if (guid === undefined) throw new NetConInvalidArgValueError(field, 'a GUID', id);
  return guid;
}

// A GUID for a copy, `{…}` upper case as Windows' StringFromGUID2 writes it. Math.random is
// enough: it only has to differ from the machine's other connections, which the caller checks.
function randomGuid(): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return `{${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}}`.toUpperCase();
}

const NEVER_MS = 2 ** 31; // from here on setTimeout would fire at once: such a call never returns

// A call's delay. Abandoned by the client (deadline or abort), its timer no longer keeps the
// process alive, but the call still completes if the process lives on: Windows also may
// finish a disconnect that netcon stopped waiting for.
function sleep(ms: number | undefined, hook: AbandonHook | undefined): Promise<void> {
  if (!ms) return Promise.resolve();
  return new Promise((resolve) => {
    if (ms >= NEVER_MS) return;
    const timer = setTimeout(resolve, ms);
    if (hook) hook.onAbandon = () => timer.unref?.();
  });
}

function sharingOf(value: FakeConnectionInput['sharing'], field: string): number | null {
  if (value === undefined || value === null) return null;
  if (value === 'public' || value === 'private') return SHARING_TYPES[value];
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0x7fffffff) return value;
  throw new NetConInvalidArgValueError(field, "'public', 'private', null or a SHARINGCONNECTIONTYPE value", value);
}

function stateOf(c: FakeConnectionInput, field: string): State {
  const guid = guidOf(c?.id, `${field}.id`);
  return {
    guid,
    sharing: sharingOf(c.sharing, `${field}.sharing`),
    shareable: c.shareable ?? true,
    mappings: (c.portMappings ?? []).map((m, i) => mappingOf(m, `${field}.portMappings[${i}]`)),
    details: fakeDetailsOf(c.details, `${field}.details`),
    raw: {
      id: c.id,
      name: String(c.name),
      deviceName: c.deviceName ?? 'Fake Adapter',
      status: rawValue(c.status, CONNECTION_STATUSES, 'connected', `${field}.status`),
      mediaType: rawValue(c.mediaType, MEDIA_TYPES, 'lan', `${field}.mediaType`),
      characteristics: c.characteristics ?? 0,
    },
  };
}

/** A machine as `options` describe it; throws ERR_INVALID_ARG_* for a description it cannot follow. */
export function createFakeMachine(options: FakeClientOptions = {}): FakeMachine {
  optionsObject(options);
  const states: State[] = (options.connections ?? []).map((c, i) => stateOf(c, `connections[${i}]`));
  const scripted = (list: readonly FakeFailure[], field: string): Scripted[] =>
    list.map((f, i) => {
      const guid = f.id === undefined ? undefined : guidOf(f.id, `${field}[${i}].id`);
      return { ...f, guid, value: hresultOf(f, `${field}[${i}]`), at: f.step ?? (f.on === 'list' && guid ? READ_STEP : STEPS[f.on]) };
    });
  let failures = scripted(options.failures ?? [], 'failures');
  const successes = (options.successes ?? []).map((s, i) => ({
    ...s,
    guid: s.id === undefined ? undefined : guidOf(s.id, `successes[${i}].id`),
    value: successOf(s, i),
  }));
  const calls: FakeCall[] = [];

  // The in-between status of a settling connection ends by the clock, as in the COM fake.
  const current = (state: State): NativeRawConnection => {
    if (state.settling && Date.now() >= state.settling.at) {
      state.raw = { ...state.raw, status: state.settling.status };
      state.settling = undefined;
    }
    return { ...state.raw };
  };
  const stateAt = (guid: string | undefined) => states.find((s) => s.guid === guid);
  const freshGuid = () => {
    for (;;) {
      const guid = randomGuid();
      if (!stateAt(guid)) return guid;
    }
  };

  // What Windows' notifications are to netcon: a change to the machine reaches every
  // watcher, after the code that made it has run.
  const listeners = new Set<() => void>();
  const changed = () => {
    if (listeners.size > 0) queueMicrotask(() => listeners.forEach((listener) => listener()));
  };

  // The record the addon answers for a failure: the step, Windows' text, and the connection
  // it was working on, if it had reached one.
  function failed(failure: Scripted, state: State | undefined): NativeFailure {
    const record: NativeFailure = { ok: false, hresult: failure.value, step: failure.at, message: failure.message ?? '' };
    return state ? { ...record, connection: { id: state.raw.id, name: state.raw.name } } : record;
  }

  // The failures scripted for `method`; with `guid`, those that apply to that connection.
  const on = (method: FakeFailure['on'], guid?: string) => failures.filter((f) => f.on === method && (!guid || !f.guid || f.guid === guid));

  // The addon's walk through the connections, in order, up to `target` if given: the ones it
  // read, or the failure that ended it. Reading one that answers as gone leaves it out.
  function walk(fields: 'all' | 'idAndName', target?: string): State[] | NativeFailure {
    const list = on('list');
    const whole = list.find((f) => !f.guid && !READS.has(f.at));
    if (whole) return failed(whole, undefined);
    const read: State[] = [];
    for (const state of states) {
      const failure = list.find((f) => (!f.guid || f.guid === state.guid) && (fields === 'all' || !LIST_ONLY.includes(f.at)));
      if (failure && !GONE.has(failure.value)) return failed(failure, state);
      if (!failure) read.push(state);
      if (state.guid === target) break;
    }
    return read;
  }

  // A COM call on one connection, up to the point where it would do its work: the connection,
  // or the record the addon answers instead.
  async function reach(call: FakeCall & { method: OnOne }, delayMs: number | undefined, hook?: AbandonHook): Promise<State | NotActed> {
    calls.push(call);
    await sleep(delayMs, hook);
    const { method, id: guid } = call;
    // A step before the connection fails whether or not the connection is there.
    const early = on(method, guid).find((f) => !OWN_STEPS[method].includes(f.at));
    if (early) return failed(early, undefined);
    const read = walk('idAndName', guid);
    if (!Array.isArray(read)) return read;
    return read.find((s) => s.guid === guid) ?? { ok: true, found: false };
  }

  // The action's own call at `step` on its connection, if it is scripted to fail: the addon
  // takes ERROR_NOT_FOUND there to mean the connection went before the call, as one never there.
  function ownFailure(method: OnOne, state: State, step: string): NotActed | undefined {
    const failure = on(method, state.guid).find((f) => f.at === step);
    if (!failure) return undefined;
    return failure.value === HRESULTS.ERROR_NOT_FOUND.hresult ? { ok: true, found: false } : failed(failure, state);
  }

  const succeeded = (state: State, hresult = 0) => ({ ok: true, found: true, hresult, connection: { id: state.raw.id, name: state.raw.name } }) as const;
  const refused = (state: State, step: string, hresult: number): NativeFailure => ({
    ok: false,
    hresult,
    step,
    message: '',
    connection: { id: state.raw.id, name: state.raw.name },
  });

  async function setSharing(guid: string, change: NativeSharingChange, hook?: AbandonHook): Promise<NativeActionResult> {
    const method = change === 'off' ? 'disableSharing' : 'enableSharing';
    const state = await reach(change === 'off' ? { method, id: guid } : { method, id: guid, type: change }, options.delays?.setSharing, hook);
    if (!('raw' in state)) return state;
    const noConfiguration = state.shareable ? undefined : refused(state, CONFIGURATION_STEP, HRESULTS.E_NOINTERFACE.hresult);
    const failure = ownFailure(method, state, CONFIGURATION_STEP) ?? noConfiguration ?? ownFailure(method, state, STEPS[method]);
    if (failure) return failure;
    // Windows' rule: one public and one private connection. A new public one takes public off
    // the one before, as Microsoft documents; a second private one is refused (undocumented:
    // E_UNEXPECTED is netcon's guess). A type netcon does not know is taken as it is, so that
    // shareConnection can put back what it read.
    const holder = change === 'off' ? undefined : states.find((s) => s !== state && s.sharing === change);
    if (holder && change !== SHARING_TYPES.public) return refused(state, STEPS[method], RULE_BROKEN.sharing);
    if (holder) holder.sharing = null;
    state.sharing = change === 'off' ? null : change;
    return succeeded(state);
  }

  async function rename(guid: string, newName: string, hook?: AbandonHook): Promise<NativeActionResult> {
    const state = await reach({ method: 'rename', id: guid, newName }, options.delays?.rename, hook);
    if (!('raw' in state)) return state;
    const failure = ownFailure('rename', state, STEPS.rename);
    if (failure) return failure;
    if (states.some((s) => s !== state && s.raw.name.toUpperCase() === newName.toUpperCase())) return refused(state, STEPS.rename, RULE_BROKEN.name);
    state.raw = { ...state.raw, name: newName };
    changed();
    return succeeded(state);
  }

  async function deleteConnection(guid: string, hook?: AbandonHook): Promise<NativeActionResult> {
    const state = await reach({ method: 'delete', id: guid }, options.delays?.delete, hook);
    if (!('raw' in state)) return state;
    const failure = ownFailure('delete', state, STEPS.delete);
    if (failure) return failure;
    if (!(state.raw.characteristics & ALLOWS.delete)) return refused(state, STEPS.delete, RULE_BROKEN.entry);
    states.splice(states.indexOf(state), 1);
    changed();
    return succeeded(state);
  }

  // The copy goes after every other connection, disconnected, as the COM fake places it.
  async function duplicateConnection(guid: string, newName: string, hook?: AbandonHook): Promise<NativeDuplicateResult> {
    const state = await reach({ method: 'duplicate', id: guid, newName }, options.delays?.duplicate, hook);
    if (!('raw' in state)) return state;
    const failure = ownFailure('duplicate', state, STEPS.duplicate);
    if (failure) return failure;
    if (!(state.raw.characteristics & ALLOWS.duplicate)) return refused(state, STEPS.duplicate, RULE_BROKEN.entry);
    if (states.some((s) => s.raw.name.toUpperCase() === newName.toUpperCase())) return refused(state, STEPS.duplicate, RULE_BROKEN.name);
    const copy: State = {
      guid: '',
      sharing: null,
      shareable: state.shareable,
      // A copy of the entry, not of its sharing: it starts with no port mappings.
      mappings: [],
      // A disconnected entry has no network interface until it connects.
      details: null,
      raw: { ...state.raw, id: freshGuid(), name: newName, status: statusValue('disconnected') },
    };
    copy.guid = copy.raw.id;
    states.push(copy);
    changed();
    // Made, and only reading it back fails: the addon reports that step, ERROR_NOT_FOUND included.
    const unread = on('duplicate', guid).find((f) => f.at === DUPLICATE_READ_STEP);
    if (unread) return failed(unread, state);
    return { ...succeeded(state), duplicate: current(copy) };
  }

  async function act(method: 'disconnect' | 'connect', guid: string, hook?: AbandonHook): Promise<NativeActionResult> {
    const state = await reach({ method, id: guid }, options.delays?.[method], hook);
    if (!('raw' in state)) return state;
    const failure = ownFailure(method, state, STEPS[method]);
    if (failure) return failure;
    const { settling, done } = OUTCOME[method];
    const settleMs = options.settle?.[method] ?? 0;
    state.settling = settleMs > 0 ? { status: done, at: Date.now() + settleMs } : undefined;
    state.raw = { ...state.raw, status: settleMs > 0 ? settling : done };
    changed();
    const success = successes.find((s) => s.on === method && (!s.guid || s.guid === guid));
    return succeeded(state, success?.value);
  }

  // The first of the addon's calls in `steps` (in the order it makes them) scripted to fail on
  // the connection, as the answer the addon gives; ERROR_NOT_FOUND is the connection gone, but
  // while the walk reads a mapping it is that mapping gone (see vanished()).
  function failsAt(method: OnPortMapping, state: State, steps: readonly string[], walking = false): NativePortMappingResult | undefined {
    const scriptedHere = on(method, state.guid);
    for (const step of steps) {
      const failure = scriptedHere.find((f) => f.at === step && !(walking && MAPPING_READ.includes(step) && f.value === HRESULTS.ERROR_NOT_FOUND.hresult));
      if (failure) return failure.value === HRESULTS.ERROR_NOT_FOUND.hresult ? { ok: true, found: false } : failed(failure, state);
    }
    return undefined;
  }

  // ERROR_NOT_FOUND reading a mapping in the walk: the addon leaves it out, as removed meanwhile.
  // A failure scripted for the connection meets every mapping read, so none is left.
  const vanished = (method: OnPortMapping, state: State) =>
    on(method, state.guid).some((f) => MAPPING_READ.includes(f.at) && f.value === HRESULTS.ERROR_NOT_FOUND.hresult);

  // What the addon makes of a port-mapping call on `state`: the calls it reaches, in order.
  function mappingSteps(method: OnPortMapping, state: State, mapping?: { protocol: number; externalPort: number }): string[] {
    const reads = (count: number) => Array.from({ length: count }, () => MAPPING_READ).flat();
    const walkTo = (count: number) => [CONFIGURATION_STEP, ...MAPPING_WALK, ...reads(count)];
    if (method === 'portMappings') {
      return [CONFIGURATION_STEP, STEPS.sharing, ...(state.sharing !== null ? [TYPE_STEP] : []), ...MAPPING_WALK, ...reads(state.mappings.length)];
    }
    if (method === 'addPortMapping') return [CONFIGURATION_STEP, STEPS.addPortMapping];
    const index = state.mappings.findIndex((m) => m.protocol === mapping?.protocol && m.externalPort === mapping?.externalPort);
    return index < 0 ? walkTo(state.mappings.length) : [...walkTo(index + 1), STEPS[method]];
  }

  const mappingAnswer = (state: State, mappingFound: boolean, mappings: NativePortMapping[]): NativePortMappingResult => ({
    ok: true,
    found: true,
    hresult: 0,
    connection: { id: state.raw.id, name: state.raw.name },
    sharingEnabled: state.sharing !== null,
    sharingType: state.sharing ?? 0,
    mappingFound,
    mappings: mappings.map((m) => ({ ...m })),
  });

  // A port-mapping call up to its connection's configuration: the connection, or the answer.
  async function reachConfiguration(call: FakeCall & { method: OnPortMapping }, delayMs: number | undefined, hook?: AbandonHook): Promise<State | NativePortMappingResult> {
    const state = await reach(call, delayMs, hook);
    if (!('raw' in state)) return state as NativePortMappingResult;
    const failure = failsAt(call.method, state, [CONFIGURATION_STEP]);
    if (failure) return failure;
    return state.shareable ? state : refused(state, CONFIGURATION_STEP, HRESULTS.E_NOINTERFACE.hresult);
  }

  async function readPortMappings(guid: string, hook?: AbandonHook): Promise<NativePortMappingResult> {
    const state = await reachConfiguration({ method: 'portMappings', id: guid }, options.delays?.portMappings, hook);
    if (!('raw' in state)) return state;
    return failsAt('portMappings', state, mappingSteps('portMappings', state), true) ?? mappingAnswer(state, false, vanished('portMappings', state) ? [] : state.mappings);
  }

  async function addMapping(guid: string, wanted: import('./native').NativeNewPortMapping, hook?: AbandonHook): Promise<NativePortMappingResult> {
    const mapping = { protocol: wanted.protocol, externalPort: wanted.externalPort };
    const state = await reachConfiguration({ method: 'addPortMapping', id: guid, mapping }, options.delays?.setPortMapping, hook);
    if (!('raw' in state)) return state;
    const failure = failsAt('addPortMapping', state, mappingSteps('addPortMapping', state));
    if (failure) return failure;
    // As the COM test server answers (README: Port mappings); what Windows answers is not known.
    if (state.sharing !== SHARING_TYPES.public) return refused(state, STEPS.addPortMapping, RULE_BROKEN.notPublic);
    if (state.mappings.some((m) => m.protocol === mapping.protocol && m.externalPort === mapping.externalPort)) {
      return refused(state, STEPS.addPortMapping, RULE_BROKEN.mappingExists);
    }
    const address = wanted.targetType === 'ip';
    const added: NativePortMapping = {
      name: wanted.name,
      protocol: wanted.protocol,
      externalPort: wanted.externalPort,
      internalPort: wanted.internalPort,
      options: 0,
      targetName: address ? '' : wanted.target,
      targetIPAddress: address ? wanted.target : '',
      enabled: false, // Windows adds a mapping disabled
    };
    state.mappings.push(added);
    const after = failsAt('addPortMapping', state, [...(wanted.enable ? [STEPS.enablePortMapping] : []), ...PROPS_READ]);
    if (after) return after;
    added.enabled = wanted.enable;
    return mappingAnswer(state, true, [added]);
  }

  async function changeMapping(guid: string, protocol: number, externalPort: number, change: NativePortMappingChange, hook?: AbandonHook): Promise<NativePortMappingResult> {
    const method = ({ remove: 'removePortMapping', enable: 'enablePortMapping', disable: 'disablePortMapping' } as const)[change];
    const mapping = { protocol, externalPort };
    const state = await reachConfiguration({ method, id: guid, mapping }, options.delays?.setPortMapping, hook);
    if (!('raw' in state)) return state;
    const failure = failsAt(method, state, mappingSteps(method, state, mapping), true);
    if (failure) return failure;
    const index = state.mappings.findIndex((m) => m.protocol === protocol && m.externalPort === externalPort);
    if (index < 0 || vanished(method, state)) return mappingAnswer(state, false, []);
    const was = { ...state.mappings[index] };
    if (change === 'remove') state.mappings.splice(index, 1);
    else state.mappings[index].enabled = change === 'enable';
    return mappingAnswer(state, true, [was]);
  }

  // One connection's sharing as the addon reads it, or the failure of a read it makes.
  function sharingOf(state: State): NativeSharing | NativeFailure | undefined {
    const reads = (step: string) => step === CONFIGURATION_STEP || (state.shareable && (step !== TYPE_STEP || state.sharing !== null));
    const failure = on('sharing', state.guid).find((f) => SHARING_READS.has(f.at) && reads(f.at));
    if (failure) return GONE.has(failure.value) ? undefined : failed(failure, state);
    const { id, name } = state.raw;
    if (!state.shareable) return { id, name, shareable: false, enabled: false, type: 0 };
    return { id, name, shareable: true, enabled: state.sharing !== null, type: state.sharing ?? 0 };
  }

  const backend: Backend = {
    async list(_progId, hook): Promise<NativeListResult> {
      calls.push({ method: 'list' });
      await sleep(options.delays?.list, hook);
      const read = walk('all');
      return Array.isArray(read) ? { ok: true, connections: read.map(current) } : read;
    },
    async initializeSecurity() {
      calls.push({ method: 'security' });
      const failure = failures.find((f) => f.on === 'security');
      return failure ? failed(failure, undefined) : { ok: true };
    },
    async sharing(_progId, hook): Promise<NativeSharingResult> {
      calls.push({ method: 'sharing' });
      await sleep(options.delays?.sharing, hook);
      // A step of no connection's sharing (CoCreateInstance, …) fails the read before the walk.
      const whole = on('sharing').find((f) => !SHARING_READS.has(f.at));
      if (whole) return failed(whole, undefined);
      const read = walk('idAndName');
      if (!Array.isArray(read)) return read;
      const connections: NativeSharing[] = [];
      for (const state of read) {
        const sharing = sharingOf(state);
        if (sharing && 'hresult' in sharing) return sharing;
        if (sharing) connections.push(sharing);
      }
      return { ok: true, connections };
    },
    setSharing: (_progId, guid, change, hook) => setSharing(guid, change, hook),
    rename: (_progId, guid, newName, hook) => rename(guid, newName, hook),
    portMappings: (_progId, guid, hook) => readPortMappings(guid, hook),
    addPortMapping: (_progId, guid, mapping, hook) => addMapping(guid, mapping, hook),
    changePortMapping: (_progId, guid, protocol, externalPort, change, hook) => changeMapping(guid, protocol, externalPort, change, hook),
    disconnect: (_progId, guid, hook) => act('disconnect', guid, hook),
    connect: (_progId, guid, hook) => act('connect', guid, hook),
    async diagnose() {
      calls.push({ method: 'diagnose' });
      return HEALTHY_MACHINE;
    },
    apartment: () => ({ hresult: HRESULTS.CO_E_NOTINITIALIZED.hresult, type: 0, qualifier: 0 }),
    deleteConnection: (_progId, guid, hook) => deleteConnection(guid, hook),
    duplicateConnection: (_progId, guid, newName, hook) => duplicateConnection(guid, newName, hook),
    async adapters(hook): Promise<NativeAdaptersResult> {
      calls.push({ method: 'adapters' });
      await sleep(options.delays?.adapters, hook);
      const failure = on('adapters')[0];
      if (failure) return failed(failure, undefined);
      const reading: NativeAdaptersResult = { ok: true, adapters: [], defaultRoutes: [] };
      states.forEach((state, position) => {
        if (!state.details) return;
        const { adapter, routes } = fakeAdapter(state.raw.id, state.details, position);
        reading.adapters.push(adapter);
        reading.defaultRoutes.push(...routes);
      });
      return reading;
    },
    watchChanges(onChange) {
      const listener = () => onChange();
      listeners.add(listener);
      return { settleMs: 0, stop: () => listeners.delete(listener) };
    },
  };

  return {
    backend,
    calls,
    connections: () => states.map(current).map(toNetConnection),
    removeConnection(id) {
      const index = states.findIndex((s) => s.guid === canonicalGuid(id));
      if (index < 0) return false;
      states.splice(index, 1);
      changed();
      return true;
    },
    addConnection(connection) {
      const state = stateOf(connection, 'connection');
      if (stateAt(state.guid)) throw new NetConInvalidArgValueError('connection.id', 'a GUID no connection of the machine has', connection.id);
      states.push(state);
      changed();
      return toNetConnection(current(state));
    },
    setFailures(list) {
      if (!Array.isArray(list)) throw new NetConInvalidArgTypeError('failures', 'an instance of Array', list);
      failures = scripted(list, 'failures');
    },
    updateConnection(id, changes) {
      const state = stateAt(canonicalGuid(id));
      if (!state) return false;
      optionsObject(changes, 'changes');
      // Details given are merged into the connection's: a test changes its addresses alone.
      const details = changes.details === undefined ? state.details : changes.details === null ? null : { ...state.details, ...changes.details };
      const next = stateOf({ ...state.raw, sharing: state.sharing, shareable: state.shareable, ...changes, details, id: state.raw.id }, 'changes');
      state.raw = next.raw;
      state.sharing = next.sharing;
      state.shareable = next.shareable;
      if (changes.portMappings !== undefined) state.mappings = next.mappings;
      state.details = next.details;
      state.settling = undefined;
      changed();
      return true;
    },
  };
}
