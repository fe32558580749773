// Internet Connection Sharing as netcon shows it, and the plan shareConnection() follows:
// which connections to change, in which order, and how to put them back.
import { ConnectionNotShareableError, type ConnectionRef, type ShareStep } from './errors';
import { asListed, canonicalGuid } from './guid';
import { HRESULTS } from './hresults';
import type { NativeFailure, NativeSharing, NativeSharingChange } from './native';
import type { SharingRole } from './validate';

export type { SharingRole } from './validate';

/** SHARINGCONNECTIONTYPE's values, by role. */
export const SHARING_TYPES: { readonly [R in SharingRole]: number } = Object.freeze({ public: 0, private: 1 });

/** A connection a sharing change or a rename names in its result. */
export interface NamedConnection {
  /** Its GUID, `{…}` upper case as listConnections gives it. */
  readonly id: string;
  /** Its name. */
  readonly name: string;
}

/** One connection's Internet Connection Sharing. */
export interface ConnectionSharing extends NamedConnection {
  /** False when Windows gives the connection no sharing configuration: it cannot be shared. */
  readonly shareable: boolean;
  /**
   * `'public'`: the connection shared (the one with the Internet). `'private'`: the network
   * that receives it. `null`: not shared. `'unknown'`: shared as a type netcon does not know
   * (see `sharingType`).
   */
  readonly sharing: SharingRole | 'unknown' | null;
  /** SHARINGCONNECTIONTYPE as Windows answered it, while shared: 0 public, 1 private. */
  readonly sharingType?: number;
}

/** What enableSharing and disableSharing resolve with. */
export interface SharingResult {
  /** The connection changed. */
  readonly connection: NamedConnection;
  /** Its sharing now. */
  readonly sharing: SharingRole | null;
}

/** What shareConnection resolves with. */
export interface ShareResult {
  /** The connection shared. */
  readonly public: NamedConnection;
  /** The network that receives it. */
  readonly private: NamedConnection;
  /** The connections whose sharing was taken off to make room, with what they were. */
  readonly unshared: readonly UnsharedConnection[];
}

/** A connection shareConnection took sharing off. */
export interface UnsharedConnection extends NamedConnection {
  /** Its role before. */
  readonly sharing: SharingRole | 'unknown';
}

/** What rename resolves with. */
export interface RenameResult {
  /** The connection, with its new name. */
  readonly connection: NamedConnection;
  /** Its name before. */
  readonly previousName: string;
}

/** The addon's record as the API shows it. */
export function toConnectionSharing(raw: NativeSharing): ConnectionSharing {
  const id = canonicalGuid(raw.id) ?? raw.id;
  const base = { id, name: raw.name, shareable: raw.shareable };
  if (!raw.enabled) return { ...base, sharing: null };
  const role = (Object.keys(SHARING_TYPES) as SharingRole[]).find((r) => SHARING_TYPES[r] === raw.type);
  return { ...base, sharing: role ?? 'unknown', sharingType: raw.type };
}

/** One change shareConnection() makes, and what undoes it. */
export interface ShareChange {
  readonly step: ShareStep;
  readonly connection: ConnectionRef & { readonly name: string };
  readonly change: NativeSharingChange;
  readonly undo: NativeSharingChange;
  /** An unshare's role before. */
  readonly was?: SharingRole | 'unknown';
}

/**
 * The changes that share `publicSide` to `privateSide` from `before`: first sharing off every
 * other shared connection (and either side shared in the other role), since Windows allows one
 * public and one private connection, then the public side, then the private side. A side
 * already in its role is left alone. Undoing them in reverse order restores `before`.
 */
export function planShare(before: readonly ConnectionSharing[], publicSide: ConnectionSharing, privateSide: ConnectionSharing): ShareChange[] {
  const inRole = (c: ConnectionSharing) =>
    (c.id === publicSide.id && c.sharing === 'public') || (c.id === privateSide.id && c.sharing === 'private');
  const ref = (c: ConnectionSharing) => ({ id: c.id, name: c.name });
  const changes: ShareChange[] = before
    .filter((c) => c.sharing !== null && !inRole(c))
    .map((c) => ({ step: 'unshare', connection: ref(c), change: 'off', undo: c.sharingType ?? 0, was: c.sharing ?? undefined }));
  if (!inRole(publicSide)) changes.push({ step: 'enable-public', connection: ref(publicSide), change: SHARING_TYPES.public, undo: 'off' });
  if (!inRole(privateSide)) changes.push({ step: 'enable-private', connection: ref(privateSide), change: SHARING_TYPES.private, undo: 'off' });
  return changes;
}

/**
 * ConnectionNotShareableError when Windows gave the connection no sharing configuration
 * (E_NOINTERFACE from INetSharingConfigurationForINetConnection), for the connection the
 * failure names or else `fallback`; undefined for any other answer. Reads and changes of
 * sharing and of port mappings all meet it first.
 */
export function notShareableError(result: { ok: boolean }, fallback: ConnectionRef): ConnectionNotShareableError | undefined {
  if (result.ok || !('step' in result)) return undefined;
  const failure = result as NativeFailure;
  if (failure.step !== 'INetSharingConfigurationForINetConnection' || failure.hresult !== HRESULTS.E_NOINTERFACE.hresult) return undefined;
  return new ConnectionNotShareableError(failure.connection ? asListed(failure.connection) : fallback);
}
