// Port mappings on a connection shared with Internet Connection Sharing: the API's types, the
// checks of what a caller passes, and the operations over a backend. Windows keeps one mapping
// per protocol and external port on a connection, so that pair is a mapping's key; its name is
// only a label (two may share one).
import type { Backend } from './backend';
import type { NetConnection } from './connection';
import { ConnectionNotFoundError, NetConInvalidArgTypeError, NetConInvalidArgValueError, type ComOperation, type ConnectionRef, type NetConError } from './errors';
import { within, type CallOptions, type Limits, type Stop } from './limits';
import type { NativeFailure, NativeNewPortMapping, NativePortMapping, NativePortMappingChange, NativePortMappingResult, NativeRefusal } from './native';
import { AmbiguousPortMappingError, ConnectionNotSharedAsPublicError, PortMappingExistsError, PortMappingNotFoundError, type PortMappingRef } from './port-mapping-errors';
import { asListed } from './guid';
import { notShareableError } from './sharing';
import { describeTarget, selectConnection, type Target } from './target';
import { optionsObject, parseTarget, readProperty, type ParsedTarget } from './validate';

/** NAT_PROTOCOL_TCP and NAT_PROTOCOL_UDP, the IP protocol numbers Windows takes. */
export const PORT_MAPPING_PROTOCOLS: {
  /** NAT_PROTOCOL_TCP */
  readonly tcp: 6;
  /** NAT_PROTOCOL_UDP */
  readonly udp: 17;
} = Object.freeze({ tcp: 6, udp: 17 });

/** One port mapping of a connection shared as public. */
export interface PortMapping {
  /** Its name (a label: two mappings may share one). */
  readonly name: string;
  /** `'tcp'` or `'udp'`; `'unknown'` for another IP protocol number (see `ipProtocol`). */
  readonly protocol: 'tcp' | 'udp' | 'unknown';
  /** The IP protocol number Windows answered: 6 (TCP) or 17 (UDP). */
  readonly ipProtocol: number;
  /** The port on the shared connection that is forwarded, 1-65535. */
  readonly externalPort: number;
  /** The port it is forwarded to on the target, 1-65535. */
  readonly internalPort: number;
  /** Windows' options value (reserved; 0). */
  readonly options: number;
  /** The target computer's name, or `''` when the target is an address. */
  readonly targetName: string;
  /** The target's IPv4 address, or `''` when the target is a name. */
  readonly targetIPAddress: string;
  /** Whether Windows forwards it now. A new mapping starts disabled. */
  readonly enabled: boolean;
}

/** What addPortMapping adds: one of `targetName` and `targetIPAddress`. */
export type NewPortMapping = {
  /** A label for it: not empty, at most 255 characters, no control characters. */
  readonly name: string;
  /** `'tcp'` or `'udp'` (any case), or 6 or 17. */
  readonly protocol: 'tcp' | 'udp' | 'TCP' | 'UDP' | 6 | 17 | string | number;
  /** The port on the shared connection to forward, 1-65535. */
  readonly externalPort: number;
  /** The port on the target it goes to, 1-65535. */
  readonly internalPort: number;
  /** Enable it once added (Windows adds it disabled). Default false. */
  readonly enabled?: boolean;
} & (
  | {
      /** The target computer by name (DNS or NetBIOS). */
      readonly targetName: string;
      /** Not with targetName. */
      readonly targetIPAddress?: undefined;
    }
  | {
      /** The target computer's IPv4 address. */
      readonly targetIPAddress: string;
      /** Not with targetIPAddress. */
      readonly targetName?: undefined;
    }
);

/** A mapping by its name, or by its key: `{ protocol, externalPort }`. A PortMapping will do. */
export type PortMappingTarget =
  | string
  | {
      /** `'tcp'` or `'udp'` (any case), or 6 or 17. */
      readonly protocol: NewPortMapping['protocol'];
      /** Its external port. */
      readonly externalPort: number;
    };

/** The public port-mapping calls (NetConClient has them, and netcon's functions call them). */
export interface PortMappingMethods {
  listPortMappings(target: Target, options?: CallOptions): Promise<PortMapping[]>;
  addPortMapping(target: Target, mapping: NewPortMapping, options?: CallOptions): Promise<PortMapping>;
  removePortMapping(target: Target, mapping: PortMappingTarget, options?: CallOptions): Promise<PortMapping>;
  enablePortMapping(target: Target, mapping: PortMappingTarget, options?: CallOptions): Promise<PortMapping>;
  disablePortMapping(target: Target, mapping: PortMappingTarget, options?: CallOptions): Promise<PortMapping>;
}

// ---------------------------------------------------------------- checks, before any COM call

/** `'tcp'`/`'udp'` in any case, or 6/17: the IP protocol number. */
export function parseProtocol(value: unknown, argName: string): 6 | 17 {
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'tcp' || lower === 'udp') return PORT_MAPPING_PROTOCOLS[lower];
  } else if (typeof value === 'number') {
    if (value === 6 || value === 17) return value;
  } else {
    throw new NetConInvalidArgTypeError(argName, 'of type string or number', value);
  }
  throw new NetConInvalidArgValueError(argName, "'tcp' or 'udp' (any case), or 6 or 17", value);
}

/** A port: an integer from 1 to 65535. */
export function parsePort(value: unknown, argName: string): number {
  if (typeof value !== 'number') throw new NetConInvalidArgTypeError(argName, 'of type number', value);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new NetConInvalidArgValueError(argName, 'an integer from 1 to 65535', value);
  return value;
}

/** How long a mapping's name may be: our limit, Windows documents none. */
export const MAX_PORT_MAPPING_NAME_LENGTH = 255;

/** A mapping's name: not blank, at most 255 characters, no control characters. */
export function parsePortMappingName(value: unknown, argName: string): string {
  if (typeof value !== 'string') throw new NetConInvalidArgTypeError(argName, 'of type string', value);
  if (value.trim() === '') throw new NetConInvalidArgValueError(argName, 'a name with something other than spaces in it', value);
  if (value.length > MAX_PORT_MAPPING_NAME_LENGTH) throw new NetConInvalidArgValueError(argName, `at most ${MAX_PORT_MAPPING_NAME_LENGTH} characters long`, value);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new NetConInvalidArgValueError(argName, 'a name without control characters', value);
  return value;
}

/** A dotted IPv4 address: four numbers 0-255, without leading zeros (which some read as octal). */
export function isIPv4Address(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

// A DNS or NetBIOS computer name: labels of letters, digits, '-' and '_', none starting or ending
// with '-', 1-63 characters each, 253 in all; and not an address.
function isHostName(text: string): boolean {
  if (text.length === 0 || text.length > 253 || /^[0-9.]+$/.test(text)) return false;
  return text.split('.').every((label) => /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(label));
}

const NEW_MAPPING_KEYS = new Set(['name', 'protocol', 'externalPort', 'internalPort', 'targetName', 'targetIPAddress', 'enabled']);

// The own enumerable keys of an object, where a Proxy that throws becomes ERR_INVALID_ARG_VALUE.
function keysOf(value: object, argName: string): string[] {
  try {
    return Object.keys(value);
  } catch (cause) {
    throw new NetConInvalidArgValueError(argName, 'an object whose keys can be read', value, { cause });
  }
}

// An object argument; a revoked Proxy, which Array.isArray throws for, fails at reading it instead.
function objectArgument(value: unknown, argName: string): object {
  const object = optionsObject(value, argName);
  if (object === undefined) throw new NetConInvalidArgTypeError(argName, 'of type object', value);
  return object;
}

/** addPortMapping's mapping, as the addon takes it. */
export function parseNewPortMapping(value: unknown, argName = 'mapping'): NativeNewPortMapping {
  const object = objectArgument(value, argName);
  const unknown = keysOf(object, argName).filter((key) => !NEW_MAPPING_KEYS.has(key));
  if (unknown.length > 0) throw new NetConInvalidArgValueError(`${argName}.${unknown[0]}`, `not there (a mapping has ${[...NEW_MAPPING_KEYS].join(', ')})`, readProperty(object, unknown[0], argName));
  const name = parsePortMappingName(readProperty(object, 'name', argName), `${argName}.name`);
  const protocol = parseProtocol(readProperty(object, 'protocol', argName), `${argName}.protocol`);
  const externalPort = parsePort(readProperty(object, 'externalPort', argName), `${argName}.externalPort`);
  const internalPort = parsePort(readProperty(object, 'internalPort', argName), `${argName}.internalPort`);
  const enabled = readProperty(object, 'enabled', argName);
  if (enabled !== undefined && typeof enabled !== 'boolean') throw new NetConInvalidArgTypeError(`${argName}.enabled`, 'of type boolean', enabled);
  const targetName = readProperty(object, 'targetName', argName);
  const targetIPAddress = readProperty(object, 'targetIPAddress', argName);
  if ((targetName === undefined) === (targetIPAddress === undefined)) {
    throw new NetConInvalidArgValueError(argName, 'an object with exactly one of targetName and targetIPAddress', value);
  }
  let target: string;
  if (targetIPAddress !== undefined) {
    if (typeof targetIPAddress !== 'string') throw new NetConInvalidArgTypeError(`${argName}.targetIPAddress`, 'of type string', targetIPAddress);
    if (!isIPv4Address(targetIPAddress)) throw new NetConInvalidArgValueError(`${argName}.targetIPAddress`, 'an IPv4 address such as 192.168.137.20', targetIPAddress);
    target = targetIPAddress;
  } else {
    if (typeof targetName !== 'string') throw new NetConInvalidArgTypeError(`${argName}.targetName`, 'of type string', targetName);
    if (!isHostName(targetName)) throw new NetConInvalidArgValueError(`${argName}.targetName`, 'a computer name such as DESKTOP-7 or printer.lan (an address goes in targetIPAddress)', targetName);
    target = targetName;
  }
  return { name, protocol, externalPort, internalPort, targetType: targetIPAddress !== undefined ? 'ip' : 'name', target, enable: enabled === true };
}

/** A mapping named by the caller: by name, or by key. */
export type ParsedPortMappingTarget = { kind: 'name'; name: string } | { kind: 'key'; protocol: 6 | 17; externalPort: number };

export function parsePortMappingTarget(value: unknown, argName = 'mapping'): ParsedPortMappingTarget {
  if (typeof value === 'string') return { kind: 'name', name: parsePortMappingName(value, argName) };
  const object = objectArgument(value, argName);
  return {
    kind: 'key',
    protocol: parseProtocol(readProperty(object, 'protocol', argName), `${argName}.protocol`),
    externalPort: parsePort(readProperty(object, 'externalPort', argName), `${argName}.externalPort`),
  };
}

// ---------------------------------------------------------------- what the addon answers

const protocolName = (n: number): PortMapping['protocol'] => (n === 6 ? 'tcp' : n === 17 ? 'udp' : 'unknown');

/** The addon's record as the API shows it. */
export function toPortMapping(raw: NativePortMapping): PortMapping {
  return {
    name: raw.name,
    protocol: protocolName(raw.protocol),
    ipProtocol: raw.protocol,
    externalPort: raw.externalPort,
    internalPort: raw.internalPort,
    options: raw.options,
    targetName: raw.targetName,
    targetIPAddress: raw.targetIPAddress,
    enabled: raw.enabled,
  };
}

const refOf = (m: Pick<PortMapping, 'name' | 'protocol' | 'externalPort'>): PortMappingRef => ({ name: m.name, protocol: m.protocol, externalPort: m.externalPort });

function refOfTarget(target: ParsedPortMappingTarget): PortMappingRef {
  return target.kind === 'name' ? { name: target.name } : { protocol: protocolName(target.protocol), externalPort: target.externalPort };
}

// What Windows may answer for a mapping whose protocol and external port are taken:
// ERROR_OBJECT_ALREADY_EXISTS (what the test server answers, our guess) or ERROR_ALREADY_EXISTS.
// Only a real run can tell (the Windows proof records it).
const EXISTS_HRESULTS: ReadonlySet<number> = new Set([0x80071392, 0x800700b7]);

// ---------------------------------------------------------------- the operations

/** What the operations need of the client they belong to (client.ts). */
export interface PortMappingContext {
  readonly progId: string;
  getBackend(): Backend;
  /** The call's timeoutMs and signal, checked. */
  boundsFor(options: object | undefined, operation: ComOperation): Limits;
  /** Every call's first native step (COM security, with that client option). */
  prepare(backend: Backend, bounds: Limits): Promise<void> | undefined;
  /** Lists the connections, for a name target. */
  list(backend: Backend, bounds: Limits, context: { operation: ComOperation; target?: string }): Promise<NetConnection[]>;
  /** A failure's typed error. */
  toError(failure: NativeFailure | NativeRefusal, context: { operation: ComOperation; target?: string; connection?: ConnectionRef }): NetConError;
  /** The error of a call stopped by its deadline or signal. */
  stopped(why: Stop, bounds: Limits, context: { operation: ComOperation; target?: string; connection?: ConnectionRef }, actionStarted: boolean): NetConError;
}

type Found = Extract<NativePortMappingResult, { found: true }>;

/** The port-mapping methods of a client. */
export function portMappingMethods(ctx: PortMappingContext): PortMappingMethods {
  // The connection's GUID: as given, or from a list for a name.
  async function resolve(backend: Backend, bounds: Limits, parsed: ParsedTarget, operation: ComOperation): Promise<{ guid: string; ref?: ConnectionRef }> {
    if (parsed.kind === 'guid') return { guid: parsed.guid };
    const connection = selectConnection(await ctx.list(backend, bounds, { operation, target: describeTarget(parsed) }), parsed);
    return { guid: connection.id, ref: { id: connection.id, name: connection.name } };
  }

  // An answer with its connection, or the typed error: a connection gone is not found, one
  // Windows gives no sharing configuration cannot have mappings.
  function found(result: NativePortMappingResult, context: { operation: ComOperation; target: string; connection?: ConnectionRef }): Found {
    if (!result.ok) throw notShareableError(result, context.connection ?? { id: context.target }) ?? ctx.toError(result, context);
    if (!result.found) throw new ConnectionNotFoundError(context.target);
    return result;
  }

  // One read of the connection's mappings and sharing.
  async function read(backend: Backend, bounds: Limits, guid: string, context: { operation: ComOperation; target: string; connection?: ConnectionRef }) {
    await ctx.prepare(backend, bounds);
    const result = await within(bounds, (hook) => backend.portMappings(ctx.progId, guid, hook), (why) => ctx.stopped(why, bounds, context, false));
    const answer = found(result, context);
    return { connection: asListed(answer.connection), answer, mappings: answer.mappings.map(toPortMapping) };
  }

  function start(target: unknown, options: unknown) {
    const parsed = parseTarget(target, { allowConnection: true });
    return { parsed, targetText: describeTarget(parsed), object: optionsObject(options) };
  }

  async function change(action: NativePortMappingChange, operation: ComOperation, target: unknown, mapping: unknown, options: unknown): Promise<PortMapping> {
    const { parsed, targetText, object } = start(target, options);
    const wanted = parsePortMappingTarget(mapping);
    const bounds = ctx.boundsFor(object, operation);
    const backend = ctx.getBackend();
    const { guid, ref } = await resolve(backend, bounds, parsed, operation);
    const before = await read(backend, bounds, guid, { operation, target: targetText, connection: ref });
    const matches =
      wanted.kind === 'name'
        ? before.mappings.filter((m) => m.name === wanted.name)
        : before.mappings.filter((m) => m.ipProtocol === wanted.protocol && m.externalPort === wanted.externalPort);
    if (matches.length === 0) throw new PortMappingNotFoundError(before.connection, refOfTarget(wanted));
    if (matches.length > 1 && wanted.kind === 'name') throw new AmbiguousPortMappingError(before.connection, wanted.name, matches.map(refOf));
    const chosen = matches[0];
    const context = { operation, target: targetText, connection: before.connection };
    await ctx.prepare(backend, bounds);
    const result = await within(
      bounds,
      (hook) => backend.changePortMapping(ctx.progId, guid, chosen.ipProtocol, chosen.externalPort, action, hook),
      (why) => ctx.stopped(why, bounds, context, true),
    );
    const answer = found(result, context);
    // Removed by someone else between the read and the change.
    if (!answer.mappingFound) throw new PortMappingNotFoundError(before.connection, refOf(chosen));
    const was = answer.mappings[0] ? toPortMapping(answer.mappings[0]) : chosen;
    return action === 'remove' ? was : { ...was, enabled: action === 'enable' };
  }

  return {
    async listPortMappings(target, options) {
      const { parsed, targetText, object } = start(target, options);
      const bounds = ctx.boundsFor(object, 'portMappings');
      const backend = ctx.getBackend();
      const { guid, ref } = await resolve(backend, bounds, parsed, 'portMappings');
      return (await read(backend, bounds, guid, { operation: 'portMappings', target: targetText, connection: ref })).mappings;
    },
    async addPortMapping(target, mapping, options) {
      const { parsed, targetText, object } = start(target, options);
      const wanted = parseNewPortMapping(mapping);
      const bounds = ctx.boundsFor(object, 'addPortMapping');
      const backend = ctx.getBackend();
      const { guid, ref } = await resolve(backend, bounds, parsed, 'addPortMapping');
      const before = await read(backend, bounds, guid, { operation: 'addPortMapping', target: targetText, connection: ref });
      const { sharingEnabled, sharingType } = before.answer;
      if (!sharingEnabled || sharingType !== 0) {
        throw new ConnectionNotSharedAsPublicError(before.connection, !sharingEnabled ? null : sharingType === 1 ? 'private' : 'unknown');
      }
      const taken = before.mappings.find((m) => m.ipProtocol === wanted.protocol && m.externalPort === wanted.externalPort);
      if (taken) throw new PortMappingExistsError(before.connection, refOf(taken));
      const context = { operation: 'addPortMapping' as const, target: targetText, connection: before.connection };
      await ctx.prepare(backend, bounds);
      const result = await within(bounds, (hook) => backend.addPortMapping(ctx.progId, guid, wanted, hook), (why) => ctx.stopped(why, bounds, context, true));
      if (!result.ok && 'step' in result && result.step === 'INetSharingConfiguration::AddPortMapping' && EXISTS_HRESULTS.has(result.hresult >>> 0)) {
        throw new PortMappingExistsError(before.connection, { protocol: protocolName(wanted.protocol), externalPort: wanted.externalPort }, { hresult: result.hresult, step: result.step });
      }
      const answer = found(result, context);
      return toPortMapping(answer.mappings[0]);
    },
    removePortMapping: (target, mapping, options) => change('remove', 'removePortMapping', target, mapping, options),
    enablePortMapping: (target, mapping, options) => change('enable', 'enablePortMapping', target, mapping, options),
    disablePortMapping: (target, mapping, options) => change('disable', 'disablePortMapping', target, mapping, options),
  };
}
