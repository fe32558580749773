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

export type NativeListResult = { ok: true; connections: NativeRawConnection[] } | NativeFailure;

export type NativeActionResult =
  | { ok: true; found: true; hresult: number; connection: { id: string; name: string } }
  | { ok: true; found: false }
  | NativeFailure;

/** The addon's exports. `guid` is always canonical: `{XXXXXXXX-…}` upper case. */
export interface NativeBinding {
  list(progId: string): Promise<NativeListResult>;
  disconnect(progId: string, guid: string): Promise<NativeActionResult>;
  connect(progId: string, guid: string): Promise<NativeActionResult>;
}
