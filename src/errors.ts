// Every error netcon raises, as classes. Which HRESULT makes which class is hresults.ts's
// table; the words of the messages are messages.ts's and received.ts's.
import { operationLabel } from './messages';
import { argumentPhrase, describeReceived, shortInspect } from './received';

/** The public call a COM failure happened in; it opens the error message. */
export type ComOperation =
  | 'list'
  | 'find'
  | 'disconnect'
  | 'connect'
  | 'wait'
  | 'watch'
  | 'security'
  | 'diagnose'
  | 'sharing'
  | 'enableSharing'
  | 'disableSharing'
  | 'share'
  | 'rename'
  | 'delete'
  | 'duplicate'
  | 'portMappings'
  | 'addPortMapping'
  | 'removePortMapping'
  | 'enablePortMapping'
  | 'disablePortMapping';

/**
 * The step of shareConnection() that failed: reading the sharing, taking sharing off another
 * connection, or enabling the public or the private side.
 */
export type ShareStep = 'read' | 'unshare' | 'enable-public' | 'enable-private';

/** The connection an error is about, as far as it is known. */
export interface ConnectionRef {
  /** The connection's GUID, `{…}` upper case as listConnections gives it. */
  readonly id: string;
  /** The connection's name, when the failing call knew it. */
  readonly name?: string;
}

// Marks every error netcon creates, so NetConError can recognise the argument errors,
// which cannot inherit from it (see [Symbol.hasInstance] below).
const NETCON_ERROR = Symbol('netcon.error');

function brand(error: Error): void {
  // Non-enumerable: keeps util.inspect and JSON.stringify output free of it.
  Object.defineProperty(error, NETCON_ERROR, { value: true });
}

/** Base class of every error netcon raises; `code` is a stable string to branch on. */
export class NetConError extends Error {
  /** `'E_ACCESSDENIED'`-style HRESULT name, `'E_UNKNOWN_HRESULT'`, or a Node-style `'ERR_*'` code. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NetConError';
    this.code = code;
    brand(this);
  }

  /**
   * `err instanceof NetConError` holds for every error netcon raises, including
   * NetConInvalidArgTypeError and NetConInvalidArgValueError. Those must be real
   * TypeError/RangeError instances, as Node's own are, and a class has only one parent, so
   * they cannot extend NetConError; this check recognises them by a mark netcon sets.
   * Subclasses (ComError, ...) inherit this method; for them it is the ordinary
   * prototype-chain check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== NetConError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && NETCON_ERROR in value;
  }
}

/** An argument of the wrong type, as Node reports it: a `TypeError` with code `ERR_INVALID_ARG_TYPE`. */
export class NetConInvalidArgTypeError extends TypeError {
  /** The code Node gives its own errors of this kind, so one `err.code` check covers both. */
  readonly code = 'ERR_INVALID_ARG_TYPE';

  constructor(argName: string, expected: string, received: unknown) {
    super(`${argumentPhrase(argName)} must be ${expected}. Received ${describeReceived(received)}`);
    brand(this);
  }
}

/** An argument of the right type but an unusable value: a `RangeError` with code `ERR_INVALID_ARG_VALUE`. */
export class NetConInvalidArgValueError extends RangeError {
  /** The code Node gives its own errors of this kind, so one `err.code` check covers both. */
  readonly code = 'ERR_INVALID_ARG_VALUE';

  constructor(argName: string, expected: string, received: unknown, options?: { cause?: unknown }) {
    super(`${argumentPhrase(argName)} must be ${expected}. Received ${shortInspect(received)}`, options);
    brand(this);
  }
}

/** Thrown by every call when the process is not running on Windows. */
export class UnsupportedPlatformError extends NetConError {
  /** `process.platform` of the process that made the call, e.g. `'linux'`. */
  readonly platform: string;

  constructor(platform: string) {
    super(
      'ERR_UNSUPPORTED_PLATFORM',
      `netcon only works on Windows: this process runs on "${platform}", which has no INetConnection COM interface.`,
    );
    this.name = 'UnsupportedPlatformError';
    this.platform = platform;
  }
}

/** On Windows, the native module could not be loaded; `cause` holds the loader's error. */
export class NativeModuleLoadError extends NetConError {
  constructor(cause: unknown, arch: string) {
    // The first line says what failed; require stacks and search paths stay in `cause`.
    const reason = (cause instanceof Error ? cause.message : String(cause)).trim().split(/\r?\n/)[0];
    super(
      'ERR_NATIVE_MODULE_LOAD',
      [
        `netcon could not load its native module for win32-${arch}: ${reason}`,
        'Possible solutions:',
        '- Reinstall netcon so that its install step runs (npm install, without --ignore-scripts).',
        `- Make sure a prebuild for win32-${arch} is present (prebuilds/win32-${arch}/ in the netcon package).`,
        '- To build from source, install Visual Studio Build Tools with the "Desktop development with C++" workload, then reinstall netcon.',
      ].join('\n'),
      { cause },
    );
    this.name = 'NativeModuleLoadError';
  }
}

/** No connection has the requested name or GUID. */
export class ConnectionNotFoundError extends NetConError {
  /** The name as given, or the GUID in canonical form. */
  readonly target: string;

  constructor(target: string) {
    super('ERR_CONNECTION_NOT_FOUND', `No network connection matches "${target}".`);
    this.name = 'ConnectionNotFoundError';
    this.target = target;
  }
}

/** waitForStatus (or a `wait` option) gave up: the connection never reached the status asked for. */
export class WaitTimeoutError extends NetConError {
  /** The name as given, or the GUID in canonical form. */
  readonly target: string;
  /** The `timeoutMs` the wait was given. */
  readonly timeoutMs: number;
  /** The status seen at the last poll; undefined when no look at the connection returned in time. */
  readonly lastStatus?: string;

  constructor(target: string, timeoutMs: number, expected: string, lastStatus: string | undefined) {
    const last = lastStatus === undefined ? 'no look at it returned in that time' : `its status was last ${lastStatus}`;
    super('ERR_TIMEOUT', `"${target}" did not become ${expected} within ${timeoutMs} ms; ${last}.`);
    this.name = 'WaitTimeoutError';
    this.target = target;
    this.timeoutMs = timeoutMs;
    if (lastStatus !== undefined) this.lastStatus = lastStatus;
  }
}

/** A call or a wait stopped by its AbortSignal; `cause` is the signal's reason, as Node's own AbortError. */
export class NetConAbortError extends NetConError {
  /** The public call that was aborted, when netcon knows it. */
  readonly operation?: ComOperation;
  /** `'unknown'` when a disconnect or connect was aborted while Windows was at work: it may still complete. */
  readonly outcome?: 'unknown';

  constructor(cause: unknown, details: { operation?: ComOperation; outcome?: 'unknown' } = {}) {
    super('ABORT_ERR', 'The operation was aborted', { cause });
    this.name = 'AbortError';
    if (details.operation !== undefined) this.operation = details.operation;
    if (details.outcome !== undefined) this.outcome = details.outcome;
  }
}

/** What CallTimeoutError is made from: the fields it then has. */
export type CallTimeoutDetails = Pick<CallTimeoutError, 'operation' | 'timeoutMs' | 'target' | 'connection' | 'outcome'>;

/**
 * A call's COM work did not finish within its `timeoutMs`. netcon stopped waiting; the COM
 * call itself may still be running in Windows (netcon cancels it where Windows can).
 */
export class CallTimeoutError extends NetConError {
  /** The public call that timed out. */
  readonly operation: ComOperation;
  /** The `timeoutMs` the call was given. */
  readonly timeoutMs: number;
  /** The name or GUID the caller asked for. */
  readonly target?: string;
  /** The connection, when the call had found it. */
  readonly connection?: ConnectionRef;
  /** `'unknown'` for disconnect and connect: Windows may still complete the action after the deadline. */
  readonly outcome?: 'unknown';

  constructor(details: CallTimeoutDetails) {
    const label = operationLabel(details);
    const unknown = details.outcome === 'unknown' ? ' It may still complete: check the connection\'s status before retrying.' : '';
    super('ERR_TIMEOUT', `${label} timed out after ${details.timeoutMs} ms (timeoutMs): Windows did not answer in time.${unknown}`);
    this.name = 'CallTimeoutError';
    this.operation = details.operation;
    this.timeoutMs = details.timeoutMs;
    if (details.target !== undefined) this.target = details.target;
    if (details.connection !== undefined) this.connection = copyConnection(details.connection);
    if (details.outcome !== undefined) this.outcome = details.outcome;
  }
}

/**
 * netcon refused to start a call: so many earlier calls are still stuck in Windows past their
 * deadline that it will not start more threads. They end when Windows answers them.
 */
export class TooManyHungCallsError extends NetConError {
  /** The public call that was refused. */
  readonly operation: ComOperation;
  /** How many calls are stuck. */
  readonly hung: number;

  constructor(operation: ComOperation, hung: number, target?: string) {
    super(
      'ERR_TOO_MANY_HUNG_CALLS',
      `${operationLabel({ operation, target })} refused: ${hung} earlier calls are still stuck in Windows past their deadline, and netcon ` +
        'starts no more threads while they are. They end when Windows answers them; the Network Connections service (Netman) may be hung.',
    );
    this.name = 'TooManyHungCallsError';
    this.operation = operation;
    this.hung = hung;
  }
}

/** Several connections share the requested name; pass one of `candidates` (GUIDs) instead. */
export class AmbiguousConnectionError extends NetConError {
  /** The name as given. */
  readonly target: string;
  /** The GUIDs of every connection with that name, in listConnections' order. */
  readonly candidates: readonly string[];

  constructor(target: string, candidates: readonly string[]) {
    super(
      'ERR_AMBIGUOUS_CONNECTION',
      `"${target}" matches ${candidates.length} network connections: ${candidates.join(', ')}. Pass one of these GUIDs instead of the name.`,
    );
    this.name = 'AmbiguousConnectionError';
    this.target = target;
    this.candidates = Object.freeze([...candidates]);
  }
}

/** rename() was given a name another connection has (compared ignoring case, as Windows does). */
export class ConnectionNameTakenError extends NetConError {
  /** The new name as given. */
  readonly newName: string;
  /** The connection that has it. */
  readonly takenBy: ConnectionRef;

  constructor(newName: string, takenBy: ConnectionRef) {
    super('ERR_CONNECTION_NAME_TAKEN', `Another connection (${takenBy.id}) is already named "${takenBy.name ?? newName}": Windows allows no two connections one name.`);
    this.name = 'ConnectionNameTakenError';
    this.newName = newName;
    this.takenBy = copyConnection(takenBy);
  }
}

/**
 * takeOffline() could not take every connection down: `step` says where it failed (the
 * guardian did not start; a disconnect failed: `cause` is that disconnect's error; or maxMs
 * ran out first), and `restored` / `notRestored` name what it had taken down and brought back,
 * or could not.
 */
export class OfflineWindowError extends NetConError {
  /** `'guardian'` (nothing was taken down), `'disconnect'` or `'deadline'` (maxMs ran out before every connection was down). */
  readonly step: 'guardian' | 'disconnect' | 'deadline';
  /** The connection whose disconnect failed. */
  readonly connection?: ConnectionRef;
  /** The names of the connections taken down before the failure and brought back. */
  readonly restored: readonly string[];
  /** Those taken down that did not come back: see the message. */
  readonly notRestored: readonly string[];

  constructor(
    message: string,
    details: { step: 'guardian' | 'disconnect' | 'deadline'; connection?: ConnectionRef; restored: readonly string[]; notRestored: readonly string[]; cause?: unknown },
  ) {
    super('ERR_OFFLINE_WINDOW', message, { cause: details.cause });
    this.name = 'OfflineWindowError';
    this.step = details.step;
    if (details.connection) this.connection = copyConnection(details.connection);
    this.restored = Object.freeze([...details.restored]);
    this.notRestored = Object.freeze([...details.notRestored]);
  }
}

/** Windows gives the connection no sharing configuration (E_NOINTERFACE from INetSharingConfigurationForINetConnection). */
export class ConnectionNotShareableError extends NetConError {
  /** The connection. */
  readonly connection: ConnectionRef;

  constructor(connection: ConnectionRef) {
    super(
      'ERR_CONNECTION_NOT_SHAREABLE',
      `"${connection.name ?? connection.id}" cannot take part in Internet Connection Sharing: Windows gives it no sharing configuration (E_NOINTERFACE; .NET code sees an InvalidCastException).`,
    );
    this.name = 'ConnectionNotShareableError';
    this.connection = copyConnection(connection);
  }
}

/**
 * enableSharing() would break Windows' rule of one public and one private connection: another
 * connection has that role. shareConnection() moves the roles, or disableSharing() it first.
 */
export class SharingConflictError extends NetConError {
  /** The role asked for. */
  readonly role: 'public' | 'private';
  /** The connection that has it now. */
  readonly holder: ConnectionRef;

  constructor(role: 'public' | 'private', target: ConnectionRef, holder: ConnectionRef) {
    super(
      'ERR_SHARING_CONFLICT',
      `"${target.name ?? target.id}" cannot be shared as ${role}: "${holder.name ?? holder.id}" already is, and Windows allows one ${role} connection. ` +
        'Use shareConnection() (netcon share) to move sharing, or disable sharing on it first.',
    );
    this.name = 'SharingConflictError';
    this.role = role;
    this.holder = copyConnection(holder);
  }
}

/**
 * deleteConnection() refused before any COM call: the connection's characteristics lack
 * `allow-removal` (NCCF_ALLOW_REMOVAL), which Windows sets on VPN and dial-up entries only.
 */
export class ConnectionNotRemovableError extends NetConError {
  /** The connection. */
  readonly connection: ConnectionRef;

  constructor(connection: ConnectionRef) {
    super(
      'ERR_CONNECTION_NOT_REMOVABLE',
      `"${connection.name ?? connection.id}" cannot be deleted: Windows does not allow it for this connection (its characteristics lack allow-removal; only VPN and dial-up entries have it). Nothing was changed.`,
    );
    this.name = 'ConnectionNotRemovableError';
    this.connection = copyConnection(connection);
  }
}

/**
 * duplicateConnection() refused before any COM call: the connection's characteristics lack
 * `allow-duplication` (NCCF_ALLOW_DUPLICATION), which Windows sets on VPN and dial-up entries only.
 */
export class ConnectionNotDuplicableError extends NetConError {
  /** The connection. */
  readonly connection: ConnectionRef;

  constructor(connection: ConnectionRef) {
    super(
      'ERR_CONNECTION_NOT_DUPLICABLE',
      `"${connection.name ?? connection.id}" cannot be duplicated: Windows does not allow it for this connection (its characteristics lack allow-duplication; only VPN and dial-up entries have it). Nothing was changed.`,
    );
    this.name = 'ConnectionNotDuplicableError';
    this.connection = copyConnection(connection);
  }
}

/** Where a failing HRESULT came from; every field only enriches the message and the error. */
export interface ComErrorContext {
  /** The public call that failed; it opens the message (`Disconnect "VPN" failed: …`). */
  readonly operation?: ComOperation;
  /** The COM call that failed, e.g. `'INetConnection::Disconnect'`. */
  readonly step?: string;
  /** The connection the failing call was about. */
  readonly connection?: ConnectionRef;
  /** Windows' own text for the HRESULT (FormatMessage); the message of an unknown HRESULT uses it. */
  readonly systemMessage?: string;
  /** The name or GUID the caller asked for. */
  readonly target?: string;
  /** The ProgID of a createClient({ progId }) client; absent for HNetCfg.HNetShare. */
  readonly progId?: string;
  /** shareConnection() only: the step that failed. */
  readonly shareStep?: ShareStep;
  /** shareConnection() only: whether the sharing as it was before the call was put back. */
  readonly restored?: boolean;
  /** shareConnection() only: what failed while putting it back. */
  readonly restoreErrors?: readonly Error[];
  /**
   * `'unknown'` when the action's own call failed in a way that leaves open whether Windows
   * acted; `'made'` when duplicateConnection() failed reading back a copy Windows had made.
   */
  readonly outcome?: 'unknown' | 'made';
}

/** A COM call returned a failing HRESULT. Known HRESULTs get a subclass (see HRESULTS). */
export class ComError extends NetConError {
  /** The HRESULT as an unsigned 32-bit number (`0x80070005`, not `-2147024891`). */
  readonly hresult: number;
  /** Absent only when errorFromHResult was called without one. */
  readonly operation?: ComOperation;
  /** The COM call that failed, e.g. `'INetConnection::Disconnect'`. */
  readonly step?: string;
  /** The connection the failing call was about, when known (`id` upper case, as listConnections gives it). */
  readonly connection?: ConnectionRef;
  /** Windows' own text for the HRESULT (FormatMessage), when it has one. */
  readonly systemMessage?: string;
  /** shareConnection() only: the step that failed. */
  readonly shareStep?: ShareStep;
  /**
   * shareConnection() only: true when every connection's sharing was put back as it was
   * before the call, false when putting it back failed too (see `restoreErrors`).
   */
  readonly restored?: boolean;
  /** shareConnection() only: what failed while putting the sharing back. */
  readonly restoreErrors?: readonly Error[];
  /**
   * `'unknown'` when a disconnect, connect, sharing change or rename failed in its own call
   * with an answer that leaves open whether Windows acted: the service went away mid-call
   * (RPC_E_DISCONNECTED, RPC_S_SERVER_UNAVAILABLE, RPC_S_CALL_FAILED) or the call was
   * cancelled. Check the connection before retrying. `'made'` when duplicateConnection()
   * failed reading back the copy (a step ending in `(the duplicate)`): the copy exists.
   */
  readonly outcome?: 'unknown' | 'made';

  /** `code` is the HRESULT's name in HRESULTS, or `'E_UNKNOWN_HRESULT'`; `hresult` may be signed. */
  constructor(message: string, code: string, hresult: number, context: ComErrorContext = {}) {
    super(code, message);
    // Each subclass is named after itself, with no field of its own to say so.
    this.name = new.target.name;
    this.hresult = hresult >>> 0;
    if (context.operation !== undefined) this.operation = context.operation;
    if (context.step !== undefined) this.step = context.step;
    if (context.connection !== undefined) this.connection = copyConnection(context.connection);
    if (context.systemMessage !== undefined) this.systemMessage = context.systemMessage;
    if (context.shareStep !== undefined) this.shareStep = context.shareStep;
    if (context.restored !== undefined) this.restored = context.restored;
    if (context.restoreErrors !== undefined) this.restoreErrors = Object.freeze([...context.restoreErrors]);
    if (context.outcome !== undefined) this.outcome = context.outcome;
  }
}

function copyConnection(connection: ConnectionRef): ConnectionRef {
  return connection.name === undefined ? { id: connection.id } : { id: connection.id, name: connection.name };
}

/** A ComError for E_ABORT (see HRESULTS): `err.code === 'E_ABORT'`. */
export class OperationAbortedError extends ComError {}
/** A ComError for E_FAIL (see HRESULTS): `err.code === 'E_FAIL'`. */
export class UnspecifiedFailureError extends ComError {}
/** A ComError for E_INVALIDARG (see HRESULTS): `err.code === 'E_INVALIDARG'`. */
export class InvalidArgumentError extends ComError {}
/** A ComError for E_NOINTERFACE (see HRESULTS): `err.code === 'E_NOINTERFACE'`. */
export class NoInterfaceError extends ComError {}
/** A ComError for E_NOTIMPL (see HRESULTS): `err.code === 'E_NOTIMPL'`. */
export class NotImplementedError extends ComError {}
/** A ComError for E_OUTOFMEMORY (see HRESULTS): `err.code === 'E_OUTOFMEMORY'`. */
export class OutOfMemoryError extends ComError {}
/** A ComError for E_POINTER (see HRESULTS): `err.code === 'E_POINTER'`. */
export class InvalidPointerError extends ComError {}
/** A ComError for E_UNEXPECTED (see HRESULTS): `err.code === 'E_UNEXPECTED'`. */
export class UnexpectedError extends ComError {}
/** A ComError for E_ACCESSDENIED (see HRESULTS): `err.code === 'E_ACCESSDENIED'`. */
export class AccessDeniedError extends ComError {}
/** A ComError for REGDB_E_CLASSNOTREG (see HRESULTS): `err.code === 'REGDB_E_CLASSNOTREG'`. */
export class ClassNotRegisteredError extends ComError {}
/** A ComError for CO_E_CLASSSTRING (see HRESULTS): `err.code === 'CO_E_CLASSSTRING'`. */
export class InvalidClassStringError extends ComError {}
/** A ComError for CO_E_NOTINITIALIZED (see HRESULTS): `err.code === 'CO_E_NOTINITIALIZED'`. */
export class ComNotInitializedError extends ComError {}
/** A ComError for RPC_E_CHANGED_MODE (see HRESULTS): `err.code === 'RPC_E_CHANGED_MODE'`. */
export class ApartmentModeChangedError extends ComError {}
/** A ComError for ERROR_ELEVATION_REQUIRED (see HRESULTS): an access-denied kind, so also `instanceof AccessDeniedError`. */
export class ElevationRequiredError extends AccessDeniedError {}
/**
 * A ComError for ERROR_SERVICE_DISABLED (see HRESULTS): a service the step needs is disabled,
 * the Network Connections service (Netman), or for a sharing change Internet Connection
 * Sharing (SharedAccess).
 */
export class ServiceDisabledError extends ComError {}
/** A ComError for CO_E_SERVER_EXEC_FAILURE (see HRESULTS): the service's server did not start. */
export class ServerExecutionError extends ComError {}
/** A ComError for RPC_S_SERVER_UNAVAILABLE (see HRESULTS): the service is not there to answer. */
export class ServerUnavailableError extends ComError {}
/** A ComError for RPC_E_DISCONNECTED (see HRESULTS): the object's server went away. */
export class ObjectDisconnectedError extends ComError {}
/** A ComError for ERROR_BAD_IMPERSONATION_LEVEL (see HRESULTS): the call needed impersonation. */
export class ImpersonationLevelError extends ComError {}
/** A ComError for ERROR_NOT_FOUND (see HRESULTS): Windows no longer has what was asked for. */
export class ElementNotFoundError extends ComError {}
/** A ComError for RPC_E_TOO_LATE (see HRESULTS): the process's COM security was already set. */
export class ComSecurityTooLateError extends ComError {}
/** A ComError for EVENT_E_ALL_SUBSCRIBERS_FAILED (see HRESULTS): Windows' sharing service did not take a sharing change. */
export class SharingServiceError extends ComError {}
/** A ComError for ERROR_DUP_NAME (see HRESULTS): Windows refused a name another connection has. */
export class DuplicateNameError extends ComError {}
/** A ComError for RPC_E_CALL_CANCELED and RPC_S_CALL_CANCELLED (see HRESULTS): a COM call was cancelled. */
export class CallCanceledError extends ComError {}
