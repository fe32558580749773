// Every error netcon raises. The HRESULTS table is the single source for a COM failure's
// code, class and message: errorFromHResult reads it, the tests iterate it.
import { inspect } from 'util';

import { canonicalGuid } from './guid';

/** The public call a COM failure happened in; it opens the error message. */
export type ComOperation = 'list' | 'find' | 'disconnect' | 'connect' | 'wait' | 'security';

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

/** Node's `determineSpecificType` shape, so our messages read like Node's own. */
function describeReceived(value: unknown): string {
  // A Proxy's traps or a getter run here, and may throw: the message must still be made.
  try {
    return describeReceivedUnsafe(value);
  } catch {
    return 'a value that throws when inspected';
  }
}

function describeReceivedUnsafe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function') return `function ${value.name || '<anonymous>'}`;
  if (typeof value === 'object') {
    const ctor = (value as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof ctor === 'string' && ctor !== '' && ctor !== 'Object') return `an instance of ${ctor}`;
    return shortInspect(value);
  }
  return `type ${typeof value} (${shortInspect(value)})`;
}

// Bounded and single-line: the value may be a 4 KiB name or hold control characters.
function shortInspect(value: unknown): string {
  let text: string;
  try {
    text = inspect(value, { depth: 1, breakLength: Infinity, colors: false });
  } catch {
    return 'a value that throws when inspected';
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

// Node says "property" instead of "argument" for dotted names ("options.id").
function argumentPhrase(name: string): string {
  return `The "${name}" ${name.includes('.') ? 'property' : 'argument'}`;
}

/** An argument of the wrong type, as Node reports it: a `TypeError` with code `ERR_INVALID_ARG_TYPE`. */
export class NetConInvalidArgTypeError extends TypeError {
  /** Always `'ERR_INVALID_ARG_TYPE'`, as Node's own errors of this kind. */
  readonly code = 'ERR_INVALID_ARG_TYPE';

  constructor(argName: string, expected: string, received: unknown) {
    super(`${argumentPhrase(argName)} must be ${expected}. Received ${describeReceived(received)}`);
    brand(this);
  }
}

/** An argument of the right type but an unusable value: a `RangeError` with code `ERR_INVALID_ARG_VALUE`. */
export class NetConInvalidArgValueError extends RangeError {
  /** Always `'ERR_INVALID_ARG_VALUE'`, as Node's own errors of this kind. */
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

/** What CallTimeoutError is made from. */
export interface CallTimeoutDetails {
  /** Becomes CallTimeoutError's `operation`. */
  readonly operation: ComOperation;
  /** Becomes CallTimeoutError's `timeoutMs`. */
  readonly timeoutMs: number;
  /** Becomes CallTimeoutError's `target`. */
  readonly target?: string;
  /** Becomes CallTimeoutError's `connection`. */
  readonly connection?: ConnectionRef;
  /** Becomes CallTimeoutError's `outcome`. */
  readonly outcome?: 'unknown';
}

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

/** What a ComError is built from; errorFromHResult fills it in from the HRESULTS table. */
export interface ComErrorDetails {
  /** Becomes ComError's `code`: the HRESULT's symbolic name, or `'E_UNKNOWN_HRESULT'`. */
  readonly code: string;
  /** The HRESULT, signed or unsigned; ComError keeps it unsigned. */
  readonly hresult: number;
  /** Becomes ComError's `operation`. */
  readonly operation?: ComOperation;
  /** Becomes ComError's `step`. */
  readonly step?: string;
  /** Becomes ComError's `connection`. */
  readonly connection?: ConnectionRef;
  /** Becomes ComError's `systemMessage`. */
  readonly systemMessage?: string;
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

  constructor(message: string, details: ComErrorDetails) {
    super(details.code, message);
    this.name = 'ComError';
    this.hresult = details.hresult >>> 0;
    if (details.operation !== undefined) this.operation = details.operation;
    if (details.step !== undefined) this.step = details.step;
    if (details.connection !== undefined) this.connection = copyConnection(details.connection);
    if (details.systemMessage !== undefined) this.systemMessage = details.systemMessage;
  }
}

function copyConnection(connection: ConnectionRef): ConnectionRef {
  return connection.name === undefined ? { id: connection.id } : { id: connection.id, name: connection.name };
}

/** A ComError for E_ABORT (see HRESULTS): `err.code === 'E_ABORT'`. */
export class OperationAbortedError extends ComError {
  /** Always `'OperationAbortedError'`. */
  override name = 'OperationAbortedError';
}
/** A ComError for E_FAIL (see HRESULTS): `err.code === 'E_FAIL'`. */
export class UnspecifiedFailureError extends ComError {
  /** Always `'UnspecifiedFailureError'`. */
  override name = 'UnspecifiedFailureError';
}
/** A ComError for E_INVALIDARG (see HRESULTS): `err.code === 'E_INVALIDARG'`. */
export class InvalidArgumentError extends ComError {
  /** Always `'InvalidArgumentError'`. */
  override name = 'InvalidArgumentError';
}
/** A ComError for E_NOINTERFACE (see HRESULTS): `err.code === 'E_NOINTERFACE'`. */
export class NoInterfaceError extends ComError {
  /** Always `'NoInterfaceError'`. */
  override name = 'NoInterfaceError';
}
/** A ComError for E_NOTIMPL (see HRESULTS): `err.code === 'E_NOTIMPL'`. */
export class NotImplementedError extends ComError {
  /** Always `'NotImplementedError'`. */
  override name = 'NotImplementedError';
}
/** A ComError for E_OUTOFMEMORY (see HRESULTS): `err.code === 'E_OUTOFMEMORY'`. */
export class OutOfMemoryError extends ComError {
  /** Always `'OutOfMemoryError'`. */
  override name = 'OutOfMemoryError';
}
/** A ComError for E_POINTER (see HRESULTS): `err.code === 'E_POINTER'`. */
export class InvalidPointerError extends ComError {
  /** Always `'InvalidPointerError'`. */
  override name = 'InvalidPointerError';
}
/** A ComError for E_UNEXPECTED (see HRESULTS): `err.code === 'E_UNEXPECTED'`. */
export class UnexpectedError extends ComError {
  /** Always `'UnexpectedError'`. */
  override name = 'UnexpectedError';
}
/** A ComError for E_ACCESSDENIED (see HRESULTS): `err.code === 'E_ACCESSDENIED'`. */
export class AccessDeniedError extends ComError {
  /** Always `'AccessDeniedError'`. */
  override name = 'AccessDeniedError';
}
/** A ComError for REGDB_E_CLASSNOTREG (see HRESULTS): `err.code === 'REGDB_E_CLASSNOTREG'`. */
export class ClassNotRegisteredError extends ComError {
  /** Always `'ClassNotRegisteredError'`. */
  override name = 'ClassNotRegisteredError';
}
/** A ComError for CO_E_CLASSSTRING (see HRESULTS): `err.code === 'CO_E_CLASSSTRING'`. */
export class InvalidClassStringError extends ComError {
  /** Always `'InvalidClassStringError'`. */
  override name = 'InvalidClassStringError';
}
/** A ComError for CO_E_NOTINITIALIZED (see HRESULTS): `err.code === 'CO_E_NOTINITIALIZED'`. */
export class ComNotInitializedError extends ComError {
  /** Always `'ComNotInitializedError'`. */
  override name = 'ComNotInitializedError';
}
/** A ComError for RPC_E_CHANGED_MODE (see HRESULTS): `err.code === 'RPC_E_CHANGED_MODE'`. */
export class ApartmentModeChangedError extends ComError {
  /** Always `'ApartmentModeChangedError'`. */
  override name = 'ApartmentModeChangedError';
}
/** A ComError for ERROR_ELEVATION_REQUIRED (see HRESULTS): an access-denied kind, so also `instanceof AccessDeniedError`. */
export class ElevationRequiredError extends AccessDeniedError {
  /** Always `'ElevationRequiredError'`. */
  override name = 'ElevationRequiredError';
}
/** A ComError for ERROR_SERVICE_DISABLED (see HRESULTS): the Network Connections service is disabled. */
export class ServiceDisabledError extends ComError {
  /** Always `'ServiceDisabledError'`. */
  override name = 'ServiceDisabledError';
}
/** A ComError for CO_E_SERVER_EXEC_FAILURE (see HRESULTS): the service's server did not start. */
export class ServerExecutionError extends ComError {
  /** Always `'ServerExecutionError'`. */
  override name = 'ServerExecutionError';
}
/** A ComError for RPC_S_SERVER_UNAVAILABLE (see HRESULTS): the service is not there to answer. */
export class ServerUnavailableError extends ComError {
  /** Always `'ServerUnavailableError'`. */
  override name = 'ServerUnavailableError';
}
/** A ComError for RPC_E_DISCONNECTED (see HRESULTS): the object's server went away. */
export class ObjectDisconnectedError extends ComError {
  /** Always `'ObjectDisconnectedError'`. */
  override name = 'ObjectDisconnectedError';
}
/** A ComError for ERROR_BAD_IMPERSONATION_LEVEL (see HRESULTS): the call needed impersonation. */
export class ImpersonationLevelError extends ComError {
  /** Always `'ImpersonationLevelError'`. */
  override name = 'ImpersonationLevelError';
}
/** A ComError for ERROR_NOT_FOUND (see HRESULTS): Windows no longer has what was asked for. */
export class ElementNotFoundError extends ComError {
  /** Always `'ElementNotFoundError'`. */
  override name = 'ElementNotFoundError';
}
/** A ComError for RPC_E_TOO_LATE (see HRESULTS): the process's COM security was already set. */
export class ComSecurityTooLateError extends ComError {
  /** Always `'ComSecurityTooLateError'`. */
  override name = 'ComSecurityTooLateError';
}
/** A ComError for RPC_E_CALL_CANCELED and RPC_S_CALL_CANCELLED (see HRESULTS): a COM call was cancelled. */
export class CallCanceledError extends ComError {
  /** Always `'CallCanceledError'`. */
  override name = 'CallCanceledError';
}

/** One row of HRESULTS. */
export interface HResultEntry {
  /** Unsigned 32-bit value. */
  readonly hresult: number;
  /** The ComError subclass errorFromHResult creates for this HRESULT. */
  readonly ErrorClass: new (message: string, details: ComErrorDetails) => ComError;
  /** The SDK's description, used in the message. */
  readonly meaning: string;
  /** What the user can do about it, appended to the message. */
  readonly hint?: string;
}

// Meanings follow the SDK's descriptions (winerror.h, "Common HRESULT Values"), not
// FormatMessage, so messages read the same on every Windows language.
const table = {
  E_ABORT: { hresult: 0x80004004, ErrorClass: OperationAbortedError, meaning: 'Operation aborted' },
  E_FAIL: { hresult: 0x80004005, ErrorClass: UnspecifiedFailureError, meaning: 'Unspecified failure' },
  E_INVALIDARG: { hresult: 0x80070057, ErrorClass: InvalidArgumentError, meaning: 'One or more arguments are not valid' },
  E_NOINTERFACE: { hresult: 0x80004002, ErrorClass: NoInterfaceError, meaning: 'No such interface supported' },
  E_NOTIMPL: { hresult: 0x80004001, ErrorClass: NotImplementedError, meaning: 'Not implemented' },
  E_OUTOFMEMORY: { hresult: 0x8007000e, ErrorClass: OutOfMemoryError, meaning: 'Failed to allocate necessary memory' },
  E_POINTER: { hresult: 0x80004003, ErrorClass: InvalidPointerError, meaning: 'Pointer that is not valid' },
  E_UNEXPECTED: { hresult: 0x8000ffff, ErrorClass: UnexpectedError, meaning: 'Unexpected failure' },
  E_ACCESSDENIED: {
    hresult: 0x80070005,
    ErrorClass: AccessDeniedError,
    meaning: 'General access denied',
    hint: 'Disconnecting or connecting usually needs an elevated process: Run as administrator.',
  },
  REGDB_E_CLASSNOTREG: {
    hresult: 0x80040154,
    ErrorClass: ClassNotRegisteredError,
    meaning: 'Class not registered',
    hint: 'HNetCfg.HNetShare is not available on this system: hnetcfg.dll is missing or not registered (e.g. Windows Server Core, Wine).',
  },
  CO_E_CLASSSTRING: {
    hresult: 0x800401f3,
    ErrorClass: InvalidClassStringError,
    meaning: 'Invalid class string',
    hint: 'The ProgID is not registered on this system.',
  },
  CO_E_NOTINITIALIZED: { hresult: 0x800401f0, ErrorClass: ComNotInitializedError, meaning: 'CoInitialize has not been called' },
  RPC_E_CHANGED_MODE: { hresult: 0x80010106, ErrorClass: ApartmentModeChangedError, meaning: 'Cannot change thread mode after it is set' },
  RPC_E_CALL_CANCELED: {
    hresult: 0x80010002,
    ErrorClass: CallCanceledError,
    meaning: 'Call was canceled by the message filter',
    hint: 'The COM call was cancelled before Windows answered; a disconnect or connect may still complete.',
  },
  RPC_S_CALL_CANCELLED: {
    hresult: 0x8007071a,
    ErrorClass: CallCanceledError,
    meaning: 'The remote procedure call was cancelled',
    hint: 'The COM call was cancelled before Windows answered; a disconnect or connect may still complete.',
  },
  ERROR_ELEVATION_REQUIRED: {
    hresult: 0x800702e4,
    ErrorClass: ElevationRequiredError,
    meaning: 'The requested operation requires elevation',
    hint: 'Run the process elevated (Run as administrator).',
  },
  ERROR_SERVICE_DISABLED: {
    hresult: 0x80070422,
    ErrorClass: ServiceDisabledError,
    meaning: 'The service cannot be started, either because it is disabled or because it has no enabled devices associated with it',
    hint: 'The Network Connections service (Netman) is disabled: set its startup type to Manual (sc config Netman start= demand).',
  },
  CO_E_SERVER_EXEC_FAILURE: {
    hresult: 0x80080005,
    ErrorClass: ServerExecutionError,
    meaning: 'Server execution failed',
    hint: 'The Network Connections service (Netman) could not be started; see the System event log.',
  },
  RPC_S_SERVER_UNAVAILABLE: {
    hresult: 0x800706ba,
    ErrorClass: ServerUnavailableError,
    meaning: 'The RPC server is unavailable',
    hint: 'The Network Connections service stopped or restarted during the call; try again.',
  },
  RPC_E_DISCONNECTED: {
    hresult: 0x80010108,
    ErrorClass: ObjectDisconnectedError,
    meaning: 'The object invoked has disconnected from its clients',
    hint: 'The Network Connections service stopped or restarted during the call; try again.',
  },
  ERROR_BAD_IMPERSONATION_LEVEL: {
    hresult: 0x80070542,
    ErrorClass: ImpersonationLevelError,
    meaning: 'Either a required impersonation level was not provided, or the provided impersonation level is invalid',
    hint: 'VPN and dial-up connections need COM security at impersonate level: call initializeComSecurity() at start-up.',
  },
  ERROR_NOT_FOUND: {
    hresult: 0x80070490,
    ErrorClass: ElementNotFoundError,
    meaning: 'Element not found',
    hint: 'What was asked for is gone: an adapter removed, a VPN deleted, the service restarted.',
  },
  RPC_E_TOO_LATE: {
    hresult: 0x80010119,
    ErrorClass: ComSecurityTooLateError,
    meaning: 'Security must be initialized before any interfaces are marshalled or unmarshalled. It cannot be changed once initialized',
    hint: 'Something in this process (Electron, another module) set COM security first; netcon cannot change it.',
  },
} satisfies Record<string, HResultEntry>;

/**
 * Symbolic names of the HRESULTs that have their own error class.
 * @useDeclaredType
 */
export type HResultCode = keyof typeof table;

/** The known failing HRESULTs: symbolic code → value, error class, meaning and hint. */
export const HRESULTS: { readonly [K in HResultCode]: HResultEntry } = Object.freeze(
  Object.fromEntries(Object.entries(table).map(([code, entry]) => [code, Object.freeze(entry)])) as typeof table,
);

const byValue = new Map<number, { code: HResultCode } & HResultEntry>(
  (Object.keys(HRESULTS) as HResultCode[]).map((code) => [HRESULTS[code].hresult, { code, ...HRESULTS[code] }]),
);

/**
 * Success HRESULTs Disconnect and Connect may answer besides S_OK, by name (netcfgx.h for the
 * NETCFG_S_ ones): a connect or disconnect that needs a reboot still succeeded.
 */
export const SUCCESS_CODES: { readonly [code: string]: number } = Object.freeze({
  S_OK: 0,
  S_FALSE: 1,
  NETCFG_S_REBOOT: 0x0004a020,
  NETCFG_S_DISABLE_QUERY: 0x0004a022,
  NETCFG_S_STILL_REFERENCED: 0x0004a023,
  NETCFG_S_CAUSED_SETUP_CHANGE: 0x0004a024,
  NETCFG_S_COMMIT_NOW: 0x0004a025,
});

/** A success HRESULT's name from SUCCESS_CODES, or its hex value (`0x00000002`). */
export function successCodeName(hresult: number): string {
  const value = hresult >>> 0;
  return Object.keys(SUCCESS_CODES).find((code) => SUCCESS_CODES[code] === value) ?? hresultToHex(value);
}

/** `0x80070005`: the unsigned value as 8 upper-case hex digits. */
export function hresultToHex(hresult: number): string {
  return `0x${(hresult >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/** Where a failing HRESULT came from; every field only enriches the message and the error. */
export interface ComErrorContext {
  /** The public call that failed; it opens the message (`Disconnect "VPN" failed: …`). */
  operation?: ComOperation;
  /** The COM call that failed, e.g. `'INetConnection::Disconnect'`. */
  step?: string;
  /** The connection the failing call was about. */
  connection?: ConnectionRef;
  /** Windows' own text for the HRESULT; the message of an unknown HRESULT uses it. */
  systemMessage?: string;
  /** The name or GUID the caller asked for. */
  target?: string;
  /** The ProgID of a createClient({ progId }) client; absent for HNetCfg.HNetShare. */
  progId?: string;
}

// A test server's ProgID replaces HNetShare in the two hints that are about the class.
function hintFor(code: string, hint: string | undefined, progId: string | undefined, step: string | undefined): string | undefined {
  // HNetShare itself was created: what is missing is the service side behind it.
  if (code === 'REGDB_E_CLASSNOTREG' && step === 'EnumEveryConnection') {
    return 'The Network Connections service side is not installed here (Windows Server Core, containers), although HNetCfg.HNetShare is.';
  }
  if (progId === undefined) return hint;
  if (code === 'REGDB_E_CLASSNOTREG') return `${progId} is not available on this system: its class is not registered.`;
  if (code === 'CO_E_CLASSSTRING') return `The ProgID ${progId} is not registered on this system.`;
  return hint;
}

/**
 * The typed error for a failing HRESULT (signed or unsigned): an instance of the class
 * HRESULTS names for it, or a plain ComError with code `'E_UNKNOWN_HRESULT'`.
 * Throws ERR_INVALID_ARG_VALUE for a success code or a value that is not a 32-bit integer.
 */
export function errorFromHResult(hresult: number, context: ComErrorContext = {}): ComError {
  if (typeof hresult !== 'number') throw new NetConInvalidArgTypeError('hresult', 'of type number', hresult);
  if (!Number.isInteger(hresult) || hresult < -0x80000000 || hresult > 0xffffffff) {
    throw new NetConInvalidArgValueError('hresult', 'a 32-bit integer', hresult);
  }
  const value = hresult >>> 0;
  if (value < 0x80000000) {
    throw new NetConInvalidArgValueError('hresult', 'a failing HRESULT (bit 31 set)', hresult);
  }

  const known = byValue.get(value);
  const details: ComErrorDetails = {
    code: known?.code ?? 'E_UNKNOWN_HRESULT',
    hresult: value,
    operation: context.operation,
    step: context.step,
    connection: context.connection,
    systemMessage: context.systemMessage,
  };
  const explanation = known
    ? [`${known.meaning}.`, hintFor(known.code, known.hint, context.progId, context.step)].filter(Boolean).join(' ')
    : sentence(context.systemMessage ?? '');
  const message =
    `${operationLabel(context)} failed: ${known ? `${known.code} (${hresultToHex(value)})` : hresultToHex(value)}` +
    (context.step ? ` at ${context.step}` : '') +
    connectionSuffix(context) +
    (explanation ? ` — ${explanation}` : '.');
  return new (known?.ErrorClass ?? ComError)(message, details);
}

// FormatMessage text may span lines and may lack the final full stop.
function sentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat === '' || /[.!?]$/.test(flat) ? flat : `${flat}.`;
}

function operationLabel(context: ComErrorContext): string {
  switch (context.operation) {
    case 'list':
      return 'List connections';
    case 'security':
      return 'Initialize COM security';
    case 'find':
      return context.target === undefined ? 'Find connection' : `Find "${context.target}"`;
    case 'disconnect':
    case 'connect': {
      const verb = context.operation === 'disconnect' ? 'Disconnect' : 'Connect';
      const subject = subjectOf(context);
      return subject === undefined ? verb : `${verb} "${subject}"`;
    }
    default:
      return 'COM call';
  }
}

// The connection the user meant: the name they typed, else the name the failure reported,
// else the GUID.
function subjectOf(context: ComErrorContext): string | undefined {
  const { target, connection } = context;
  if (target !== undefined && canonicalGuid(target) === undefined) return target;
  return connection?.name || connection?.id || target;
}

// Names the connection a step failed on when the label does not already: a list can fail
// while reading some other connection than the one the user asked for.
function connectionSuffix(context: ComErrorContext): string {
  const label = context.connection?.name || context.connection?.id;
  if (!label) return '';
  const subject = context.operation === 'disconnect' || context.operation === 'connect' ? subjectOf(context) : undefined;
  return subject !== undefined && subject.toUpperCase() === label.toUpperCase() ? '' : ` for "${label}"`;
}
