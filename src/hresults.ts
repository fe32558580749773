// The HRESULT table, the single source for a COM failure's code, class and message, and the
// mapping from a failing HRESULT to its typed error. The tests and docs/errors.md iterate it.
import {
  AccessDeniedError,
  ApartmentModeChangedError,
  CallCanceledError,
  ClassNotRegisteredError,
  ComError,
  ComNotInitializedError,
  ComSecurityTooLateError,
  ElementNotFoundError,
  ElevationRequiredError,
  ImpersonationLevelError,
  InvalidArgumentError,
  InvalidClassStringError,
  InvalidPointerError,
  NoInterfaceError,
  NotImplementedError,
  ObjectDisconnectedError,
  OperationAbortedError,
  OutOfMemoryError,
  ServerExecutionError,
  ServerUnavailableError,
  ServiceDisabledError,
  SharingServiceError,
  DuplicateNameError,
  UnexpectedError,
  UnspecifiedFailureError,
  type ComErrorContext,
} from './errors';
import { comFailureMessage, hresultToHex, sentence } from './messages';
import { checkFailingHResult } from './validate';

/** One row of HRESULTS. */
export interface HResultEntry {
  /** Unsigned 32-bit value. */
  readonly hresult: number;
  /** The ComError subclass errorFromHResult creates for this HRESULT. */
  readonly ErrorClass: new (message: string, code: string, hresult: number, context?: ComErrorContext) => ComError;
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
  EVENT_E_ALL_SUBSCRIBERS_FAILED: {
    hresult: 0x80040201,
    ErrorClass: SharingServiceError,
    meaning: 'An event was unable to invoke any of the subscribers',
    hint:
      "Windows' sharing service did not take the change. Check that the Internet Connection Sharing service (SharedAccess) is not disabled " +
      '(sc qc SharedAccess; sc config SharedAccess start= demand), that Windows Defender Firewall (MpsSvc) and the Base Filtering Engine (BFE) ' +
      'are running, since sharing needs both (sc query MpsSvc, sc query BFE), and that no policy turns sharing off ' +
      '(NC_ShowSharedAccessUI); then restart SharedAccess (net stop SharedAccess && net start SharedAccess) and try again, elevated.',
  },
  ERROR_DUP_NAME: {
    hresult: 0x80070034,
    ErrorClass: DuplicateNameError,
    meaning: 'A duplicate name exists on the network',
    hint: 'Another connection has this name: choose another.',
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

// The steps that change sharing, which the SharedAccess service carries out.
const SHARING_CHANGES: ReadonlySet<string> = new Set(['INetSharingConfiguration::EnableSharing', 'INetSharingConfiguration::DisableSharing']);

// An action's own calls: a failure there may come after Windows acted.
const ACTION_STEPS: ReadonlySet<string> = new Set([
  'INetConnection::Disconnect',
  'INetConnection::Connect',
  'INetConnection::Rename',
  'INetConnection::Delete',
  'INetConnection::Duplicate',
  ...SHARING_CHANGES,
  'INetSharingConfiguration::AddPortMapping',
  'INetSharingConfiguration::RemovePortMapping',
  'INetSharingPortMapping::Enable',
  'INetSharingPortMapping::Disable',
]);

// Answers that say the call did not come back, not that Windows refused it: the service went
// away mid-call, or the call was cancelled.
const LEFT_OPEN: ReadonlySet<number> = new Set([
  table.RPC_E_DISCONNECTED.hresult,
  table.RPC_S_SERVER_UNAVAILABLE.hresult,
  0x800706be, // RPC_S_CALL_FAILED, which has no class of its own
  table.RPC_E_CALL_CANCELED.hresult,
  table.RPC_S_CALL_CANCELLED.hresult,
]);

// How the addon names the steps of reading back the copy a Duplicate made.
const DUPLICATE_READ = ' (the duplicate)';

/**
 * `'unknown'` when `hresult` at `step`, an action's own call, leaves open whether Windows acted;
 * `'made'` when `step` read back the copy a Duplicate had made.
 */
export function outcomeOf(hresult: number, step: string | undefined): 'unknown' | 'made' | undefined {
  if (step !== undefined && step.endsWith(DUPLICATE_READ)) return 'made';
  return step !== undefined && ACTION_STEPS.has(step) && LEFT_OPEN.has(hresult >>> 0) ? 'unknown' : undefined;
}

// The operations that change the machine's settings rather than a connection's state.
const CHANGES_SETTINGS: ReadonlySet<string> = new Set(['enableSharing', 'disableSharing', 'share', 'rename', 'delete', 'duplicate', 'addPortMapping', 'removePortMapping', 'enablePortMapping', 'disablePortMapping']);

// Delete and Duplicate, which Windows allows only on VPN and dial-up entries.
const ENTRY_CHANGES: ReadonlySet<string> = new Set(['INetConnection::Delete', 'INetConnection::Duplicate']);

// The table's hint, unless the context calls for another: a test server's ProgID replaces
// HNetShare in the two hints that are about the class, and access denied to a list is not
// about disconnecting.
function hintFor(code: string, hint: string | undefined, context: ComErrorContext): string | undefined {
  const { progId, step, operation } = context;
  if (code === 'E_NOTIMPL' && step !== undefined && ENTRY_CHANGES.has(step)) {
    return 'Windows does not delete or duplicate this kind of connection: only VPN and dial-up entries allow it.';
  }
  if (code === 'E_ACCESSDENIED' && (operation === 'delete' || operation === 'duplicate')) {
    return 'Changing an entry that belongs to all users needs an elevated process: Run as administrator.';
  }
  if (code === 'E_ACCESSDENIED' && operation !== undefined && CHANGES_SETTINGS.has(operation)) {
    return 'Changing sharing or a connection\'s name needs an elevated process: Run as administrator.';
  }
  if (code === 'ERROR_SERVICE_DISABLED' && step !== undefined && SHARING_CHANGES.has(step)) {
    return 'The Internet Connection Sharing service (SharedAccess) is disabled: set its startup type to Manual (sc config SharedAccess start= demand).';
  }
  if (code === 'E_NOINTERFACE' && step === 'INetSharingConfigurationForINetConnection') {
    return 'Windows gives this connection no sharing configuration: it cannot take part in Internet Connection Sharing (.NET code sees an InvalidCastException here).';
  }
  if (code === 'E_ACCESSDENIED' && operation !== undefined && operation !== 'disconnect' && operation !== 'connect') {
    return 'Windows refused this process the connections: run it elevated (Run as administrator), or check who may use the Network Connections service.';
  }
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
  const value = checkFailingHResult(hresult);
  const known = byValue.get(value);
  if (!known) {
    const message = comFailureMessage(value, undefined, sentence(context.systemMessage ?? ''), context);
    return new ComError(message, 'E_UNKNOWN_HRESULT', value, context);
  }
  const explanation = [`${known.meaning}.`, hintFor(known.code, known.hint, context)].filter(Boolean).join(' ');
  return new known.ErrorClass(comFailureMessage(value, known.code, explanation, context), known.code, value, context);
}
