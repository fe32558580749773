// The contract with the C++ addon in native/: plain data only. The addon never throws for a
// COM failure; it resolves `{ ok: false }` and src/ turns that into a typed error.

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
 * Handed to each native call. When src/ stops waiting for the call (its deadline passed, or
 * its signal aborted) it calls `onAbandon`, which the binding sets to let the call go. A
 * plain object, not an AbortController: one is made per call, and those cost far more.
 */
export interface AbandonHook {
  onAbandon?: () => void;
}

/**
 * The addon as src/ uses it. `guid` is always canonical: `{XXXXXXXX-…}` upper case. Once a
 * call is abandoned its promise never settles, and the thread stuck in it is let go.
 */
export interface NativeBinding {
  list(progId: string, hook?: AbandonHook): Promise<NativeListResult>;
  initializeSecurity(hook?: AbandonHook): Promise<NativeSecurityResult>;
  disconnect(progId: string, guid: string, hook?: AbandonHook): Promise<NativeActionResult>;
  connect(progId: string, guid: string, hook?: AbandonHook): Promise<NativeActionResult>;
}

export type NativeSecurityResult = { ok: true } | NativeFailure | NativeRefusal;

/** What the addon's list() resolves with: every connection packed, see decodeList. */
export type PackedListResult = { ok: true; text: string; fields: Float64Array } | NativeFailure | NativeRefusal;

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
 * The .node module's exports. `id` names a pending call; `abandon(id)` settles its promise
 * with undefined at once and lets its thread go. list() answers packed.
 */
export interface NativeAddon {
  list(progId: string, id: number): Promise<PackedListResult | undefined>;
  disconnect(progId: string, guid: string, id: number): Promise<NativeActionResult | undefined>;
  connect(progId: string, guid: string, id: number): Promise<NativeActionResult | undefined>;
  initializeSecurity(id: number): Promise<NativeSecurityResult | undefined>;
  abandon(id: number): void;
  comThreads(): NativeThreadStats;
}

const FIELDS_PER_CONNECTION = 6;

/**
 * Cuts the addon's packed list back into connections. The addon packs them because each
 * Node-API call on the JS thread costs microseconds, where slicing a string costs next to
 * nothing (native/addon.cc, ListToJs). Throws if the two parts do not fit together.
 */
export function decodeList(packed: PackedListResult): NativeListResult {
  if (!packed.ok) return packed;
  const { text, fields } = packed;
  if (fields.length % FIELDS_PER_CONNECTION !== 0) throw new Error(`netcon: the native list has ${fields.length} fields, not a multiple of ${FIELDS_PER_CONNECTION}`);
  const connections: NativeRawConnection[] = [];
  let at = 0;
  const take = (length: number) => text.slice(at, (at += length));
  for (let i = 0; i < fields.length; i += FIELDS_PER_CONNECTION) {
    connections.push({
      id: take(fields[i]),
      name: take(fields[i + 1]),
      deviceName: take(fields[i + 2]),
      status: fields[i + 3],
      mediaType: fields[i + 4],
      characteristics: fields[i + 5],
    });
  }
  if (at !== text.length) throw new Error(`netcon: the native list's text is ${text.length} characters, its fields describe ${at}`);
  return { ok: true, connections };
}
