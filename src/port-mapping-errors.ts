// The typed errors of port mappings: what netcon refuses before asking Windows (a mapping that
// is there already or not there, a connection not shared as public, a name two mappings share),
// and a mapping Windows refused as already there.
import { NetConError, type ConnectionRef } from './errors';
import { hresultToHex } from './messages';

/** How a port mapping is named in an error: its name, its key (protocol and external port), or both. */
export interface PortMappingRef {
  /** Its name. */
  readonly name?: string;
  /** Its protocol. */
  readonly protocol?: 'tcp' | 'udp' | 'unknown';
  /** Its external port. */
  readonly externalPort?: number;
}

function describe(mapping: PortMappingRef): string {
  const key = mapping.externalPort === undefined ? '' : `${(mapping.protocol ?? '').toUpperCase()} ${mapping.externalPort}`.trim();
  if (mapping.name !== undefined && key) return `"${mapping.name}" (${key})`;
  return mapping.name !== undefined ? `"${mapping.name}"` : key;
}

const label = (connection: ConnectionRef) => connection.name ?? connection.id;
const copy = (connection: ConnectionRef): ConnectionRef => (connection.name === undefined ? { id: connection.id } : { id: connection.id, name: connection.name });

/**
 * addPortMapping(): the connection has a mapping with that protocol and external port already
 * (Windows keeps one per pair). Found in netcon's read before the call, or answered by Windows
 * (then `hresult` and `step` say how).
 */
export class PortMappingExistsError extends NetConError {
  /** The connection. */
  readonly connection: ConnectionRef;
  /** The mapping that is there, as far as it is known. */
  readonly mapping: PortMappingRef;
  /** Windows' answer, when it was Windows that refused: the HRESULT, unsigned. */
  readonly hresult?: number;
  /** The COM call that answered it. */
  readonly step?: string;

  constructor(connection: ConnectionRef, mapping: PortMappingRef, windows?: { hresult: number; step: string }) {
    super(
      'ERR_PORT_MAPPING_EXISTS',
      `"${label(connection)}" has a port mapping for ${describe(mapping)} already` +
        (windows ? ` (Windows answered ${hresultToHex(windows.hresult)} at ${windows.step})` : '') +
        ': remove it first, or use another external port.',
    );
    this.name = 'PortMappingExistsError';
    this.connection = copy(connection);
    this.mapping = { ...mapping };
    if (windows) {
      this.hresult = windows.hresult >>> 0;
      this.step = windows.step;
    }
  }
}

/** removePortMapping(), enablePortMapping(), disablePortMapping(): no such mapping on the connection. */
export class PortMappingNotFoundError extends NetConError {
  /** The connection. */
  readonly connection: ConnectionRef;
  /** The mapping asked for. */
  readonly mapping: PortMappingRef;

  constructor(connection: ConnectionRef, mapping: PortMappingRef) {
    super('ERR_PORT_MAPPING_NOT_FOUND', `"${label(connection)}" has no port mapping ${describe(mapping)}.`);
    this.name = 'PortMappingNotFoundError';
    this.connection = copy(connection);
    this.mapping = { ...mapping };
  }
}

/** A mapping named by a name that several of the connection's mappings have. */
export class AmbiguousPortMappingError extends NetConError {
  /** The connection. */
  readonly connection: ConnectionRef;
  /** The name asked for. */
  readonly mappingName: string;
  /** The mappings with that name. */
  readonly matches: readonly PortMappingRef[];

  constructor(connection: ConnectionRef, mappingName: string, matches: readonly PortMappingRef[]) {
    super(
      'ERR_AMBIGUOUS_PORT_MAPPING',
      `"${label(connection)}" has ${matches.length} port mappings named "${mappingName}" (${matches.map(describe).join(', ')}): name one by { protocol, externalPort }.`,
    );
    this.name = 'AmbiguousPortMappingError';
    this.connection = copy(connection);
    this.mappingName = mappingName;
    this.matches = matches.map((m) => ({ ...m }));
  }
}

/** addPortMapping(): Windows maps ports only on the connection shared as public (the one with the Internet). */
export class ConnectionNotSharedAsPublicError extends NetConError {
  /** The connection. */
  readonly connection: ConnectionRef;
  /** Its sharing now: `'private'`, `'unknown'` or null (not shared). */
  readonly sharing: 'private' | 'unknown' | null;

  constructor(connection: ConnectionRef, sharing: 'private' | 'unknown' | null) {
    super(
      'ERR_CONNECTION_NOT_SHARED_AS_PUBLIC',
      `"${label(connection)}" is ${sharing === null ? 'not shared' : `shared as ${sharing}`}: port mappings work on the connection shared as public. ` +
        'Share it first (netcon share, or enableSharing(target, "public")).',
    );
    this.name = 'ConnectionNotSharedAsPublicError';
    this.connection = copy(connection);
    this.sharing = sharing;
  }
}
