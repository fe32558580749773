// What a caller may name a connection by, and picking the one connection a name or GUID
// refers to (validate.ts turns what was passed into a GUID or a name).
import type { NetConnection } from './connection';
import { AmbiguousConnectionError, ConnectionNameTakenError, ConnectionNotFoundError } from './errors';
import type { ParsedTarget } from './validate';

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

/** How a target appears in errors: the name as given, or the canonical GUID. */
export function describeTarget(target: ParsedTarget): string {
  return target.kind === 'guid' ? target.guid : target.name;
}

/**
 * The one connection the target refers to: by GUID, or by name compared ignoring case
 * (`toUpperCase()` of both, nothing trimmed or normalised, as Windows shows names verbatim).
 * Throws ERR_CONNECTION_NOT_FOUND or ERR_AMBIGUOUS_CONNECTION.
 */
export function selectConnection<C extends Pick<NetConnection, 'id' | 'name'>>(connections: readonly C[], target: ParsedTarget): C {
  const matches =
    target.kind === 'guid'
      ? connections.filter((connection) => connection.id === target.guid)
      : connections.filter((connection) => connection.name.toUpperCase() === target.name.toUpperCase());
  if (matches.length === 0) throw new ConnectionNotFoundError(describeTarget(target));
  if (matches.length > 1) throw new AmbiguousConnectionError(describeTarget(target), matches.map((c) => c.id));
  return matches[0];
}

/**
 * Throws ERR_CONNECTION_NAME_TAKEN if a connection other than the one with id `except` is
 * called `name`, compared ignoring case as Windows compares names (and as name targets match).
 */
export function refuseTakenName(connections: readonly Pick<NetConnection, 'id' | 'name'>[], name: string, except?: string): void {
  const taken = connections.find((c) => c.id !== except && c.name.toUpperCase() === name.toUpperCase());
  if (taken) throw new ConnectionNameTakenError(name, { id: taken.id, name: taken.name });
}
