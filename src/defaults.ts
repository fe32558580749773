// The numbers and names a call uses when its options leave them out, in one place so the
// API, the CLI's help and the docs agree.

/** The COM class every call goes through unless a test points it elsewhere. */
export const DEFAULT_PROG_ID = 'HNetCfg.HNetShare';

/** The deadline a call's COM work gets unless `timeoutMs` says otherwise. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** The largest finite `timeoutMs` (and wait `intervalMs`): setTimeout's limit, 2^31−1. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** How long waitForStatus and the `wait` option wait unless their `timeoutMs` says otherwise. */
export const DEFAULT_WAIT_TIMEOUT_MS = 30_000;

/** Time between two looks at the connection while waiting, unless `intervalMs` says otherwise. */
export const DEFAULT_WAIT_INTERVAL_MS = 250;

/** How often watch() lists the connections unless `intervalMs` says otherwise, notifications or not. */
export const DEFAULT_WATCH_INTERVAL_MS = 2_000;
