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

/** What the addon's list() resolves with: every connection packed, see decodeList. */
export type PackedListResult = { ok: true; text: string; fields: Float64Array } | NativeFailure;

/** The .node module's exports: NativeBinding, but list() answers packed. */
export interface NativeAddon {
  list(progId: string): Promise<PackedListResult>;
  disconnect(progId: string, guid: string): Promise<NativeActionResult>;
  connect(progId: string, guid: string): Promise<NativeActionResult>;
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
