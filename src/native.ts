// The contract with the C++ addon in native/ (native/addon.cc): what the .node module exports
// and the plain data it answers. It never throws for a COM failure; it resolves `{ ok: false }`
// and src/ turns that into a typed error.

/** What the addon reports for a failed COM call. */
export interface NativeFailure {
  ok: false;
  /** Unsigned 32-bit HRESULT. */
  hresult: number;
  /** The COM call that failed, e.g. `'INetConnection::Disconnect'`. */
  step: string;
  /** FormatMessage text from Windows; may be `''`. */
  message: string;
  /** The connection being worked on when the step failed, as far as it was read. */
  connection?: { id: string; name?: string };
}

/** One connection as COM returned it. */
export interface NativeRawConnection {
  /** As get_Guid returned it, any case. */
  id: string;
  name: string;
  deviceName: string;
  status: number;
  mediaType: number;
  /** Unsigned NCCF mask. */
  characteristics: number;
}

/** The addon started nothing: this many earlier calls are stuck in Windows past their deadline. */
export interface NativeRefusal {
  ok: false;
  refused: 'stuck-threads';
  stuck: number;
}

export type NativeListResult = { ok: true; connections: NativeRawConnection[] } | NativeFailure | NativeRefusal;

export type NativeActionResult =
  | { ok: true; found: true; hresult: number; connection: { id: string; name: string } }
  | { ok: true; found: false }
  | NativeFailure
  | NativeRefusal;

/**
 * What duplicateConnection answers: the action on the source, and the copy Windows made, read
 * with one GetProperties. A failure reading the copy names a step ending in `(the duplicate)`.
 */
export type NativeDuplicateResult =
  | { ok: true; found: true; hresult: number; connection: { id: string; name: string }; duplicate: NativeRawConnection }
  | { ok: true; found: false }
  | NativeFailure
  | NativeRefusal;

export type NativeSecurityResult = { ok: true } | NativeFailure | NativeRefusal;

/** One connection's Internet Connection Sharing, as INetSharingConfiguration reports it. */
export interface NativeSharing {
  /** As the connection's GUID was read, any case. */
  id: string;
  name: string;
  /** False when Windows gives the connection no sharing configuration (E_NOINTERFACE). */
  shareable: boolean;
  enabled: boolean;
  /** SHARINGCONNECTIONTYPE when enabled (0 public, 1 private), else 0. */
  type: number;
}

export type NativeSharingResult = { ok: true; connections: NativeSharing[] } | NativeFailure | NativeRefusal;

/** What setSharing does: `'off'` (DisableSharing), or EnableSharing with this SHARINGCONNECTIONTYPE. */
export type NativeSharingChange = 'off' | number;

/** One port mapping as INetSharingPortMappingProps reports it; ports in host byte order. */
export interface NativePortMapping {
  name: string;
  /** NAT_PROTOCOL_TCP (6) or NAT_PROTOCOL_UDP (17), or what Windows answered. */
  protocol: number;
  externalPort: number;
  internalPort: number;
  options: number;
  targetName: string;
  targetIPAddress: string;
  enabled: boolean;
}

/**
 * A port-mapping call's answer. `found`: the connection was found. `mappings`: every mapping
 * (portMappings), the one added as read back (addPortMapping), or the one changed as read
 * before the change (changePortMapping, when `mappingFound`). `sharingEnabled`/`sharingType`
 * are read by portMappings only.
 */
export type NativePortMappingResult =
  | {
      ok: true;
      found: true;
      hresult: number;
      connection: { id: string; name: string };
      sharingEnabled: boolean;
      sharingType: number;
      mappingFound: boolean;
      mappings: NativePortMapping[];
    }
  | { ok: true; found: false }
  | NativeFailure
  | NativeRefusal;

/** What addPortMapping adds; checked by src/ before the call. */
export interface NativeNewPortMapping {
  name: string;
  protocol: number;
  externalPort: number;
  internalPort: number;
  /** ICSTT_IPADDRESS (`'ip'`) or ICSTT_NAME (`'name'`). */
  targetType: 'ip' | 'name';
  target: string;
  /** Enable it once added (Windows adds it disabled). */
  enable: boolean;
}

/** What changePortMapping does to the mapping with that protocol and external port. */
export type NativePortMappingChange = 'remove' | 'enable' | 'disable';

/** What the addon's list() resolves with: every connection packed, see decodeList. */
export type PackedListResult = { ok: true; text: string; fields: Float64Array } | NativeFailure | NativeRefusal;

/**
 * What the addon reads about the machine for diagnose() (native/diagnose.h). Each part has
 * its own error (a Win32 code or an HRESULT, 0 for none); one that fails leaves the rest.
 */
export interface NativeDiagnosis {
  ok: true;
  windowsMajor: number;
  windowsMinor: number;
  windowsBuild: number;
  servicePack: string;
  /** `''` unless ntdll is Wine's. */
  wineVersion: string;
  /** The machine's architecture: `'x64'`, `'ia32'`, `'arm64'`. */
  osArch: string;
  /** The architecture the addon was compiled for. */
  binaryArch: string;
  hostExe: string;
  addonPath: string;
  /** CLSIDFromProgID's HRESULT, unsigned. */
  clsidHresult: number;
  clsid: string;
  /** Win32 error reading the class's server key; 0 when read. */
  serverError: number;
  /** `'InprocServer32'` or `'LocalServer32'`. */
  serverKind: string;
  serverPath: string;
  serverFileExists: boolean;
  threadingModel: string;
  /**
   * `'32-bit'` or `'64-bit'` when this process's registry view has no class or server for the
   * ProgID and that other view has both; `''` otherwise.
   */
  otherView: string;
  /** The server registered in that other view. */
  otherViewServerPath: string;
  /** Win32 error reading the Netman service (1060: not installed); 0 when read. */
  serviceError: number;
  /** SERVICE_STOPPED (1) … SERVICE_RUNNING (4) … */
  serviceState: number;
  /** SERVICE_AUTO_START (2), SERVICE_DEMAND_START (3), SERVICE_DISABLED (4), … */
  serviceStartType: number;
  elevationError: number;
  elevated: boolean;
}

export type NativeDiagnosisResult = NativeDiagnosis | NativeFailure | NativeRefusal;

/** CoGetApartmentType on the calling thread: `hresult` 0x800401F0 (CO_E_NOTINITIALIZED) for none. */
export interface NativeApartment {
  hresult: number;
  /** APTTYPE: 0 STA, 1 MTA, 2 NA, 3 main STA. */
  type: number;
  /** APTTYPEQUALIFIER */
  qualifier: number;
}

/** What the addon's threads are doing (native/com_threads.h); for tests and diagnostics. */
export interface NativeThreadStats {
  threads: number;
  idle: number;
  stuck: number;
  queued: number;
  maxThreads: number;
  abandonedReturned: number;
  lastAbandonedResult: number;
  canCancel: boolean;
}

/**
 * What subscribe() answered for each of Windows' notifications (native/notify.h): the Win32
 * error registering it, 0 when Windows took it. Either may fail (Wine's are stubs); watch()
 * polls whatever they answer.
 */
export interface NativeSubscription {
  /** NotifyIpInterfaceChange: interfaces added, removed, up or down. */
  ipInterface: number;
  /**
   * RasConnectionNotificationW: a VPN or dial-up connection made or ended. 997
   * (ERROR_IO_PENDING) while it is being registered on a pool thread: it may have to wait for
   * the RasMan service to start, which the JS thread must not.
   */
  ras: number;
}

/** The process's notification state (native/notify.h); for tests and diagnostics. */
export interface NativeNotificationStats {
  /** Environments (main thread, workers) subscribed now. */
  subscribers: number;
  /** Whether the process holds a NotifyIpInterfaceChange registration now. */
  ipInterfaceRegistered: boolean;
  /** Whether the process has registered its RAS event (kept for the process's life once made). */
  rasRegistered: boolean;
  /** What registering it answered, as NativeSubscription's `ras`: 997 while under way. */
  rasError: number;
  /** Notifications received from Windows since the process started. */
  wakeups: number;
}

/** An IPv4 or IPv6 address of an adapter, with its on-link prefix length. */
export interface NativeAddress {
  /** As libuv writes it (os.networkInterfaces()), no scope id. */
  address: string;
  /** OnLinkPrefixLength */
  prefixLength: number;
}

/** One adapter as GetAdaptersAddresses reports it (native/adapters.h). */
export interface NativeAdapter {
  /** AdapterName: its connection's GUID, `{…}`, any case. */
  guid: string;
  /** IfIndex (IPv4; 0 when IPv4 is off on it). */
  ifIndex: number;
  /** Ipv6IfIndex (0 when IPv6 is off on it). */
  ipv6IfIndex: number;
  /** The 64-bit NET_LUID, as decimal text. */
  luid: string;
  /** PhysicalAddress's bytes; empty for none. */
  physicalAddress: number[];
  mtu: number;
  /** Bits/s; null when Windows says it does not know. */
  transmitLinkSpeed: number | null;
  receiveLinkSpeed: number | null;
  /** IF_OPER_STATUS: 1 up, 2 down, 3 testing, 4 unknown, 5 dormant, 6 not present, 7 lower layer down. */
  operStatus: number;
  ipv4Metric: number;
  ipv6Metric: number;
  ipv4: NativeAddress[];
  ipv6: NativeAddress[];
  gateways: string[];
  dnsServers: string[];
  dnsSuffix: string;
}

/** A route to 0.0.0.0/0 or ::/0 from GetIpForwardTable2. */
export interface NativeDefaultRoute {
  /** The interface's NET_LUID, as decimal text. */
  luid: string;
  ifIndex: number;
  family: 4 | 6;
  nextHop: string;
  /** The route's own metric; Windows adds the interface's to rank it. */
  metric: number;
}

export type NativeAdaptersResult = { ok: true; adapters: NativeAdapter[]; defaultRoutes: NativeDefaultRoute[] } | NativeFailure | NativeRefusal;

/**
 * The .node module's exports. `id` names a pending call; `abandon(id)` settles its promise
 * with undefined at once and lets its thread go. list() answers packed.
 */
export interface NativeAddon {
  list(progId: string, id: number): Promise<PackedListResult | undefined>;
  disconnect(progId: string, guid: string, id: number): Promise<NativeActionResult | undefined>;
  connect(progId: string, guid: string, id: number): Promise<NativeActionResult | undefined>;
  initializeSecurity(id: number): Promise<NativeSecurityResult | undefined>;
  sharing(progId: string, id: number): Promise<NativeSharingResult | undefined>;
  /** `type` is `'off'` or SHARINGCONNECTIONTYPE's value as decimal text. */
  setSharing(progId: string, guid: string, type: string, id: number): Promise<NativeActionResult | undefined>;
  rename(progId: string, guid: string, newName: string, id: number): Promise<NativeActionResult | undefined>;
  diagnose(progId: string, id: number): Promise<NativeDiagnosisResult | undefined>;
  apartment(): NativeApartment;
  abandon(id: number): void;
  comThreads(): NativeThreadStats;
  /**
   * Subscribes this environment to Windows' change notifications: `onChange` is called on the
   * JS thread after each (several close together may come as one call). Never keeps the
   * process alive. A second call only replaces `onChange`.
   */
  subscribe(onChange: () => void): NativeSubscription;
  /** Ends this environment's subscription; `onChange` is not called after it. */
  unsubscribe(): void;
  notifications(): NativeNotificationStats;
  /** INetConnection::Delete. */
  deleteConnection(progId: string, guid: string, id: number): Promise<NativeActionResult | undefined>;
  /** INetConnection::Duplicate, then the copy's GetProperties. */
  duplicateConnection(progId: string, guid: string, newName: string, id: number): Promise<NativeDuplicateResult | undefined>;
  portMappings(progId: string, guid: string, id: number): Promise<NativePortMappingResult | undefined>;
  /** Numbers as decimal text; `targetType` `'ip'` or `'name'`; `enable` `'1'` or `'0'`. */
  addPortMapping(
    progId: string,
    guid: string,
    name: string,
    protocol: string,
    externalPort: string,
    internalPort: string,
    targetType: string,
    target: string,
    enable: string,
    id: number,
  ): Promise<NativePortMappingResult | undefined>;
  changePortMapping(progId: string, guid: string, protocol: string, externalPort: string, change: string, id: number): Promise<NativePortMappingResult | undefined>;
  /** The machine's adapters and default routes (GetAdaptersAddresses, GetIpForwardTable2). */
  adapters(id: number): Promise<NativeAdaptersResult | undefined>;
}
