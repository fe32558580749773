// Every check of what a caller passed, made before anything touches COM. A bad argument
// throws ERR_INVALID_ARG_TYPE or ERR_INVALID_ARG_VALUE naming it, as Node's own functions do.
import { CONNECTION_STATUSES, type NetConnection } from './connection';
import { DEFAULT_PROG_ID, DEFAULT_TIMEOUT_MS, DEFAULT_WAIT_INTERVAL_MS, DEFAULT_WAIT_TIMEOUT_MS, DEFAULT_WATCH_INTERVAL_MS, MAX_TIMEOUT_MS } from './defaults';
import { NetConInvalidArgTypeError, NetConInvalidArgValueError } from './errors';
import { canonicalGuid } from './guid';

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

// Array.isArray throws for a revoked Proxy; such options fail at reading a property instead.
function isArray(value: unknown): boolean {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/** An options argument: undefined, or an object that is not an array. */
export function optionsObject(options: unknown, argName = 'options'): object | undefined {
  if (options !== undefined && (typeof options !== 'object' || options === null || isArray(options))) {
    throw new NetConInvalidArgTypeError(argName, 'of type object', options);
  }
  return options;
}

/** `options[key]` as whole milliseconds from `min` to MAX_TIMEOUT_MS (`Infinity` too if allowed), or `fallback`. */
function milliseconds(options: object, key: string, argName: string, fallback: number, min: number, infinity = false): number {
  const value = readProperty(options, key, argName);
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new NetConInvalidArgTypeError(`${argName}.${key}`, 'of type number', value);
  if (infinity && value === Infinity) return value;
  if (!Number.isInteger(value) || value < min || value > MAX_TIMEOUT_MS) {
    const expected = `an integer from ${min} to ${MAX_TIMEOUT_MS}${infinity ? ', or Infinity' : ''}`;
    throw new NetConInvalidArgValueError(`${argName}.${key}`, expected, value);
  }
  return value;
}

/** `options.signal`: undefined or an AbortSignal. */
export function readSignal(options: object, argName: string): AbortSignal | undefined {
  const signal = readProperty(options, 'signal', argName);
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new NetConInvalidArgTypeError(`${argName}.signal`, 'an instance of AbortSignal', signal);
  }
  return signal;
}

/** Every call's `timeoutMs` and `signal`, from options already checked to be an object. */
export function parseCallOptions(options: object | undefined, argName = 'options'): { timeoutMs: number; signal?: AbortSignal } {
  if (options === undefined) return { timeoutMs: DEFAULT_TIMEOUT_MS };
  const signal = readSignal(options, argName);
  return { timeoutMs: milliseconds(options, 'timeoutMs', argName, DEFAULT_TIMEOUT_MS, 1, true), signal };
}

/** createClient's options, checked. */
export interface ParsedClientOptions {
  progId: string;
  comSecurity: boolean;
}

// Microsoft's rules for a ProgID: at most 39 characters, starting with a letter, no
// punctuation but periods. Underscores and hyphens are tolerated because registered
// ProgIDs carry them in the wild. Checking here keeps a backslash (another registry key),
// spaces or a NUL from ever reaching CLSIDFromProgID.
const PROG_ID = /^[A-Za-z][A-Za-z0-9._-]{0,38}$/;

/** createClient's options. */
export function parseClientOptions(options: unknown): ParsedClientOptions {
  const object = optionsObject(options);
  if (object === undefined) return { progId: DEFAULT_PROG_ID, comSecurity: false };
  const progId = readProperty(object, 'progId', 'options');
  if (progId !== undefined && typeof progId !== 'string') throw new NetConInvalidArgTypeError('options.progId', 'of type string', progId);
  if (progId !== undefined && !PROG_ID.test(progId)) {
    throw new NetConInvalidArgValueError(
      'options.progId',
      'a ProgID such as "HNetCfg.HNetShare" (1 to 39 letters, digits, ".", "_" or "-", starting with a letter)',
      progId,
    );
  }
  const comSecurity = readProperty(object, 'comSecurity', 'options');
  if (comSecurity !== undefined && comSecurity !== 'impersonate') {
    throw new NetConInvalidArgValueError('options.comSecurity', "'impersonate' or undefined", comSecurity);
  }
  return { progId: progId ?? DEFAULT_PROG_ID, comSecurity: comSecurity === 'impersonate' };
}

/** A validated target: a canonical GUID, or a name to match ignoring case. */
export type ParsedTarget = { readonly kind: 'guid'; readonly guid: string } | { readonly kind: 'name'; readonly name: string };

// Far above any real connection name (NETCON_MAX_NAME_LEN is 256 characters); only stops
// absurd input from being marshalled to COM.
const MAX_TARGET_BYTES = 4096;

const GUID_EXAMPLE = '{01234567-89AB-CDEF-0123-456789ABCDEF}';

/**
 * A connection name, a GUID, or with `allowConnection` a NetConnection-like object (`{ id }`,
 * only `id` is read).
 */
export function parseTarget(value: unknown, options: { allowConnection: boolean }, argName = 'target'): ParsedTarget {
  if (typeof value === 'string') return parseTargetText(value, argName);
  if (options.allowConnection && typeof value === 'object' && value !== null) {
    const id = readProperty(value, 'id', argName);
    if (typeof id === 'string') {
      const guid = canonicalGuid(id);
      if (guid === undefined) throw new NetConInvalidArgValueError(`${argName}.id`, `a GUID such as ${GUID_EXAMPLE}`, id);
      return { kind: 'guid', guid };
    }
  }
  const expected = options.allowConnection ? 'of type string or a NetConnection (an object with a string "id")' : 'of type string';
  throw new NetConInvalidArgTypeError(argName, expected, value);
}

function parseTargetText(text: string, argName: string): ParsedTarget {
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

// Input that only makes sense as a GUID. A typo in it must not silently become a name
// lookup that then reports "not found".
function looksLikeGuid(text: string): boolean {
  if (text.startsWith('{') || text.endsWith('}')) return true;
  return /^[0-9a-f-]+$/i.test(text) && text.split('-').length - 1 >= 4;
}

/** Wait options, checked. */
export interface ParsedWait {
  timeoutMs: number;
  intervalMs: number;
  signal?: AbortSignal;
}

/** waitForStatus's options (an object, or undefined for the defaults). */
export function parseWaitOptions(options: unknown, argName = 'options'): ParsedWait {
  const object = optionsObject(options, argName);
  if (object === undefined) return { timeoutMs: DEFAULT_WAIT_TIMEOUT_MS, intervalMs: DEFAULT_WAIT_INTERVAL_MS };
  const signal = readSignal(object, argName);
  return {
    timeoutMs: milliseconds(object, 'timeoutMs', argName, DEFAULT_WAIT_TIMEOUT_MS, 0),
    intervalMs: milliseconds(object, 'intervalMs', argName, DEFAULT_WAIT_INTERVAL_MS, 1),
    signal,
  };
}

/** watch()'s options, checked. */
export interface ParsedWatch {
  timeoutMs: number;
  intervalMs: number;
  persistent: boolean;
  signal?: AbortSignal;
}

/** watch()'s options: a call's, plus `intervalMs` and `persistent`. */
export function parseWatchOptions(options: unknown): ParsedWatch {
  const object = optionsObject(options);
  const call = parseCallOptions(object);
  if (object === undefined) return { ...call, intervalMs: DEFAULT_WATCH_INTERVAL_MS, persistent: true };
  const persistent = readProperty(object, 'persistent', 'options');
  if (persistent !== undefined && typeof persistent !== 'boolean') throw new NetConInvalidArgTypeError('options.persistent', 'of type boolean', persistent);
  return { ...call, intervalMs: milliseconds(object, 'intervalMs', 'options', DEFAULT_WATCH_INTERVAL_MS, 1), persistent: persistent ?? true };
}

/** A disconnect/connect `wait` option: undefined or false for none, true for the defaults. */
export function parseWaitOption(value: unknown, argName = 'options.wait'): ParsedWait | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return parseWaitOptions(undefined);
  if (typeof value !== 'object' || value === null) throw new NetConInvalidArgTypeError(argName, 'of type boolean or object', value);
  return parseWaitOptions(value, argName);
}

/** A status condition, checked: its test, and the words for it in a timeout message. */
export interface ParsedCondition {
  test: (connection: NetConnection) => boolean;
  expected: string;
}

/** A status, an array of statuses, or a predicate. */
export function parseCondition(condition: unknown): ParsedCondition {
  if (typeof condition === 'function') {
    return { test: (c) => Boolean((condition as (c: NetConnection) => unknown)(c)), expected: 'what the predicate waits for' };
  }
  const list = typeof condition === 'string' ? [condition] : condition;
  if (!isArray(list)) throw new NetConInvalidArgTypeError('status', 'a status string, an array of them, or a function', condition);
  const known = CONNECTION_STATUSES as readonly string[];
  const statuses = list as unknown[];
  if (statuses.length === 0 || statuses.some((s) => typeof s !== 'string' || !known.includes(s))) {
    throw new NetConInvalidArgValueError('status', `one or more of ${known.join(', ')}`, condition);
  }
  const wanted = new Set(statuses as string[]);
  return { test: (c) => wanted.has(c.status), expected: statuses.join(' or ') };
}

/** errorFromHResult's argument: a failing HRESULT, signed or unsigned; returns it unsigned. */
export function checkFailingHResult(hresult: unknown): number {
  if (typeof hresult !== 'number') throw new NetConInvalidArgTypeError('hresult', 'of type number', hresult);
  if (!Number.isInteger(hresult) || hresult < -0x80000000 || hresult > 0xffffffff) {
    throw new NetConInvalidArgValueError('hresult', 'a 32-bit integer', hresult);
  }
  if (hresult >>> 0 < 0x80000000) throw new NetConInvalidArgValueError('hresult', 'a failing HRESULT (bit 31 set)', hresult);
  return hresult >>> 0;
}

/** The two roles of Internet Connection Sharing. */
export type SharingRole = 'public' | 'private';

/** enableSharing's role: `'public'` or `'private'`. */
export function parseSharingRole(value: unknown, argName = 'role'): SharingRole {
  if (typeof value !== 'string') throw new NetConInvalidArgTypeError(argName, 'of type string', value);
  if (value !== 'public' && value !== 'private') {
    throw new NetConInvalidArgValueError(argName, "'public' (the connection shared) or 'private' (the network that receives it)", value);
  }
  return value;
}

/** NETCON_MAX_NAME_LEN (netcon.h) counts the terminating NUL. */
export const MAX_CONNECTION_NAME_LENGTH = 255;

// What Network Connections refuses in a name (INetwork::SetName documents the same set), and
// control characters, which no name shows.
const REFUSED_IN_NAMES = /[\\/:*?"<>|\u0000-\u001f\u007f]/;

/** rename's new name, as Windows would take it. */
export function parseNewName(value: unknown, argName = 'newName'): string {
  if (typeof value !== 'string') throw new NetConInvalidArgTypeError(argName, 'of type string', value);
  if (value.trim() === '') throw new NetConInvalidArgValueError(argName, 'a name with something other than spaces in it', value);
  if (value.length > MAX_CONNECTION_NAME_LENGTH) {
    throw new NetConInvalidArgValueError(argName, `at most ${MAX_CONNECTION_NAME_LENGTH} characters (UTF-16 units) long`, value);
  }
  if (REFUSED_IN_NAMES.test(value)) {
    throw new NetConInvalidArgValueError(argName, 'a name without \\ / : * ? " < > | or control characters, which Windows refuses', value);
  }
  return value;
}

/** listConnections', findConnection's and watch()'s `details` option: undefined or a boolean. */
export function parseDetailsOption(options: object | undefined, argName = 'options'): boolean {
  if (options === undefined) return false;
  const details = readProperty(options, 'details', argName);
  if (details !== undefined && typeof details !== 'boolean') throw new NetConInvalidArgTypeError(`${argName}.details`, 'of type boolean', details);
  return details === true;
}
