// Waiting for a connection to reach a status: Windows finishes many disconnects and connects
// after INetConnection::Disconnect/Connect returned, so "the call succeeded" is not "it is
// down". Polls the connection until it matches, times out, or the signal aborts.
import { CONNECTION_STATUSES, type ConnectionStatus, type NetConnection } from './connection';
import { CallTimeoutError, NetConAbortError, NetConInvalidArgTypeError, NetConInvalidArgValueError, WaitTimeoutError } from './errors';
import { abortedStop, DEFAULT_TIMEOUT_MS, delay, limits, MAX_TIMEOUT_MS, readSignal, type Limits, type Stop } from './limits';
import { readProperty } from './target';

/** A status, any of several, or a test of the whole connection. */
export type StatusCondition = ConnectionStatus | readonly ConnectionStatus[] | ((connection: NetConnection) => boolean);

/** Options of waitForStatus, and of disconnect/connect's `wait` option. */
export interface WaitOptions {
  /**
   * Give up after this long with ERR_TIMEOUT. A look at the connection still running then
   * gets one more `intervalMs` to return before the wait gives up on it too. 0 looks once.
   * Default 30,000.
   */
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


export interface ParsedWait {
  timeoutMs: number;
  intervalMs: number;
  signal?: AbortSignal;
}

function milliseconds(options: object, key: 'timeoutMs' | 'intervalMs', argName: string, fallback: number, min: number): number {
  const value = readProperty(options, key, argName);
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new NetConInvalidArgTypeError(`${argName}.${key}`, 'of type number', value);
  if (!Number.isInteger(value) || value < min || value > MAX_TIMEOUT_MS) {
    throw new NetConInvalidArgValueError(`${argName}.${key}`, `an integer from ${min} to ${MAX_TIMEOUT_MS}`, value);
  }
  return value;
}

/** Validates wait options (an object, or undefined for the defaults). */
export function parseWaitOptions(options: unknown, argName = 'options'): ParsedWait {
  if (options === undefined) return { timeoutMs: 30_000, intervalMs: 250 };
  if (typeof options !== 'object' || options === null) throw new NetConInvalidArgTypeError(argName, 'of type object', options);
  const signal = readSignal(options, argName);
  return {
    timeoutMs: milliseconds(options, 'timeoutMs', argName, 30_000, 0),
    intervalMs: milliseconds(options, 'intervalMs', argName, 250, 1),
    signal,
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
 * Polls `look` until `test` passes. Each look gets what is left of the wait as its deadline,
 * and the wait's signal plus `signals` (a disconnect's own signal covers its wait). `look`
 * rejects as it likes (not found, a COM error); that ends the wait with its error.
 */
export async function pollUntil(
  look: (bounds: Limits) => Promise<NetConnection>,
  condition: { test: (c: NetConnection) => boolean; expected: string },
  wait: ParsedWait,
  shown: string,
  signals: readonly (AbortSignal | undefined)[],
): Promise<NetConnection> {
  const bounds = limits(wait.timeoutMs, [wait.signal, ...signals]);
  // A look still running when the wait ends may overrun it by one interval: its answer is
  // the freshest there is, and abandoning a call that was about to return helps nobody. One
  // that hangs is abandoned then. timeoutMs 0 asks for one look, with a call's deadline.
  const lookBounds =
    wait.timeoutMs === 0 ? limits(DEFAULT_TIMEOUT_MS, bounds.signals) : { ...bounds, deadline: bounds.deadline + wait.intervalMs };
  const aborted = (why: Stop) => new NetConAbortError(why.kind === 'abort' ? why.reason : undefined, { operation: 'wait' });
  let last: NetConnection | undefined;
  for (;;) {
    const stop = abortedStop(bounds);
    if (stop) throw aborted(stop);
    try {
      last = await look(lookBounds);
    } catch (error) {
      // A look that Windows did not answer before the wait's end: the wait timed out.
      if (error instanceof CallTimeoutError) throw new WaitTimeoutError(shown, wait.timeoutMs, condition.expected, last?.status);
      throw error;
    }
    const after = abortedStop(bounds);
    if (after) throw aborted(after);
    if (condition.test(last)) return last;
    const left = bounds.deadline - performance.now();
    if (left <= 0) throw new WaitTimeoutError(shown, wait.timeoutMs, condition.expected, last.status);
    await delay(Math.min(wait.intervalMs, left), bounds.signals, aborted);
  }
}
