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
  NativeFailure,
  NativeListResult,
  NativeRawConnection,
  NativeSharing,
  NativeSharingChange,
  NativeSharingResult,
} from './native';
import { SHARING_TYPES } from './sharing';
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
   * Its network interface, as listConnections({ details: true }) shows it (addresses, gateways,
   * MAC, …); null or absent for a connection with no adapter (`details: null`), as a VPN that is
   * not connected has none.
   */
  readonly details?: FakeDetailsInput | null;
}

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
   * (shareConnection's too); `'security'` fails initializeComSecurity; `'adapters'` fails the read
   * of the network interfaces that `details: true` adds (its `id` is not looked at).
   */
  readonly on: 'list' | 'disconnect' | 'connect' | 'security' | 'sharing' | 'enableSharing' | 'disableSharing' | 'rename' | 'adapters';
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
  readonly method: 'list' | 'disconnect' | 'connect' | 'security' | 'diagnose' | 'sharing' | 'enableSharing' | 'disableSharing' | 'rename' | 'adapters';
  /** The connection's GUID, for a call on one connection. */
  readonly id?: string;
  /** enableSharing's SHARINGCONNECTIONTYPE (0 public, 1 private). */
  readonly type?: number;
  /** rename's new name. */
  readonly newName?: string;
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
  adapters: 'GetAdaptersAddresses',
} as const;

type OnOne = 'disconnect' | 'connect' | 'enableSharing' | 'disableSharing' | 'rename';

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

// An action's own calls on its connection, as the addon makes them; a sharing change gets the
// connection's configuration first.
const OWN_STEPS: Record<OnOne, readonly string[]> = {
  disconnect: [STEPS.disconnect],
  connect: [STEPS.connect],
  enableSharing: [CONFIGURATION_STEP, STEPS.enableSharing],
  disableSharing: [CONFIGURATION_STEP, STEPS.disableSharing],
  rename: [STEPS.rename],
};

// What these answers on one connection mean to the addon while it walks them: the connection
// is gone (a USB adapter pulled, a VPN deleted), so it is left out.
const GONE = new Set([HRESULTS.ERROR_NOT_FOUND.hresult, HRESULTS.RPC_E_DISCONNECTED.hresult]);

// What the COM fake (test/fake-hnetshare) answers when a change breaks Windows' rules; what
// Windows itself answers there is not known, and netcon checks first so as never to ask.
const RULE_BROKEN = { sharing: HRESULTS.E_UNEXPECTED.hresult, name: HRESULTS.ERROR_DUP_NAME.hresult } as const;

interface State {
  raw: NativeRawConnection;
  /** `raw.id` canonical: what the client asks for. */
  guid: string;
  /** SHARINGCONNECTIONTYPE while shared, else null. */
  sharing: number | null;
  shareable: boolean;
  settling?: { status: number; at: number };
  /** Its network interface; null for none. */
  details: FakeDetailsInput | null;
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
  async function reach(call: FakeCall & { method: OnOne }, delayMs: number | undefined, hook?: AbandonHook): Promise<State | NativeActionResult> {
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
  function ownFailure(method: OnOne, state: State, step: string): NativeActionResult | undefined {
    const failure = on(method, state.guid).find((f) => f.at === step);
    if (!failure) return undefined;
    return failure.value === HRESULTS.ERROR_NOT_FOUND.hresult ? { ok: true, found: false } : failed(failure, state);
  }

  const succeeded = (state: State, hresult = 0): NativeActionResult => ({ ok: true, found: true, hresult, connection: { id: state.raw.id, name: state.raw.name } });
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
    disconnect: (_progId, guid, hook) => act('disconnect', guid, hook),
    connect: (_progId, guid, hook) => act('connect', guid, hook),
    async diagnose() {
      calls.push({ method: 'diagnose' });
      return HEALTHY_MACHINE;
    },
    apartment: () => ({ hresult: HRESULTS.CO_E_NOTINITIALIZED.hresult, type: 0, qualifier: 0 }),
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
      state.details = next.details;
      state.settling = undefined;
      changed();
      return true;
    },
  };
}
