// netcon/testing: the same API over an in-memory machine, for users' unit tests on any OS.
// It is the real client (validation, target selection, errors, waiting) over a binding that
// answers from memory instead of COM, so it behaves as netcon does by construction; the Wine
// suite runs shared scenarios against both to keep it so.

/**
 * `netcon/testing`: createFakeClient, an in-memory machine with netcon's API, errors and
 * state changes, for unit tests of code that uses netcon, on any OS.
 * @module netcon/testing
 */
import type { AbandonHook, Backend } from './backend';
import { createClientWith, type NetConClient } from './client';
import {
  CONNECTION_STATUSES,
  MEDIA_TYPES,
  toNetConnection,
  type ConnectionStatus,
  type MediaType,
  type NetConnection,
} from './connection';
import { DEFAULT_PROG_ID } from './defaults';
import { NetConInvalidArgValueError } from './errors';
import { canonicalGuid } from './guid';
import { HRESULTS, SUCCESS_CODES, type HResultCode } from './hresults';
import type { NativeActionResult, NativeListResult, NativeRawConnection } from './native';
import { optionsObject } from './validate';

/** A connection of the fake machine. Unset fields default to a connected LAN adapter. */
export interface FakeConnectionInput {
  /** A GUID, braces optional. */
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
}

/** A scripted COM failure: which call fails, for which connection, with which HRESULT. */
export interface FakeFailure {
  /** `'list'` fails every lookup (listConnections, findConnection, name targets, waits); `'security'` initializeComSecurity. */
  readonly on: 'list' | 'disconnect' | 'connect' | 'security';
  /** Only for this connection (disconnect/connect); every one when absent. */
  readonly id?: string;
  /** A code of the HRESULTS table (`'E_ACCESSDENIED'`) or any failing HRESULT. */
  readonly hresult: HResultCode | number;
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
  /** `'list'` for every lookup, `'security'` for initializeComSecurity, else the action. */
  readonly method: 'list' | 'disconnect' | 'connect' | 'security';
  /** The connection's GUID, for disconnect and connect. */
  readonly id?: string;
}

/** A NetConClient over the fake machine, with a view into it for assertions. */
export interface FakeClient extends NetConClient {
  /** Every call that reached the fake machine (argument errors never do). */
  readonly calls: readonly FakeCall[];
  /** The machine's connections now, as listConnections() would give them. */
  connections(): NetConnection[];
}

/** The step the real addon names for each kind of failure. */
const STEPS = {
  list: 'EnumEveryConnection',
  disconnect: 'INetConnection::Disconnect',
  connect: 'INetConnection::Connect',
  security: 'CoInitializeSecurity',
} as const;

interface State {
  raw: NativeRawConnection;
  settling?: { status: number; at: number };
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

function hresultOf(failure: FakeFailure, index: number): number {
  const { hresult } = failure;
  if (typeof hresult === 'number') return hresult >>> 0;
  if (!(hresult in HRESULTS)) throw new NetConInvalidArgValueError(`failures[${index}].hresult`, 'a code of HRESULTS or a number', hresult);
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

/**
 * An in-memory stand-in for netcon with the same functions, errors and state changes, for
 * testing code that uses netcon without touching a real network:
 *
 * ```js
 * const client = createFakeClient({
 *   connections: [{ id: '{6B0C3F2A-91D4-4E8B-A7C5-2F1E3D4C5B6A}', name: 'Ethernet' }],
 *   failures: [{ on: 'connect', hresult: 'E_ACCESSDENIED' }],
 * });
 * await client.disconnect('Ethernet', { wait: true });
 * ```
 */
export function createFakeClient(options: FakeClientOptions = {}): FakeClient {
  optionsObject(options);
  const states: State[] = (options.connections ?? []).map((c, i) => {
    if (typeof c?.id !== 'string' || canonicalGuid(c.id) === undefined) {
      throw new NetConInvalidArgValueError(`connections[${i}].id`, 'a GUID', c?.id);
    }
    return {
      raw: {
        id: canonicalGuid(c.id)!,
        name: String(c.name),
        deviceName: c.deviceName ?? 'Fake Adapter',
        status: rawValue(c.status, CONNECTION_STATUSES, 'connected', `connections[${i}].status`),
        mediaType: rawValue(c.mediaType, MEDIA_TYPES, 'lan', `connections[${i}].mediaType`),
        characteristics: c.characteristics ?? 0,
      },
    };
  });
  const failures = (options.failures ?? []).map((f, i) => ({ ...f, id: f.id && canonicalGuid(f.id), value: hresultOf(f, i) }));
  const successes = (options.successes ?? []).map((s, i) => ({ ...s, id: s.id && canonicalGuid(s.id), value: successOf(s, i) }));
  const calls: FakeCall[] = [];

  // The in-between status of a settling connection ends by the clock, as in the COM fake.
  const current = (state: State): NativeRawConnection => {
    if (state.settling && Date.now() >= state.settling.at) {
      state.raw = { ...state.raw, status: state.settling.status };
      state.settling = undefined;
    }
    return { ...state.raw };
  };
  const failing = (on: FakeFailure['on'], id?: string) => failures.find((f) => f.on === on && (!f.id || f.id === id));

  async function act(method: 'disconnect' | 'connect', guid: string, hook?: AbandonHook): Promise<NativeActionResult> {
    calls.push({ method, id: guid });
    await sleep(options.delays?.[method], hook);
    const state = states.find((s) => s.raw.id === guid);
    if (!state) return { ok: true, found: false };
    const connection = { id: state.raw.id, name: state.raw.name };
    const failure = failing(method, guid);
    if (failure) return { ok: false, hresult: failure.value, step: STEPS[method], message: '', connection };
    const { settling, done } = OUTCOME[method];
    const settleMs = options.settle?.[method] ?? 0;
    state.settling = settleMs > 0 ? { status: done, at: Date.now() + settleMs } : undefined;
    state.raw = { ...state.raw, status: settleMs > 0 ? settling : done };
    const success = successes.find((s) => s.on === method && (!s.id || s.id === guid));
    return { ok: true, found: true, hresult: success?.value ?? 0, connection };
  }

  const backend: Backend = {
    async list(_progId, hook): Promise<NativeListResult> {
      calls.push({ method: 'list' });
      await sleep(options.delays?.list, hook);
      const failure = failing('list');
      if (failure) return { ok: false, hresult: failure.value, step: STEPS.list, message: '' };
      return { ok: true, connections: states.map(current) };
    },
    async initializeSecurity() {
      calls.push({ method: 'security' });
      const failure = failing('security');
      return failure ? { ok: false, hresult: failure.value, step: STEPS.security, message: '' } : { ok: true };
    },
    disconnect: (_progId, guid, hook) => act('disconnect', guid, hook),
    connect: (_progId, guid, hook) => act('connect', guid, hook),
  };

  const client = createClientWith(() => backend, DEFAULT_PROG_ID);
  return {
    ...client,
    calls,
    connections: () => states.map(current).map(toNetConnection),
  };
}

export type { NetConClient, NetConnection };
