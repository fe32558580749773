// What the client calls for its COM work: the addon behind its loader (addon.ts), or
// netcon/testing's in-memory machine. Both answer the addon's plain data.
import type {
  NativeActionResult,
  NativeAdaptersResult,
  NativeApartment,
  NativeDiagnosisResult,
  NativeDuplicateResult,
  NativeListResult,
  NativeNewPortMapping,
  NativePortMappingChange,
  NativePortMappingResult,
  NativeSecurityResult,
  NativeSharingChange,
  NativeSharingResult,
} from './native';

/**
 * Handed to each call. When the client stops waiting for the call (its deadline passed, or
 * its signal aborted) it calls `onAbandon`, which the backend sets to let the call go. A
 * plain object, not an AbortController: one is made per call, and those cost far more.
 */
export interface AbandonHook {
  onAbandon?: () => void;
}

/** A backend's change notifications for watch(), as long as they are wanted. */
export interface ChangeSubscription {
  /** Ends them: `onChange` is not called again. */
  stop(): void;
  /**
   * How long watch() waits after a notification before it lists: Windows reports one change as
   * a burst of notifications (an adapter going down touches each of its interfaces).
   */
  readonly settleMs: number;
}

/**
 * The COM work of the public operations. `guid` is always canonical: `{XXXXXXXX-…}`
 * upper case. Once a call is abandoned its promise never settles, and the thread stuck in it
 * is let go.
 */
export interface Backend {
  list(progId: string, hook?: AbandonHook): Promise<NativeListResult>;
  initializeSecurity(hook?: AbandonHook): Promise<NativeSecurityResult>;
  disconnect(progId: string, guid: string, hook?: AbandonHook): Promise<NativeActionResult>;
  connect(progId: string, guid: string, hook?: AbandonHook): Promise<NativeActionResult>;
  /** Every connection's Internet Connection Sharing. */
  sharing(progId: string, hook?: AbandonHook): Promise<NativeSharingResult>;
  /** DisableSharing (`'off'`) or EnableSharing with that type on one connection. */
  setSharing(progId: string, guid: string, change: NativeSharingChange, hook?: AbandonHook): Promise<NativeActionResult>;
  /** INetConnection::Rename; `newName` has been validated. */
  rename(progId: string, guid: string, newName: string, hook?: AbandonHook): Promise<NativeActionResult>;
  /** The machine and process, as diagnose() reports them. */
  diagnose(progId: string, hook?: AbandonHook): Promise<NativeDiagnosisResult>;
  /** The calling thread's COM apartment, at once. */
  apartment(): NativeApartment;
  /**
   * Calls `onChange` (on the JS thread) when the machine may have changed its connections.
   * Best effort: where nothing can be subscribed to it never calls, and watch() polls anyway.
   */
  watchChanges(onChange: () => void): ChangeSubscription;
  /** INetConnection::Delete. */
  deleteConnection(progId: string, guid: string, hook?: AbandonHook): Promise<NativeActionResult>;
  /** INetConnection::Duplicate, and the copy read back; `newName` has been validated. */
  duplicateConnection(progId: string, guid: string, newName: string, hook?: AbandonHook): Promise<NativeDuplicateResult>;
  /** One connection's port mappings, and its sharing, read in one job. */
  portMappings(progId: string, guid: string, hook?: AbandonHook): Promise<NativePortMappingResult>;
  /** AddPortMapping (and Enable when asked); `mapping` has been validated. */
  addPortMapping(progId: string, guid: string, mapping: NativeNewPortMapping, hook?: AbandonHook): Promise<NativePortMappingResult>;
  /** RemovePortMapping, Enable or Disable on the mapping with this protocol and external port. */
  changePortMapping(progId: string, guid: string, protocol: number, externalPort: number, change: NativePortMappingChange, hook?: AbandonHook): Promise<NativePortMappingResult>;
  /** The machine's network adapters and default routes, for listConnections({ details: true }). */
  adapters(hook?: AbandonHook): Promise<NativeAdaptersResult>;
}
