// netcon's public entry. Importing it never loads the native module and never throws;
// off Windows every call rejects with ERR_UNSUPPORTED_PLATFORM.

/**
 * `netcon`: list, disconnect, connect, watch and rename Windows network connections, and set
 * up Internet Connection Sharing, through the HNetCfg.HNetShare COM interface. Importing it never throws; off Windows every call rejects
 * with UnsupportedPlatformError (code ERR_UNSUPPORTED_PLATFORM).
 * @module netcon
 */
import { isAddonLoadable, loadBackend } from './addon';
import { createClientWith, type ActionOptions, type ActionResult, type ClientOptions, type NetConClient } from './client';
import type { NetConnection } from './connection';
import type { ListOptions } from './details';
import type { Diagnosis } from './diagnose';
import type { OfflineOptions, OfflineWindow, RestoredConnection } from './offline';
import type { CallOptions } from './limits';
import type { ConnectionSharing, RenameResult, ShareResult, SharingResult } from './sharing';
import type { DeleteResult } from './entries';
import type { NewPortMapping, PortMapping, PortMappingTarget } from './port-mappings';
import type { Target } from './target';
import { parseClientOptions, type SharingRole } from './validate';
import type { StatusCondition, WaitOptions } from './wait';
import type { ConnectionChange, WatchOptions } from './watch';

const client = createClientWith(loadBackend, undefined, { guardian: true });

/**
 * Lists every network connection Windows shows in Network Connections (ncpa.cpl).
 * Rejects with a ComError subclass when a COM call fails, with CallTimeoutError (code
 * ERR_TIMEOUT) after `timeoutMs` (default 60,000; `Infinity` for none), and with an
 * AbortError (code ABORT_ERR) when `signal` aborts.
 */
/**
 * With `details: true` each connection also has `details`: its network interface (addresses,
 * gateways, DNS servers, MAC, MTU, link speeds, whether it holds the Internet), joined by GUID
 * from the IP Helper API within the same `timeoutMs` and `signal`; null for a connection with
 * no adapter (Windows has no interface for it now). See docs/addresses.md.
 */
export function listConnections(options?: ListOptions): Promise<NetConnection[]> {
  return client.listConnections(options);
}

/**
 * The one connection with this name (compared ignoring case) or GUID (braces optional,
 * any case). Rejects with ERR_CONNECTION_NOT_FOUND, or ERR_AMBIGUOUS_CONNECTION when
 * several connections share the name. `timeoutMs` and `signal` as for listConnections.
 */
/** With `details: true`, the connection has `details`, as listConnections gives it. */
export function findConnection(target: string, options?: ListOptions): Promise<NetConnection> {
  return client.findConnection(target, options);
}

/**
 * Disconnects a connection given by name, GUID or a NetConnection from listConnections.
 * Resolves once INetConnection::Disconnect returned success, or with `{ wait: true }` once
 * Windows also reports it down (see waitForStatus). Usually needs an elevated process (else
 * AccessDeniedError, code E_ACCESSDENIED). `timeoutMs` (default 60,000) and `signal` bound
 * the call; once Windows is at work, a timeout or abort rejects with `outcome: 'unknown'`.
 */
export function disconnect(target: Target, options?: ActionOptions): Promise<ActionResult> {
  return client.disconnect(target, options);
}

/**
 * Connects a connection given by name, GUID or a NetConnection from listConnections.
 * Resolves once INetConnection::Connect returned success, or with `{ wait: true }` once
 * Windows also reports it `connected` (see waitForStatus). Usually needs an elevated process
 * (else AccessDeniedError, code E_ACCESSDENIED). `timeoutMs` and `signal` as for disconnect.
 */
export function connect(target: Target, options?: ActionOptions): Promise<ActionResult> {
  return client.connect(target, options);
}

/**
 * Resolves with the connection once its status matches: `waitForStatus('Ethernet',
 * 'disconnected', { timeoutMs: 10_000 })`. `status` is a status, an array of them, or a
 * predicate over the connection. Rejects with WaitTimeoutError (code ERR_TIMEOUT, with
 * `lastStatus`) after `timeoutMs` (default 30,000), with an AbortError (code ABORT_ERR) when
 * `signal` aborts, and with ERR_CONNECTION_NOT_FOUND if the connection goes away. Looks every
 * `intervalMs` (default 250).
 */
export function waitForStatus(target: Target, status: StatusCondition, options?: WaitOptions): Promise<NetConnection> {
  return client.waitForStatus(target, status, options);
}

/**
 * The machine's connection changes, as they happen:
 * `for await (const change of watch({ signal })) console.log(change.type, change.connection.name)`.
 * Each loop starts from a list taken as it begins, then yields `added`, `removed` and
 * `changed` (with `previous`) events, and an `error` event (with the typed error) when a list
 * fails; the watch goes on with the next one. It lists every `intervalMs` (default 2,000) and,
 * on Windows, soon after Windows notifies an interface or a VPN/dial-up change. `timeoutMs`
 * bounds each list. The loop ends without an error when `signal` aborts or the loop exits;
 * `persistent: false` lets the process exit while watching. Throws ERR_INVALID_ARG_TYPE /
 * ERR_INVALID_ARG_VALUE for bad options at once; off Windows the loop's first step rejects
 * with ERR_UNSUPPORTED_PLATFORM.
 */
export function watch(options?: WatchOptions): AsyncIterable<ConnectionChange> {
  return client.watch(options);
}

/**
 * Every connection's Internet Connection Sharing, in Windows' order: `shareable` (whether
 * Windows can share it) and `sharing`: `'public'` (the connection shared, the one with the
 * Internet), `'private'` (the network that receives it) or `null`. Read-only; errors,
 * `timeoutMs` and `signal` as for listConnections.
 */
export function listSharing(options?: CallOptions): Promise<ConnectionSharing[]> {
  return client.listSharing(options);
}

/** One connection's sharing, as listSharing gives it; the connection by name, GUID or NetConnection. */
export function getSharing(target: Target, options?: CallOptions): Promise<ConnectionSharing> {
  return client.getSharing(target, options);
}

/**
 * Shares a connection as `'public'` (the one with the Internet) or `'private'` (the network that
 * receives it). Windows allows one of each: when another connection has the role this rejects
 * with SharingConflictError (code ERR_SHARING_CONFLICT) and changes nothing; shareConnection
 * moves roles. Rejects with ConnectionNotShareableError when Windows cannot share the
 * connection, and with SharingServiceError (EVENT_E_ALL_SUBSCRIBERS_FAILED, 0x80040201) when
 * Windows' sharing service does not take the change. Needs an elevated process.
 */
export function enableSharing(target: Target, role: SharingRole, options?: CallOptions): Promise<SharingResult> {
  return client.enableSharing(target, role, options);
}

/** Takes sharing off a connection; resolves also when it was not shared. Needs an elevated process. */
export function disableSharing(target: Target, options?: CallOptions): Promise<SharingResult> {
  return client.disableSharing(target, options);
}

/** Takes sharing off every shared connection and resolves with those it changed. Needs an elevated process. */
export function disableAllSharing(options?: CallOptions): Promise<SharingResult[]> {
  return client.disableAllSharing(options);
}

/**
 * Shares `publicTarget` (the connection with the Internet: a VPN, Ethernet) to `privateTarget`
 * (the network that receives it: a hotspot, a VM switch). Windows allows one public and one
 * private connection, so it first takes sharing off every other connection, then enables the
 * pair. If a step fails it puts the earlier sharing back and rejects with that step's typed
 * error (`err.shareStep`, `err.restored`). A timeout or abort rejects with `outcome:
 * 'unknown'` and puts nothing back: check with listSharing(). Needs an elevated process.
 */
export function shareConnection(publicTarget: Target, privateTarget: Target, options?: CallOptions): Promise<ShareResult> {
  return client.shareConnection(publicTarget, privateTarget, options);
}

/**
 * Renames a connection (INetConnection::Rename). Rejects before any COM call with
 * ERR_INVALID_ARG_VALUE for an empty name, one over 255 characters or one with
 * `\ / : * ? " < > |` or control characters, and with ConnectionNameTakenError (code
 * ERR_CONNECTION_NAME_TAKEN) when another connection has the name, ignoring case. Needs an
 * elevated process.
 */
export function rename(target: Target, newName: string, options?: CallOptions): Promise<RenameResult> {
  return client.rename(target, newName, options);
}

/**
 * A client with the same functions as the module's top level, bound to another COM
 * class: `createClient({ progId: 'MyCompany.TestHNetShare' })` points every call at an
 * HNetShare-compatible test server registered under that ProgID (the top-level functions
 * always use `HNetCfg.HNetShare`). Throws ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE
 * for bad options; loads nothing until the first call.
 */
export function createClient(options?: ClientOptions): NetConClient {
  const { progId, comSecurity } = parseClientOptions(options);
  return createClientWith(loadBackend, progId, { comSecurity, guardian: true });
}

/**
 * Opts this process in to COM security at impersonate level (CoInitializeSecurity): without it
 * Windows leaves VPN and dial-up connections out of listConnections(). netcon never does this
 * by itself, because it is process-wide and once only: call it at start-up, before anything
 * else uses COM. Rejects with ComSecurityTooLateError (code RPC_E_TOO_LATE) when something set
 * COM security first (Electron's main process does), and again, without asking COM, each time
 * it is asked after that; netcon's calls then go ahead with the security the process has.
 * Resolves at once after a success. The security descriptor it passes grants access to COM
 * objects this process exposes to local SYSTEM, Administrators and the process's own user.
 */
export function initializeComSecurity(options?: CallOptions): Promise<void> {
  return client.initializeComSecurity(options);
}

/**
 * Whether netcon can work here, and if not why, read-only: Windows, the process and binary,
 * Node-API, HNetCfg.HNetShare's registration, the Network Connections service, elevation, the
 * calling thread's COM apartment and a trial listConnections(). Each check is `ok`, `warn` or
 * `fail` with a fix; `ok` is false when one failed. Resolves on every OS (off Windows with a
 * failed `platform` check); rejects only when `signal` aborts. `netcon doctor` prints it.
 */
export function diagnose(options?: CallOptions): Promise<Diagnosis> {
  return client.diagnose(options);
}

/**
 * Takes `targets` down (names, GUIDs or connections; by default every connection that is
 * `connected` now; one already down is left alone and never brought up) and resolves with an
 * OfflineWindow once each is down. Before the first disconnect a guardian process starts that
 * brings them back when `maxMs` (default 5 minutes) passes or this process ends however it
 * ends; `window.restore()` brings them back now. A failed disconnect brings back what was
 * taken down and rejects with OfflineWindowError.
 */
export function takeOffline(targets?: readonly Target[], options?: OfflineOptions): Promise<OfflineWindow> {
  return client.takeOffline(targets, options);
}

/** takeOffline(targets), then `fn(window)`, then restore() in every case: `fn`'s result, or its error after restoring. */
export function runOffline<T>(targets: readonly Target[] | undefined, fn: (window: OfflineWindow) => T | Promise<T>, options?: OfflineOptions): Promise<T> {
  return client.runOffline(targets, fn, options);
}

/**
 * Brings back what offline windows left down (after a reboot, or a guardian that was killed),
 * from their state files in `%LOCALAPPDATA%\netcon\offline`; `netcon offline --restore` runs it.
 */
export function restoreOffline(options?: CallOptions): Promise<readonly RestoredConnection[]> {
  return client.restoreOffline(options);
}

/** True only on Windows once the native module has loaded (it is loaded by this call if needed). */
export function isSupported(): boolean {
  return isAddonLoadable();
}

/**
 * Deletes a VPN or dial-up entry (by name, GUID or NetConnection) with INetConnection::Delete.
 * Rejects before any COM call with ConnectionNotRemovableError (code
 * ERR_CONNECTION_NOT_REMOVABLE) when its characteristics lack `allow-removal` (a LAN or Wi-Fi
 * connection). Cannot be undone. `timeoutMs` and `signal` as for disconnect.
 */
export function deleteConnection(target: Target, options?: CallOptions): Promise<DeleteResult> {
  return client.deleteConnection(target, options);
}

/**
 * Copies a VPN or dial-up entry with INetConnection::Duplicate and resolves with the copy, named
 * `newName`. Rejects before any COM call with ConnectionNotDuplicableError (code
 * ERR_CONNECTION_NOT_DUPLICABLE) when its characteristics lack `allow-duplication`, and with
 * ConnectionNameTakenError when a connection has that name. `timeoutMs` and `signal` as for
 * disconnect.
 */
export function duplicateConnection(target: Target, newName: string, options?: CallOptions): Promise<NetConnection> {
  return client.duplicateConnection(target, newName, options);
}

export type { Target } from './target';
export type { ActionOptions, ActionResult, ClientOptions, NetConClient } from './client';
export { DEFAULT_OFFLINE_MAX_MS, type OfflineConnection, type OfflineOptions, type OfflineWindow, type RestoredConnection } from './offline';
export {
  DEFAULT_PROG_ID,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_WAIT_INTERVAL_MS,
  DEFAULT_WAIT_TIMEOUT_MS,
  DEFAULT_WATCH_INTERVAL_MS,
  MAX_TIMEOUT_MS,
} from './defaults';
export type { CallOptions } from './limits';
export type { DeleteResult } from './entries';
export { OPER_STATUSES, type ConnectionDetails, type DetailedConnection, type InterfaceAddress, type ListOptions, type OperStatus } from './details';
export {
  SHARING_TYPES,
  type ConnectionSharing,
  type NamedConnection,
  type RenameResult,
  type ShareResult,
  type SharingResult,
  type SharingRole,
  type UnsharedConnection,
} from './sharing';
export { MAX_CONNECTION_NAME_LENGTH } from './validate';
export type { CheckStatus, Diagnosis, DiagnosisCheck } from './diagnose';
export { SETTLED_STATUSES, type StatusCondition, type WaitOption, type WaitOptions } from './wait';
export type { ConnectionAdded, ConnectionChange, ConnectionChanged, ConnectionRemoved, WatchFailure, WatchOptions } from './watch';
export {
  CHARACTERISTIC_FLAGS,
  CONNECTION_STATUSES,
  MEDIA_TYPES,
  NCCF_BLUETOOTH_MASK,
  NCCF_LAN_MASK,
  type CharacteristicFlag,
  type Characteristics,
  type ConnectionStatus,
  type MediaType,
  type NetConnection,
} from './connection';
export {
  AccessDeniedError,
  AmbiguousConnectionError,
  ApartmentModeChangedError,
  CallCanceledError,
  CallTimeoutError,
  ClassNotRegisteredError,
  ComError,
  ComNotInitializedError,
  ComSecurityTooLateError,
  ConnectionNameTakenError,
  ConnectionNotFoundError,
  ConnectionNotShareableError,
  ConnectionNotRemovableError,
  ConnectionNotDuplicableError,
  OfflineWindowError,
  DuplicateNameError,
  ElementNotFoundError,
  ElevationRequiredError,
  ImpersonationLevelError,
  InvalidArgumentError,
  InvalidClassStringError,
  InvalidPointerError,
  NativeModuleLoadError,
  NetConAbortError,
  NetConError,
  NetConInvalidArgTypeError,
  NetConInvalidArgValueError,
  NoInterfaceError,
  NotImplementedError,
  ObjectDisconnectedError,
  OperationAbortedError,
  OutOfMemoryError,
  ServerExecutionError,
  ServerUnavailableError,
  ServiceDisabledError,
  SharingConflictError,
  SharingServiceError,
  TooManyHungCallsError,
  UnexpectedError,
  UnspecifiedFailureError,
  UnsupportedPlatformError,
  WaitTimeoutError,
  type CallTimeoutDetails,
  type ComErrorContext,
  type ComOperation,
  type ConnectionRef,
  type ShareStep,
} from './errors';
export { HRESULTS, SUCCESS_CODES, errorFromHResult, successCodeName, type HResultCode, type HResultEntry } from './hresults';
export { hresultToHex } from './messages';

/**
 * The port mappings of a connection shared with Internet Connection Sharing (by name, GUID or
 * NetConnection): `name`, `protocol` (`'tcp'`/`'udp'`, with the raw `ipProtocol`), `externalPort`,
 * `internalPort`, `targetName` or `targetIPAddress`, `enabled`. Read-only.
 */
export function listPortMappings(target: Target, options?: CallOptions): Promise<PortMapping[]> {
  return client.listPortMappings(target, options);
}

/**
 * Adds a port mapping to the connection shared as public: `{ name, protocol, externalPort,
 * internalPort, targetIPAddress | targetName, enabled? }`. Windows adds it disabled; `enabled:
 * true` enables it too. Resolves with it as Windows reads it back. Rejects with
 * ConnectionNotSharedAsPublicError or PortMappingExistsError before any change. Needs an
 * elevated process.
 */
export function addPortMapping(target: Target, mapping: NewPortMapping, options?: CallOptions): Promise<PortMapping> {
  return client.addPortMapping(target, mapping, options);
}

/** Removes a port mapping, named by its name or `{ protocol, externalPort }`; resolves with it as it was. */
export function removePortMapping(target: Target, mapping: PortMappingTarget, options?: CallOptions): Promise<PortMapping> {
  return client.removePortMapping(target, mapping, options);
}

/** Enables a port mapping, named by its name or `{ protocol, externalPort }`. */
export function enablePortMapping(target: Target, mapping: PortMappingTarget, options?: CallOptions): Promise<PortMapping> {
  return client.enablePortMapping(target, mapping, options);
}

/** Disables a port mapping, named by its name or `{ protocol, externalPort }`. */
export function disablePortMapping(target: Target, mapping: PortMappingTarget, options?: CallOptions): Promise<PortMapping> {
  return client.disablePortMapping(target, mapping, options);
}

export { MAX_PORT_MAPPING_NAME_LENGTH, PORT_MAPPING_PROTOCOLS, type NewPortMapping, type PortMapping, type PortMappingTarget } from './port-mappings';
export { AmbiguousPortMappingError, ConnectionNotSharedAsPublicError, PortMappingExistsError, PortMappingNotFoundError, type PortMappingRef } from './port-mapping-errors';
