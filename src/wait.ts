// Waiting for a connection to reach a status: Windows finishes many disconnects and connects
// after INetConnection::Disconnect/Connect returned, so "the call succeeded" is not "it is
// down". Polls the connection until it matches, times out, or the signal aborts.
import { setTimeout as sleep } from 'timers/promises';

import { CONNECTION_STATUSES, type ConnectionStatus, type NetConnection } from './connection';
import { NetConAbortError, NetConInvalidArgTypeError, NetConInvalidArgValueError, WaitTimeoutError } from './errors';
import { readProperty } from './target';

/** A status, any of several, or a test of the whole connection. */
export type StatusCondition = ConnectionStatus | readonly ConnectionStatus[] | ((connection: NetConnection) => boolean);

/** Options of waitForStatus, and of disconnect/connect's `wait` option. */
export interface WaitOptions {
  /** Give up after this long with ERR_TIMEOUT. Default 30,000. */
  readonly timeoutMs?: number;
  /** Time between two looks at the connection. Default 250. */
  readonly intervalMs?: number;
  /** Stops the wait with an AbortError (code ABORT_ERR). */
  readonly signal?: AbortSignal;
}

/** `true` waits with the defaults. */
export type WaitOption = boolean | WaitOptions;

/** The states a disconnect or connect ends in, for their `wait` option. */
export const SETTLED_STATUSES = {
  /** What `disconnect(target, { wait })` waits for. */
  disconnect: ['disconnected', 'hardware-disabled', 'media-disconnected'],
  /** What `connect(target, { wait })` waits for. */
  connect: ['connected'],
} as const satisfies Record<string, readonly ConnectionStatus[]>;

const MAX_MS = 2 ** 31 - 1; // setTimeout's limit

export interface ParsedWait {
  timeoutMs: number;
  intervalMs: number;
  signal?: AbortSignal;
}

function milliseconds(options: object, key: 'timeoutMs' | 'intervalMs', argName: string, fallback: number, min: number): number {
  const value = readProperty(options, key, argName);
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new NetConInvalidArgTypeError(`${argName}.${key}`, 'of type number', value);
  if (!Number.isInteger(value) || value < min || value > MAX_MS) {
    throw new NetConInvalidArgValueError(`${argName}.${key}`, `an integer from ${min} to ${MAX_MS}`, value);
  }
  return value;
}

/** Validates wait options (an object, or undefined for the defaults). */
export function parseWaitOptions(options: unknown, argName = 'options'): ParsedWait {
  if (options === undefined) return { timeoutMs: 30_000, intervalMs: 250 };
  if (typeof options !== 'object' || options === null) throw new NetConInvalidArgTypeError(argName, 'of type object', options);
  const signal = readProperty(options, 'signal', argName);
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new NetConInvalidArgTypeError(`${argName}.signal`, 'an instance of AbortSignal', signal);
  }
  return {
    timeoutMs: milliseconds(options, 'timeoutMs', argName, 30_000, 0),
    intervalMs: milliseconds(options, 'intervalMs', argName, 250, 1),
    signal: signal as AbortSignal | undefined,
  };
}

/** Validates a disconnect/connect `wait` option: undefined or false for none. */
export function parseWaitOption(value: unknown, argName = 'options.wait'): ParsedWait | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return parseWaitOptions(undefined);
  if (typeof value !== 'object' || value === null) throw new NetConInvalidArgTypeError(argName, 'of type boolean or object', value);
  return parseWaitOptions(value, argName);
}

/** Validates a condition into a test and the words for it in a timeout message. */
export function parseCondition(condition: unknown): { test: (c: NetConnection) => boolean; expected: string } {
  if (typeof condition === 'function') {
    return { test: (c) => Boolean((condition as (c: NetConnection) => unknown)(c)), expected: 'what the predicate waits for' };
  }
  const list = typeof condition === 'string' ? [condition] : condition;
  if (!Array.isArray(list)) {
    throw new NetConInvalidArgTypeError('status', 'a status string, an array of them, or a function', condition);
  }
  const known = CONNECTION_STATUSES as readonly string[];
  const bad = list.filter((s) => typeof s !== 'string' || !known.includes(s));
  if (list.length === 0 || bad.length > 0) {
    throw new NetConInvalidArgValueError('status', `one or more of ${known.join(', ')}`, condition);
  }
  const wanted = new Set<string>(list);
  return { test: (c) => wanted.has(c.status), expected: list.join(' or ') };
}

/**
 * Polls `look` until `test` passes. `look` rejects as it likes (not found, a COM error);
 * that ends the wait with its error.
 */
export async function pollUntil(
  look: () => Promise<NetConnection>,
  condition: { test: (c: NetConnection) => boolean; expected: string },
  wait: ParsedWait,
  shown: string,
): Promise<NetConnection> {
  const { signal } = wait;
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    if (signal?.aborted) throw new NetConAbortError(signal.reason);
    const connection = await look();
    if (signal?.aborted) throw new NetConAbortError(signal.reason);
    if (condition.test(connection)) return connection;
    const left = deadline - Date.now();
    if (left <= 0) throw new WaitTimeoutError(shown, wait.timeoutMs, condition.expected, connection.status);
    try {
      await sleep(Math.min(wait.intervalMs, left), undefined, { signal });
    } catch {
      throw new NetConAbortError(signal?.reason);
    }
  }
}
