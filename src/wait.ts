// Waiting for a connection to reach a status: Windows finishes many disconnects and connects
// after INetConnection::Disconnect/Connect returned, so "the call succeeded" is not "it is
// down". Polls the connection until it matches, times out, or the signal aborts.
import type { ConnectionStatus, NetConnection } from './connection';
import { DEFAULT_TIMEOUT_MS } from './defaults';
import { CallTimeoutError, NetConAbortError, WaitTimeoutError } from './errors';
import { abortedStop, delay, limits, type Limits, type Stop } from './limits';
import type { ParsedCondition, ParsedWait } from './validate';

/** A status, any of several, or a test of the whole connection. */
export type StatusCondition = ConnectionStatus | readonly ConnectionStatus[] | ((connection: NetConnection) => boolean);

/** Options of waitForStatus, and of disconnect/connect's `wait` option. */
export interface WaitOptions {
  /**
   * Give up after this long with ERR_TIMEOUT. A look at the connection still running then
   * gets one more `intervalMs` to return before the wait gives up on it too. 0 looks once.
   * Default 30,000 (DEFAULT_WAIT_TIMEOUT_MS).
   */
  readonly timeoutMs?: number;
  /** Time between two looks at the connection. Default 250 (DEFAULT_WAIT_INTERVAL_MS). */
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


/**
 * Polls `look` until `test` passes. Each look gets what is left of the wait as its deadline,
 * and the wait's signal plus `signals` (a disconnect's own signal covers its wait). `look`
 * rejects as it likes (not found, a COM error); that ends the wait with its error.
 */
export async function pollUntil(
  look: (bounds: Limits) => Promise<NetConnection>,
  condition: ParsedCondition,
  wait: ParsedWait,
  target: string,
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
      if (error instanceof CallTimeoutError) throw new WaitTimeoutError(target, wait.timeoutMs, condition.expected, last?.status);
      throw error;
    }
    const after = abortedStop(bounds);
    if (after) throw aborted(after);
    if (condition.test(last)) return last;
    const left = bounds.deadline - performance.now();
    if (left <= 0) throw new WaitTimeoutError(target, wait.timeoutMs, condition.expected, last.status);
    await delay(Math.min(wait.intervalMs, left), bounds.signals, aborted);
  }
}
