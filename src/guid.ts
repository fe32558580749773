// One spelling for every GUID that crosses the API: what the user typed, what get_Guid
// returned and what the native layer receives are compared as plain strings.

const GUID_BODY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CANONICAL = /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/;

/**
 * `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` in upper case for a well-formed GUID written with
 * or without (balanced) braces in any case; `undefined` for anything else.
 */
export function canonicalGuid(text: string): string | undefined {
  // What Windows answers is usually canonical already: return it as it is, without the
  // three copies below (listConnections() runs this once per connection).
  if (CANONICAL.test(text)) return text;
  const braced = text.length > 1 && text.startsWith('{') && text.endsWith('}');
  const body = braced ? text.slice(1, -1) : text;
  return GUID_BODY.test(body) ? `{${body.toUpperCase()}}` : undefined;
}

/** A connection the addon reported, its id canonical as listConnections() reports ids (kept as answered when it is no GUID). */
export function asListed<C extends { id: string }>(connection: C): C {
  return { ...connection, id: canonicalGuid(connection.id) ?? connection.id };
}
