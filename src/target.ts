// Turns what a caller passed into "this GUID" or "this name" before anything touches COM,
// and picks the one connection a name or GUID refers to.
import type { NetConnection } from './connection';
import {
  AmbiguousConnectionError,
  ConnectionNotFoundError,
  NetConInvalidArgTypeError,
  NetConInvalidArgValueError,
} from './errors';
import { canonicalGuid } from './guid';

/**
 * A connection name, a GUID (braces optional, any case), or a connection from
 * `listConnections` (only its `id` is read, so `{ id }` will do).
 */
// NetConnection is listed so that a literal carrying more of its fields type-checks.
export type Target =
  | string
  | NetConnection
  | {
      /** A GUID, braces optional, any case. */
      readonly id: string;
    };

/** A validated target: a canonical GUID, or a name to match ignoring case. */
export type ParsedTarget = { readonly kind: 'guid'; readonly guid: string } | { readonly kind: 'name'; readonly name: string };

// Far above any real connection name (NETCON_MAX_NAME_LEN is 256 characters); only stops
// absurd input from being marshalled to COM.
const MAX_TARGET_BYTES = 4096;

const GUID_EXAMPLE = '{01234567-89AB-CDEF-0123-456789ABCDEF}';

// Input that only makes sense as a GUID. A typo in it must not silently become a name
// lookup that then reports "not found".
function looksLikeGuid(text: string): boolean {
  if (text.startsWith('{') || text.endsWith('}')) return true;
  return /^[0-9a-f-]+$/i.test(text) && text.split('-').length - 1 >= 4;
}

/**
 * Validates a target. `allowConnection` admits a NetConnection-like object (`{ id }`, only
 * `id` is read). Throws ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE.
 */
export function parseTarget(value: unknown, options: { allowConnection: boolean }, argName = 'target'): ParsedTarget {
  if (typeof value === 'string') return parseString(value, argName);

  if (options.allowConnection && typeof value === 'object' && value !== null) {
    const id = readProperty(value, 'id', argName);
    if (typeof id === 'string') {
      const guid = canonicalGuid(id);
      if (guid === undefined) throw new NetConInvalidArgValueError(`${argName}.id`, `a GUID such as ${GUID_EXAMPLE}`, id);
      return { kind: 'guid', guid };
    }
  }
  const expected = options.allowConnection
    ? 'of type string or a NetConnection (an object with a string "id")'
    : 'of type string';
  throw new NetConInvalidArgTypeError(argName, expected, value);
}

/**
 * `value[key]`, where a throwing getter or Proxy trap becomes ERR_INVALID_ARG_VALUE (with
 * the thrown error as `cause`) instead of escaping from netcon as something else.
 */
export function readProperty(value: object, key: string, argName: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch (cause) {
    throw new NetConInvalidArgValueError(`${argName}.${key}`, 'readable (reading it threw)', value, { cause });
  }
}

function parseString(text: string, argName: string): ParsedTarget {
  if (text === '') throw new NetConInvalidArgValueError(argName, 'a non-empty string', text);
  if (text.includes('\0')) throw new NetConInvalidArgValueError(argName, 'a string without NUL characters', text);
  if (Buffer.byteLength(text, 'utf8') > MAX_TARGET_BYTES) {
    throw new NetConInvalidArgValueError(argName, `at most ${MAX_TARGET_BYTES} bytes long in UTF-8`, text);
  }
  const guid = canonicalGuid(text);
  if (guid !== undefined) return { kind: 'guid', guid };
  if (looksLikeGuid(text)) {
    throw new NetConInvalidArgValueError(argName, `a well-formed GUID such as ${GUID_EXAMPLE} (braces optional) or a connection name`, text);
  }
  return { kind: 'name', name: text };
}

/** How a target appears in errors: the name as given, or the canonical GUID. */
export function describeTarget(target: ParsedTarget): string {
  return target.kind === 'guid' ? target.guid : target.name;
}

/**
 * The one connection the target refers to: by GUID, or by name compared ignoring case
 * (`toUpperCase()` of both, nothing trimmed or normalised, as Windows shows names verbatim).
 * Throws ERR_CONNECTION_NOT_FOUND or ERR_AMBIGUOUS_CONNECTION.
 */
export function selectConnection(connections: readonly NetConnection[], target: ParsedTarget): NetConnection {
  const matches =
    target.kind === 'guid'
      ? connections.filter((connection) => connection.id === target.guid)
      : connections.filter((connection) => connection.name.toUpperCase() === target.name.toUpperCase());
  if (matches.length === 0) throw new ConnectionNotFoundError(describeTarget(target));
  if (matches.length > 1) throw new AmbiguousConnectionError(describeTarget(target), matches.map((c) => c.id));
  return matches[0];
}
