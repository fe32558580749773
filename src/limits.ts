// A public call's deadline and abort signals, applied to every native call it makes. When
// either fires, the public call rejects at once and the native call is abandoned: its result
// is dropped, and native code retires the thread stuck in Windows (native/com_threads.h).
import type { AbandonHook } from './backend';

/** Options every call takes. */
export interface CallOptions {
  /**
   * How long the call's COM work may take, in milliseconds: an integer from 1 to 2^31−1, or
   * `Infinity` for no limit. Default 60,000. When it passes the call rejects with
   * CallTimeoutError (code `ERR_TIMEOUT`).
   */
  readonly timeoutMs?: number;
  /** Aborting it rejects the call at once with an AbortError (code `ABORT_ERR`, `cause` the signal's reason). */
  readonly signal?: AbortSignal;
}

/** When a call gives up, and what can stop it sooner. */
export interface Limits {
  /** The `timeoutMs` the deadline came from, for messages. */
  readonly timeoutMs: number;
  /** A performance.now() time; Infinity for none. */
  readonly deadline: number;
  readonly signals: readonly AbortSignal[];
}

/** Why a call stopped before its native work returned. */
export type Stop = { readonly kind: 'timeout' } | { readonly kind: 'abort'; readonly reason: unknown };

export function limits(timeoutMs: number, signals: readonly (AbortSignal | undefined)[]): Limits {
  return { timeoutMs, deadline: performance.now() + timeoutMs, signals: signals.filter((s): s is AbortSignal => s !== undefined) };
}

/** The first aborted signal's stop, if any. */
export function abortedStop(limits: Limits): Stop | undefined {
  const aborted = limits.signals.find((s) => s.aborted);
  return aborted && { kind: 'abort', reason: aborted.reason };
}

/**
 * Runs `start` (a native call, told through its hook when it is abandoned) until it settles,
 * the deadline passes or a signal aborts; then rejects with `stopped(why)`. An already-aborted
 * signal or a passed deadline rejects without starting anything.
 */
export function within<T>(limits: Limits, start: (hook: AbandonHook) => Promise<T>, stopped: (why: Stop) => Error): Promise<T> {
  const early = abortedStop(limits) ?? (performance.now() >= limits.deadline ? ({ kind: 'timeout' } as const) : undefined);
  if (early) return Promise.reject(stopped(early));
  return new Promise<T>((resolve, reject) => {
    const hook: AbandonHook = {};
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = (event: Event) => stop({ kind: 'abort', reason: (event.target as AbortSignal).reason });
    const cleanUp = () => {
      clearTimeout(timer);
      for (const signal of limits.signals) signal.removeEventListener('abort', onAbort);
    };
    function stop(why: Stop) {
      cleanUp();
      hook.onAbandon?.();
      reject(stopped(why));
    }
    // libuv times a timer from the loop's cached clock, which lags when the tick did
    // synchronous work first (loading the addon): such a timer fires early, so look again.
    const arm = () => {
      const left = limits.deadline - performance.now();
      if (left <= 0) stop({ kind: 'timeout' });
      else timer = setTimeout(arm, Math.ceil(left));
    };
    for (const signal of limits.signals) signal.addEventListener('abort', onAbort, { once: true });
    if (limits.deadline !== Infinity) timer = setTimeout(arm, Math.ceil(Math.max(0, limits.deadline - performance.now())));
    start(hook).then(
      (value) => {
        cleanUp();
        resolve(value);
      },
      (error: unknown) => {
        cleanUp();
        reject(error);
      },
    );
  });
}

/** Resolves after `ms`; rejects with `stopped` as soon as a signal aborts. */
export function delay(ms: number, signals: readonly AbortSignal[], stopped: (why: Stop) => Error): Promise<void> {
  const sleep = (hook: AbandonHook) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      hook.onAbandon = () => clearTimeout(timer);
    });
  return within({ timeoutMs: Infinity, deadline: Infinity, signals }, sleep, stopped);
}
