// The public operations over any backend: validate, get the backend, call it, turn its
// plain-data answer into connections or typed errors.
import type { Backend } from './backend';
import { toNetConnection, type ConnectionStatus, type NetConnection } from './connection';
import { DEFAULT_PROG_ID } from './defaults';
import { diagnoseWith, type Diagnosis } from './diagnose';
import { joinDetails, type ListOptions } from './details';
import {
  CallTimeoutError,
  ComError,
  ComSecurityTooLateError,
  ConnectionNotFoundError,
  ConnectionNotShareableError,
  NetConAbortError,
  NetConInvalidArgValueError,
  SharingConflictError,
  TooManyHungCallsError,
  type ComOperation,
  type ConnectionRef,
  type NetConError,
  type ShareStep,
} from './errors';
import { asListed } from './guid';
import { errorFromHResult, outcomeOf, successCodeName } from './hresults';
import { abortedStop, limits, within, type CallOptions, type Limits, type Stop } from './limits';
import type { NativeActionResult, NativeFailure, NativeRefusal, NativeSharingChange } from './native';
import { SHARING_TYPES, notShareableError, planShare, toConnectionSharing, type ConnectionSharing, type RenameResult, type ShareResult, type SharingResult } from './sharing';
import { describeTarget, refuseTakenName, selectConnection, type Target } from './target';
import {
  optionsObject,
  parseCallOptions,
  parseCondition,
  parseDetailsOption,
  parseNewName,
  parseSharingRole,
  parseTarget,
  parseWaitOption,
  parseWaitOptions,
  parseWatchOptions,
  readProperty,
  type ParsedTarget,
  type SharingRole,
} from './validate';
import { SETTLED_STATUSES, pollUntil, type StatusCondition, type WaitOption, type WaitOptions } from './wait';
import { restoreOffline, runOffline, takeOffline, type OfflineContext, type OfflineOptions, type OfflineWindow, type RestoredConnection } from './offline';
import { watchConnections, type ConnectionChange, type WatchOptions } from './watch';
import { entryOperations, type DeleteResult } from './entries';
import { portMappingMethods, type NewPortMapping, type PortMapping, type PortMappingTarget } from './port-mappings';

/** What disconnect and connect resolve with. */
export interface ActionResult {
  /** The connection acted on. */
  readonly connection: {
    /** Its GUID, `{…}` upper case as listConnections gives it. */
    readonly id: string;
    /** Its name when it was acted on. */
    readonly name: string;
    /** The status waited for, with the `wait` option. */
    readonly status?: ConnectionStatus;
  };
  /** The success HRESULT Windows answered, unsigned: 0 (S_OK) nearly always. */
  readonly hresult: number;
  /** Its name (`'S_OK'`, `'S_FALSE'`, `'NETCFG_S_REBOOT'`, … see SUCCESS_CODES), or its hex value. */
  readonly code: string;
}

/** Options of disconnect and connect. `timeoutMs` and `signal` cover the action; `signal` covers a wait too. */
export interface ActionOptions extends CallOptions {
  /**
   * Also wait until Windows reports the connection down (disconnect: `disconnected`,
   * `hardware-disabled` or `media-disconnected`) or up (connect: `connected`), as
   * waitForStatus does. `true` uses its defaults. The wait has its own `timeoutMs`.
   */
  readonly wait?: WaitOption;
}

/** Options of `createClient`. */
export interface ClientOptions {
  /**
   * The ProgID of the COM class to use instead of `HNetCfg.HNetShare`: an
   * HNetShare-compatible test server registered on the machine. Resolved with
   * CLSIDFromProgID on each call.
   */
  readonly progId?: string;
  /**
   * `'impersonate'`: before its first call that reaches COM, the client calls
   * initializeComSecurity() (once per process), and that call fails with its error if it does.
   * RPC_E_TOO_LATE (the process's COM security is set already) is final: it is reported once,
   * by the call whose request got it, and every later call goes ahead with the security the
   * process has. For a process that owns its COM security, as netcon's CLI does.
   */
  readonly comSecurity?: 'impersonate';
}

/**
 * The public API. Every method but watch() returns a promise and never throws synchronously;
 * watch() throws ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE for bad options at once.
 */
export interface NetConClient {
  /**
   * Every connection `EnumEveryConnection` yields, disabled ones included, in Windows' order.
   * Rejects with a ComError subclass when a COM call fails, CallTimeoutError (`ERR_TIMEOUT`)
   * after `timeoutMs` (default 60,000), and an AbortError (`ABORT_ERR`) when `signal` aborts.
   */
  /**
   * With `details: true`, each connection also has `details`: its network interface as the IP
   * Helper API reports it (addresses, gateways, DNS servers, MAC, MTU, link speeds, whether it
   * holds the Internet), or null when Windows has no interface for it now.
   */
  listConnections(options?: ListOptions): Promise<NetConnection[]>;
  /**
   * The one connection with this name (compared ignoring case) or GUID (braces optional,
   * any case). Rejects with ERR_CONNECTION_NOT_FOUND, or ERR_AMBIGUOUS_CONNECTION when
   * several connections share the name.
   */
  /** With `details: true`, the connection has `details`, as listConnections gives it. */
  findConnection(target: string, options?: ListOptions): Promise<NetConnection>;
  /**
   * INetConnection::Disconnect on the connection given by name, GUID or a NetConnection.
   * Resolves once the call returned success, or with `{ wait: true }` once the connection is
   * also reported down. A timeout or abort while Windows is at work rejects with
   * `outcome: 'unknown'`: the disconnect may still happen.
   */
  disconnect(target: Target, options?: ActionOptions): Promise<ActionResult>;
  /**
   * INetConnection::Connect on the connection given by name, GUID or a NetConnection.
   * Resolves once the call returned success, or with `{ wait: true }` once the connection is
   * also reported `connected`. A timeout or abort while Windows is at work rejects with
   * `outcome: 'unknown'`: the connect may still happen.
   */
  connect(target: Target, options?: ActionOptions): Promise<ActionResult>;
  /**
   * Resolves with the connection once its status matches `status` (one status, any of
   * several, or a predicate), looking every `intervalMs`. Rejects with ERR_TIMEOUT after
   * `timeoutMs` (the error has `lastStatus`), also when a look at the connection does not
   * return in that time, with an AbortError when `signal` aborts, and with
   * ERR_CONNECTION_NOT_FOUND if the connection goes away.
   */
  waitForStatus(target: Target, status: StatusCondition, options?: WaitOptions): Promise<NetConnection>;
  /**
   * The machine's connection changes, as an async iterable: `for await (const change of
   * client.watch({ signal }))`. Each loop starts from a list taken as it begins and gets an
   * `added`, `removed` or `changed` event per difference after it, and an `error` event when
   * a list fails (the watch goes on). Lists every `intervalMs` (default 2,000) and, on Windows,
   * soon after Windows notifies a change. Ends without an error when `signal` aborts or the
   * loop exits. Off Windows the loop's first step rejects with ERR_UNSUPPORTED_PLATFORM.
   */
  watch(options?: WatchOptions): AsyncIterable<ConnectionChange>;
  /**
   * Every connection's Internet Connection Sharing, in Windows' order: whether it can be
   * shared, and whether it is shared as `public` (the connection shared) or `private` (the
   * network that receives it). Read-only. Errors, `timeoutMs` and `signal` as listConnections.
   */
  listSharing(options?: CallOptions): Promise<ConnectionSharing[]>;
  /** One connection's sharing (by name, GUID or NetConnection), as listSharing gives it. */
  getSharing(target: Target, options?: CallOptions): Promise<ConnectionSharing>;
  /**
   * Shares the connection as `'public'` (the one with the Internet) or `'private'` (the
   * network that receives it). Rejects with SharingConflictError (ERR_SHARING_CONFLICT) when
   * another connection has that role (Windows allows one of each), and
   * ConnectionNotShareableError when Windows cannot share this one. Needs an elevated process.
   */
  enableSharing(target: Target, role: SharingRole, options?: CallOptions): Promise<SharingResult>;
  /** Takes sharing off the connection; resolves also when it was not shared. Needs an elevated process. */
  disableSharing(target: Target, options?: CallOptions): Promise<SharingResult>;
  /** Takes sharing off every shared connection; resolves with those it changed. Needs an elevated process. */
  disableAllSharing(options?: CallOptions): Promise<SharingResult[]>;
  /**
   * Shares `publicTarget` (the connection with the Internet) to `privateTarget` (the network
   * that receives it), as people use ICS: first takes sharing off every other connection, since
   * Windows allows one public and one private connection, then enables the pair. When a step
   * fails it puts the earlier sharing back and rejects with that step's typed error
   * (`shareStep`, `restored`). A timeout or abort rejects with `outcome: 'unknown'` and puts
   * nothing back. Needs an elevated process.
   */
  shareConnection(publicTarget: Target, privateTarget: Target, options?: CallOptions): Promise<ShareResult>;
  /**
   * INetConnection::Rename. Rejects before any COM call with ERR_INVALID_ARG_VALUE for an
   * empty name, one longer than 255 characters or one with `\ / : * ? " < > |` or control
   * characters, and with ConnectionNameTakenError (ERR_CONNECTION_NAME_TAKEN) when another
   * connection has the name (ignoring case). Needs an elevated process.
   */
  rename(target: Target, newName: string, options?: CallOptions): Promise<RenameResult>;
  /**
   * Opts this process in to COM security at impersonate level (CoInitializeSecurity), which the
   * Network Connections service needs to show VPN and dial-up connections. Process-wide and
   * once only: call it at start-up, before anything else in the process uses COM. Rejects with
   * ComSecurityTooLateError (code RPC_E_TOO_LATE) when something set COM security first
   * (Electron does), and again, without asking COM, each time it is asked after that.
   * Resolves at once after a success. Access to COM objects this process exposes is granted
   * to local SYSTEM, Administrators and the process's own user.
   */
  initializeComSecurity(options?: CallOptions): Promise<void>;
  /**
   * Whether netcon can work here, and if not why: Windows, the process and binary, Node-API,
   * the COM class's registration, the Network Connections service, elevation, the calling
   * thread's apartment and a trial listConnections(), each `ok`, `warn` or `fail` with a fix.
   * Read-only. Resolves on every OS (off Windows with one failed `platform` check); rejects
   * only when `signal` aborts. `timeoutMs` bounds its calls into Windows together.
   */
  diagnose(options?: CallOptions): Promise<Diagnosis>;
  /** True only on Windows once the native module has loaded (it is loaded by this call if needed). */
  isSupported(): boolean;
  /**
   * Takes `targets` down (names, GUIDs or connections; by default every connection that is
   * `connected`; one already down is left alone and never brought up) and resolves with the
   * window once each is down. A guardian process brings them back when `maxMs` passes or this
   * process ends however it ends; `window.restore()` brings them back now. A failed disconnect
   * brings back what was taken down and rejects with OfflineWindowError.
   */
  takeOffline(targets?: readonly Target[], options?: OfflineOptions): Promise<OfflineWindow>;
  /** takeOffline(), then `fn(window)`, then restore() whatever `fn` did: `fn`'s result, or its error after restoring. */
  runOffline<T>(targets: readonly Target[] | undefined, fn: (window: OfflineWindow) => T | Promise<T>, options?: OfflineOptions): Promise<T>;
  /**
   * Brings back what offline windows of this client's COM class left down (after a reboot, or a
   * guardian that was killed), from their state files; `netcon offline --restore` runs it.
   */
  restoreOffline(options?: CallOptions): Promise<readonly RestoredConnection[]>;
  /**
   * INetConnection::Delete on a VPN or dial-up entry (by name, GUID or NetConnection). Rejects
   * before any COM call with ConnectionNotRemovableError (ERR_CONNECTION_NOT_REMOVABLE) when its
   * characteristics lack `allow-removal`. A timeout or abort once Windows may have started
   * rejects with `outcome: 'unknown'`. Cannot be undone.
   */
  deleteConnection(target: Target, options?: CallOptions): Promise<DeleteResult>;
  /**
   * INetConnection::Duplicate: a copy of a VPN or dial-up entry named `newName`, resolved with
   * the copy as listConnections gives it. Rejects before any COM call with
   * ConnectionNotDuplicableError (ERR_CONNECTION_NOT_DUPLICABLE) when its characteristics lack
   * `allow-duplication`, ERR_INVALID_ARG_VALUE for a name rename() refuses, and
   * ConnectionNameTakenError when a connection has the name. When only reading the copy back
   * fails, the ComError has `outcome: 'made'`: the copy exists.
   */
  duplicateConnection(target: Target, newName: string, options?: CallOptions): Promise<NetConnection>;
  /**
   * The port mappings of a connection (by name, GUID or NetConnection), in Windows' order.
   * Read-only. Rejects with ConnectionNotShareableError for a connection Windows cannot share;
   * errors, `timeoutMs` and `signal` otherwise as listConnections.
   */
  listPortMappings(target: Target, options?: CallOptions): Promise<PortMapping[]>;
  /**
   * Adds a port mapping to the connection shared as public, and enables it with `enabled:
   * true` (Windows adds it disabled); resolves with it as Windows reads it back. Rejects before
   * any change with ConnectionNotSharedAsPublicError (ERR_CONNECTION_NOT_SHARED_AS_PUBLIC) and
   * PortMappingExistsError (ERR_PORT_MAPPING_EXISTS: that protocol and external port are
   * mapped). Needs an elevated process.
   */
  addPortMapping(target: Target, mapping: NewPortMapping, options?: CallOptions): Promise<PortMapping>;
  /**
   * Removes the mapping named by its name or `{ protocol, externalPort }`; resolves with it as
   * it was. Rejects with PortMappingNotFoundError (ERR_PORT_MAPPING_NOT_FOUND), and with
   * AmbiguousPortMappingError (ERR_AMBIGUOUS_PORT_MAPPING) when several mappings have the name.
   */
  removePortMapping(target: Target, mapping: PortMappingTarget, options?: CallOptions): Promise<PortMapping>;
  /** Enables the mapping (named as for removePortMapping); resolves with it, enabled. */
  enablePortMapping(target: Target, mapping: PortMappingTarget, options?: CallOptions): Promise<PortMapping>;
  /** Disables the mapping (named as for removePortMapping); resolves with it, disabled. */
  disablePortMapping(target: Target, mapping: PortMappingTarget, options?: CallOptions): Promise<PortMapping>;
}

// COM security is the process's, set once: one request per backend (the process's addon) is
// made, and every caller shares it. RPC_E_TOO_LATE is final for the process (something set it
// first, or COM set its defaults when an interface was first marshalled): the call that asked
// reports it, and every later opted-in call goes ahead with the security the process has. Any
// other failure is forgotten, so a later call may try again.
const securityRequests = new WeakMap<Backend, Promise<void>>();

/** Where a native call happens, for its errors: the public call, and what it is about. */
interface CallContext {
  readonly operation: ComOperation;
  readonly target?: string;
  readonly connection?: ConnectionRef;
  readonly shareStep?: ShareStep;
  readonly restored?: boolean;
  readonly restoreErrors?: readonly Error[];
}

function toError(failure: NativeFailure | NativeRefusal, progId: string, context: CallContext): NetConError {
  if ('refused' in failure) return new TooManyHungCallsError(context.operation, failure.stuck, context.target);
  return errorFromHResult(failure.hresult, {
    progId: progId === DEFAULT_PROG_ID ? undefined : progId,
    operation: context.operation,
    step: failure.step,
    // Upper-cased as listConnections() reports ids, so err.connection.id matches a listed id
    // whether the call named a GUID (the server's own case) or a name (a listed id).
    connection: failure.connection ? asListed(failure.connection) : context.connection,
    systemMessage: failure.message,
    target: context.target,
    shareStep: context.shareStep,
    restored: context.restored,
    restoreErrors: context.restoreErrors,
    outcome: outcomeOf(failure.hresult, failure.step),
  });
}

// A disconnect or connect stopped once Windows may have started on it has an unknown outcome.
function stoppedError(why: Stop, limits: Limits, context: CallContext, actionStarted: boolean): NetConError {
  const outcome = actionStarted ? ('unknown' as const) : undefined;
  if (why.kind === 'abort') return new NetConAbortError(why.reason, { operation: context.operation, outcome });
  return new CallTimeoutError({ ...context, timeoutMs: limits.timeoutMs, outcome });
}

/** A client that gets its backend from `getBackend` on each call, after validating arguments. */
export function createClientWith(
  getBackend: () => Backend,
  progId: string = DEFAULT_PROG_ID,
  { comSecurity = false, guardian = false }: { comSecurity?: boolean; guardian?: boolean } = {},
): NetConClient {
  // `asked`: initializeComSecurity() itself, which answers RPC_E_TOO_LATE every time it is
  // asked; an opted-in call hears of it only if its own request got that answer.
  function initializeSecurity(backend: Backend, bounds: Limits, asked: boolean): Promise<void> {
    const earlier = securityRequests.get(backend);
    if (earlier) {
      return earlier.catch((error: unknown) => {
        if (asked || !(error instanceof ComSecurityTooLateError)) throw error;
      });
    }
    const context: CallContext = { operation: 'security' };
    const request = within(bounds, (hook) => backend.initializeSecurity(hook), (why) => stoppedError(why, bounds, context, false)).then((result) => {
      if (!result.ok) throw toError(result, progId, context);
    });
    securityRequests.set(backend, request);
    request.catch((error: unknown) => {
      if (!(error instanceof ComSecurityTooLateError)) securityRequests.delete(backend);
    });
    return request;
  }

  // Every call's first native step: with the comSecurity option, the process's COM security.
  const prepare = (backend: Backend, bounds: Limits) => (comSecurity ? initializeSecurity(backend, bounds, false) : undefined);

  async function list(backend: Backend, bounds: Limits, context: CallContext, details = false): Promise<NetConnection[]> {
    await prepare(backend, bounds);
    const result = await within(bounds, (hook) => backend.list(progId, hook), (why) => stoppedError(why, bounds, context, false));
    if (!result.ok) throw toError(result, progId, context);
    const connections = result.connections.map(toNetConnection);
    if (!details) return connections;
    // After the list, within what is left of the same deadline: the IP Helper API's failure
    // is this call's, a typed error naming its step (GetAdaptersAddresses, GetIpForwardTable2).
    const adapters = await within(bounds, (hook) => backend.adapters(hook), (why) => stoppedError(why, bounds, context, false));
    if (!adapters.ok) throw toError(adapters, progId, context);
    return joinDetails(connections, adapters);
  }

  // One look at the connection while waiting, within what is left of the wait. After an
  // action it looks by GUID, so a rename meanwhile does not lose the connection.
  const lookAt = (backend: Backend, parsed: ParsedTarget, target: string) => async (bounds: Limits) =>
    selectConnection(await list(backend, bounds, { operation: 'wait', target }), parsed);

  // A public call's timeoutMs and signal, checked before any COM call: an aborted signal means
  // no call at all.
  function boundsFor(options: object | undefined, operation: ComOperation): Limits {
    const call = parseCallOptions(options);
    const bounds = limits(call.timeoutMs, [call.signal]);
    const stop = abortedStop(bounds);
    if (stop?.kind === 'abort') throw new NetConAbortError(stop.reason, { operation });
    return bounds;
  }

  async function apply(action: 'disconnect' | 'connect', target: unknown, options: unknown): Promise<ActionResult> {
    const parsed = parseTarget(target, { allowConnection: true });
    const object = optionsObject(options);
    const wait = object === undefined ? undefined : parseWaitOption(readProperty(object, 'wait', 'options'));
    const bounds = boundsFor(object, action);
    const backend = getBackend();
    const targetText = describeTarget(parsed);

    let guid: string;
    let selected: ConnectionRef | undefined;
    if (parsed.kind === 'guid') {
      guid = parsed.guid;
    } else {
      // A name needs a list first; the list's failures are reported as this action's.
      const connection = selectConnection(await list(backend, bounds, { operation: action, target: targetText }), parsed);
      selected = { id: connection.id, name: connection.name };
      guid = connection.id;
    }

    await prepare(backend, bounds);
    const context: CallContext = { operation: action, target: targetText, connection: selected };
    const stopped = (why: Stop) => stoppedError(why, bounds, { ...context, connection: selected ?? { id: guid } }, true);
    const result = await within(bounds, (hook) => backend[action](progId, guid, hook), stopped);
    const { connection: acted, hresult } = found(result, context);
    const answer = { hresult: hresult >>> 0, code: successCodeName(hresult) };
    if (!wait) return { connection: acted, ...answer };
    const look = lookAt(backend, { kind: 'guid', guid }, targetText);
    const settled = await pollUntil(look, parseCondition(SETTLED_STATUSES[action]), wait, targetText, bounds.signals);
    return { connection: { ...acted, status: settled.status }, ...answer };
  }

  async function readSharing(backend: Backend, bounds: Limits, context: CallContext): Promise<ConnectionSharing[]> {
    await prepare(backend, bounds);
    const result = await within(bounds, (hook) => backend.sharing(progId, hook), (why) => stoppedError(why, bounds, context, false));
    if (!result.ok) throw toError(result, progId, context);
    return result.connections.map(toConnectionSharing);
  }

  // One EnableSharing or DisableSharing on context.connection; a timeout or abort once it has
  // started leaves its outcome unknown.
  async function setSharing(backend: Backend, bounds: Limits, context: CallContext & { connection: ConnectionRef }, change: NativeSharingChange) {
    await prepare(backend, bounds);
    const result = await within(
      bounds,
      (hook) => backend.setSharing(progId, context.connection.id, change, hook),
      (why) => stoppedError(why, bounds, context, true),
    );
    // A connection Windows gives no sharing configuration: the same answer as a read gives.
    const notShareable = notShareableError(result, context.connection);
    if (notShareable) throw notShareable;
    return found(result, context).connection;
  }

  // An action's answer: the connection acted on and the success HRESULT, or its typed error.
  function found(result: NativeActionResult, context: CallContext): { connection: { id: string; name: string }; hresult: number } {
    if (!result.ok) throw toError(result, progId, context);
    // Listed a moment ago but gone now (adapter removed, VPN deleted): the same answer as a
    // GUID never there.
    if (!result.found) throw new ConnectionNotFoundError(context.target ?? context.connection?.id ?? '');
    return { connection: asListed(result.connection), hresult: result.hresult };
  }

  // The connection `parsed` names, from a sharing read; one it cannot share is refused here.
  function shareable(connections: readonly ConnectionSharing[], parsed: ParsedTarget): ConnectionSharing {
    const connection = selectConnection(connections, parsed);
    if (!connection.shareable) throw new ConnectionNotShareableError({ id: connection.id, name: connection.name });
    return connection;
  }

  // Undoes shareConnection's changes made so far, last first, each within its own fresh
  // deadline: this runs after a failure, and the caller's deadline may be nearly spent.
  async function putBack(backend: Backend, timeoutMs: number, made: ReturnType<typeof planShare>, target: string): Promise<Error[]> {
    const errors: Error[] = [];
    for (const change of [...made].reverse()) {
      const context = { operation: 'share' as const, target, connection: change.connection };
      await setSharing(backend, limits(timeoutMs, []), context, change.undo).catch((error: Error) => errors.push(error));
    }
    return errors;
  }

  async function share(publicTarget: unknown, privateTarget: unknown, options: unknown): Promise<ShareResult> {
    const parsedPublic = parseTarget(publicTarget, { allowConnection: true }, 'publicTarget');
    const parsedPrivate = parseTarget(privateTarget, { allowConnection: true }, 'privateTarget');
    const bounds = boundsFor(optionsObject(options), 'share');
    const backend = getBackend();
    const target = `"${describeTarget(parsedPublic)}" to "${describeTarget(parsedPrivate)}"`;
    const before = await readSharing(backend, bounds, { operation: 'share', target, shareStep: 'read' });
    const publicSide = shareable(before, parsedPublic);
    const privateSide = shareable(before, parsedPrivate);
    if (publicSide.id === privateSide.id) {
      throw new NetConInvalidArgValueError('privateTarget', 'another connection than publicTarget', privateTarget);
    }
    const plan = planShare(before, publicSide, privateSide);
    for (let i = 0; i < plan.length; i++) {
      const { step, connection, change } = plan[i];
      try {
        await setSharing(backend, bounds, { operation: 'share', target, connection, shareStep: step }, change);
      } catch (error) {
        // Stopped while Windows was at work: that change may still land, so nothing is undone.
        if (!(error instanceof ComError) && !(error instanceof ConnectionNotFoundError) && !(error instanceof ConnectionNotShareableError)) throw error;
        const restoreErrors = await putBack(backend, bounds.timeoutMs, plan.slice(0, i), target);
        const restored = restoreErrors.length === 0;
        if (!(error instanceof ComError)) throw error;
        throw errorFromHResult(error.hresult, {
          progId: progId === DEFAULT_PROG_ID ? undefined : progId,
          operation: 'share',
          step: error.step,
          connection: error.connection ?? connection,
          systemMessage: error.systemMessage,
          target,
          shareStep: step,
          restored,
          restoreErrors: restored ? undefined : restoreErrors,
          outcome: error.outcome,
        });
      }
    }
    return {
      public: { id: publicSide.id, name: publicSide.name },
      private: { id: privateSide.id, name: privateSide.name },
      unshared: plan.flatMap((c) => (c.was === undefined ? [] : [{ ...c.connection, sharing: c.was }])),
    };
  }

  async function rename(target: unknown, newName: unknown, options: unknown): Promise<RenameResult> {
    const parsed = parseTarget(target, { allowConnection: true });
    const name = parseNewName(newName);
    const bounds = boundsFor(optionsObject(options), 'rename');
    const backend = getBackend();
    const targetText = describeTarget(parsed);
    const connections = await list(backend, bounds, { operation: 'rename', target: targetText });
    const connection = selectConnection(connections, parsed);
    refuseTakenName(connections, name, connection.id);
    const context = { operation: 'rename' as const, target: targetText, connection: { id: connection.id, name: connection.name } };
    const result = await within(bounds, (hook) => backend.rename(progId, connection.id, name, hook), (why) => stoppedError(why, bounds, context, true));
    const renamed = found(result, context).connection;
    return { connection: { id: renamed.id, name }, previousName: connection.name };
  }

  const entries = entryOperations({
    progId,
    getBackend,
    bounds: boundsFor,
    list: (backend, bounds, context) => list(backend, bounds, context),
    act: (bounds, context, call) => within(bounds, call, (why) => stoppedError(why, bounds, context, true)),
    found,
    toError: (failure, context) => toError(failure, progId, context),
  });

  // The offline window works through this client's own calls; only a real one has a guardian.
  const offline: OfflineContext = { get client() { return client; }, progId, comSecurity, guardian, open: new Set() };
  const client: NetConClient = {
    async listConnections(options?: ListOptions) {
      const object = optionsObject(options);
      const details = parseDetailsOption(object);
      return list(getBackend(), boundsFor(object, 'list'), { operation: 'list' }, details);
    },
    async findConnection(target: string, options?: ListOptions) {
      const parsed = parseTarget(target, { allowConnection: false });
      const object = optionsObject(options);
      const details = parseDetailsOption(object);
      const bounds = boundsFor(object, 'find');
      const backend = getBackend();
      return selectConnection(await list(backend, bounds, { operation: 'find', target }, details), parsed);
    },
    disconnect: (target, options) => apply('disconnect', target, options),
    connect: (target, options) => apply('connect', target, options),
    async waitForStatus(target, status, options) {
      const parsed = parseTarget(target, { allowConnection: true });
      const condition = parseCondition(status);
      const wait = parseWaitOptions(options);
      const targetText = describeTarget(parsed);
      return pollUntil(lookAt(getBackend(), parsed, targetText), condition, wait, targetText, []);
    },
    watch(options) {
      const parsed = parseWatchOptions(options);
      const details = parseDetailsOption(options as object | undefined);
      const listFor = (backend: Backend) => (bounds: Limits) => list(backend, bounds, { operation: 'watch' }, details);
      // Watchers with and without details share no hub: their lists differ.
      return watchConnections(getBackend, `${progId}\n${comSecurity}\n${details}`, listFor, parsed);
    },
    async diagnose(options) {
      const bounds = boundsFor(optionsObject(options), 'diagnose');
      const context: CallContext = { operation: 'diagnose' };
      return diagnoseWith({
        progId,
        backend: getBackend,
        facts: (backend) =>
          within(bounds, (hook) => backend.diagnose(progId, hook), (why) => stoppedError(why, bounds, context, false)).then(
            (result) => (result.ok ? result : toError(result, progId, context)),
            (error: Error) => error,
          ),
        trialList: (backend) => list(backend, bounds, { operation: 'list' }),
      });
    },
    async listSharing(options) {
      return readSharing(getBackend(), boundsFor(optionsObject(options), 'sharing'), { operation: 'sharing' });
    },
    async getSharing(target, options) {
      const parsed = parseTarget(target, { allowConnection: true });
      const bounds = boundsFor(optionsObject(options), 'sharing');
      const targetText = describeTarget(parsed);
      return selectConnection(await readSharing(getBackend(), bounds, { operation: 'sharing', target: targetText }), parsed);
    },
    async enableSharing(target, role, options) {
      const parsed = parseTarget(target, { allowConnection: true });
      const wanted = parseSharingRole(role);
      const bounds = boundsFor(optionsObject(options), 'enableSharing');
      const backend = getBackend();
      const context = { operation: 'enableSharing' as const, target: describeTarget(parsed) };
      const before = await readSharing(backend, bounds, context);
      const connection = shareable(before, parsed);
      const ref = { id: connection.id, name: connection.name };
      const holder = before.find((c) => c.id !== connection.id && c.sharing === wanted);
      if (holder) throw new SharingConflictError(wanted, ref, { id: holder.id, name: holder.name });
      if (connection.sharing === wanted) return { connection: ref, sharing: wanted };
      return { connection: await setSharing(backend, bounds, { ...context, connection: ref }, SHARING_TYPES[wanted]), sharing: wanted };
    },
    async disableSharing(target, options) {
      const parsed = parseTarget(target, { allowConnection: true });
      const bounds = boundsFor(optionsObject(options), 'disableSharing');
      const backend = getBackend();
      const context = { operation: 'disableSharing' as const, target: describeTarget(parsed) };
      // A GUID needs no look first; a name does, and then refuses one that cannot be shared.
      const ref: ConnectionRef =
        parsed.kind === 'guid' ? { id: parsed.guid } : shareable(await readSharing(backend, bounds, context), parsed);
      const connection = await setSharing(backend, bounds, { ...context, connection: { id: ref.id, name: ref.name } }, 'off');
      return { connection, sharing: null };
    },
    async disableAllSharing(options) {
      const bounds = boundsFor(optionsObject(options), 'disableSharing');
      const backend = getBackend();
      const shared = (await readSharing(backend, bounds, { operation: 'disableSharing' })).filter((c) => c.sharing !== null);
      const changed: SharingResult[] = [];
      for (const c of shared) {
        const context = { operation: 'disableSharing' as const, target: c.name, connection: { id: c.id, name: c.name } };
        changed.push({ connection: await setSharing(backend, bounds, context, 'off'), sharing: null });
      }
      return changed;
    },
    shareConnection: (publicTarget, privateTarget, options) => share(publicTarget, privateTarget, options),
    rename: (target, newName, options) => rename(target, newName, options),
    async initializeComSecurity(options) {
      return initializeSecurity(getBackend(), boundsFor(optionsObject(options), 'security'), true);
    },
    takeOffline: (targets, options) => takeOffline(offline, targets, options),
    runOffline: (targets, fn, options) => runOffline(offline, targets, fn, options),
    restoreOffline: (options) => restoreOffline(offline, options),
    deleteConnection: (target, options) => entries.deleteConnection(target, options),
    duplicateConnection: (target, newName, options) => entries.duplicateConnection(target, newName, options),
    ...portMappingMethods({
      progId,
      getBackend,
      boundsFor,
      prepare,
      list,
      toError: (failure, context) => toError(failure, progId, context),
      stopped: (why, bounds, context, actionStarted) => stoppedError(why, bounds, context, actionStarted),
    }),
    isSupported() {
      try {
        getBackend();
        return true;
      } catch {
        return false;
      }
    },
  };
  return client;
}
