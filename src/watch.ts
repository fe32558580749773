// watch(): the machine's connections as a stream of changes. Each watcher diffs lists against
// the last one it saw. Watchers of one backend and COM class share a hub: one native
// subscription and one list per tick, however many watch. A list is taken every intervalMs,
// and sooner when Windows notifies a change; the polling is what Wine, and every change
// Windows does not notify, leave.
import type { Backend, ChangeSubscription } from './backend';
import type { NetConnection } from './connection';
import { sameDetails } from './details';
import { CallTimeoutError, NetConError } from './errors';
import { limits, type CallOptions, type Limits } from './limits';
import type { ParsedWatch } from './validate';

/** Options of watch(). `timeoutMs` bounds each list; `signal` ends the watch. */
export interface WatchOptions extends CallOptions {
  /**
   * Milliseconds between two lists when nothing notifies a change: from 1 to 2^31−1,
   * default 2,000 (DEFAULT_WATCH_INTERVAL_MS).
   */
  readonly intervalMs?: number;
  /**
   * Whether the watch keeps the process alive, as `fs.watch`'s option. Default true; with
   * `false` the process may exit while watching.
   */
  readonly persistent?: boolean;
  /**
   * List with `details`, as listConnections({ details: true }) does, and report a change of
   * a connection's details (addresses, gateways, DNS, link, `internet`) as `changed`. Default false.
   */
  readonly details?: boolean;
}

/** A connection that was not in the list before. */
export interface ConnectionAdded {
  /** Which kind of event this is. */
  readonly type: 'added';
  /** The connection, as listConnections gives it. */
  readonly connection: NetConnection;
}

/** A connection that is no longer listed: an adapter unplugged or removed, a VPN deleted. */
export interface ConnectionRemoved {
  /** Which kind of event this is. */
  readonly type: 'removed';
  /** The connection as it was last seen. */
  readonly connection: NetConnection;
}

/**
 * A connection whose status, name, device name, media type or characteristics changed, or with
 * the `details` option its details.
 */
export interface ConnectionChanged {
  /** Which kind of event this is. */
  readonly type: 'changed';
  /** The connection now. */
  readonly connection: NetConnection;
  /** The connection as it was in the list before. */
  readonly previous: NetConnection;
}

/**
 * A list failed or outlived `timeoutMs`. The watch goes on: the next list is compared with
 * the last good one.
 */
export interface WatchFailure {
  /** Which kind of event this is. */
  readonly type: 'error';
  /** The typed error a listConnections() would have rejected with; its `operation` is `'watch'`. */
  readonly error: NetConError;
}

/**
 * One change watch() saw, relative to the list before it (`type` tells which), or an error
 * event: look for `'error'`, or a machine where listing fails looks like one where nothing
 * changes.
 */
export type ConnectionChange = ConnectionAdded | ConnectionRemoved | ConnectionChanged | WatchFailure;

/** The list a hub takes: the client's, with its COM security and errors. */
export type ListFor = (bounds: Limits) => Promise<NetConnection[]>;

// Each connection by GUID, a repeated GUID (a broken server) by its occurrence too.
function byId(connections: readonly NetConnection[]): Map<string, NetConnection> {
  const map = new Map<string, NetConnection>();
  for (const connection of connections) {
    let key = connection.id;
    for (let n = 1; map.has(key); n++) key = `${connection.id}#${n}`;
    map.set(key, connection);
  }
  return map;
}

const differs = (a: NetConnection, b: NetConnection) =>
  a.statusCode !== b.statusCode ||
  a.name !== b.name ||
  a.deviceName !== b.deviceName ||
  a.mediaTypeCode !== b.mediaTypeCode ||
  a.characteristics.value !== b.characteristics.value ||
  !sameDetails(a.details, b.details);

/** What changed from `before` to `after`: additions and changes in list order, then removals. */
export function diffConnections(before: readonly NetConnection[], after: readonly NetConnection[]): ConnectionChange[] {
  const old = byId(before);
  const changes: ConnectionChange[] = [];
  for (const [key, connection] of byId(after)) {
    const previous = old.get(key);
    if (!previous) changes.push({ type: 'added', connection });
    else if (differs(previous, connection)) changes.push({ type: 'changed', connection, previous });
    old.delete(key);
  }
  for (const connection of old.values()) changes.push({ type: 'removed', connection });
  return changes;
}

/** One `for await` over watch(), as its hub sees it: what it asked for, what it saw last, where its events go. */
interface Watcher {
  readonly options: ParsedWatch;
  /** The last good list it compared against; none before its first. */
  seen?: NetConnection[];
  /** Set while a list runs: its own deadline passed, so it has had its error for this one. */
  timedOut: boolean;
  deliver(change: ConnectionChange): void;
  /** Ends the watch with `error`, which is no netcon error: a bug, not a failing Windows. */
  fail(error: unknown): void;
}

/** How long a list still running when the last watch ends may take before it is abandoned. */
const LEAVE_GRACE_MS = 500;

// One per backend and COM class (and COM security choice), alive while anything watches.
class Hub {
  private readonly watchers = new Set<Watcher>();
  private subscription?: ChangeSubscription;
  private pollTimer?: ReturnType<typeof setTimeout>;
  private settleTimer?: ReturnType<typeof setTimeout>;
  private running?: AbortController;
  private again = false;
  /** Each watcher's deadline for the list running, and the list's own (the longest). */
  private readonly deadlines = new Map<Watcher, ReturnType<typeof setTimeout>>();
  private listDeadline?: ReturnType<typeof setTimeout>;
  private grace?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly backend: Backend,
    private readonly list: ListFor,
    private readonly onEmpty: () => void,
  ) {}

  join(watcher: Watcher): void {
    this.watchers.add(watcher);
    this.subscription ??= this.backend.watchChanges(() => this.notified());
    // Its first list, the one it compares the next against, starts now (or right after the
    // one already running, which began before it joined).
    this.tick();
  }

  leave(watcher: Watcher): void {
    if (!this.watchers.delete(watcher)) return;
    clearTimeout(this.deadlines.get(watcher));
    this.deadlines.delete(watcher);
    // The others keep their next list where it is: at worst it comes an interval early for
    // a watcher that polls less often than the one that left.
    if (this.watchers.size > 0) return;
    clearTimeout(this.pollTimer);
    clearTimeout(this.settleTimer);
    clearTimeout(this.listDeadline);
    this.pollTimer = this.settleTimer = this.listDeadline = undefined;
    this.subscription?.stop();
    this.subscription = undefined;
    // A list still running most likely returns within milliseconds: let it, so that it
    // releases what it holds in Windows before a process that is ending goes. One that does
    // not is let go after LEAVE_GRACE_MS, so that a hung one cannot hold the process. The
    // timer itself holds nothing.
    const running = this.running;
    if (running) {
      this.grace = setTimeout(() => running.abort(), LEAVE_GRACE_MS);
      this.grace.unref?.();
    }
    this.onEmpty();
  }

  private notified(): void {
    if (this.watchers.size === 0 || this.settleTimer) return;
    this.settleTimer = this.timer(() => {
      this.settleTimer = undefined;
      this.tick();
    }, this.subscription?.settleMs ?? 0);
  }

  private timer(run: () => void, ms: number) {
    const timer = setTimeout(run, ms);
    if (![...this.watchers].some((w) => w.options.persistent)) timer.unref?.();
    return timer;
  }

  private reschedule(): void {
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    if (this.running || this.watchers.size === 0) return;
    const interval = Math.min(...[...this.watchers].map((w) => w.options.intervalMs));
    this.pollTimer = this.timer(() => this.tick(), interval);
  }

  private tick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    void this.listOnce();
  }

  // One list for every watcher. The list runs to the longest watcher's deadline, then is
  // abandoned; a watcher whose own deadline passes first gets its timeout error then and skips
  // this list's answer. The hub owns every timer, so that leaving can clear them all at once.
  private async listOnce(): Promise<void> {
    const watchers = [...this.watchers];
    const controller = (this.running = new AbortController());
    for (const watcher of watchers) {
      watcher.timedOut = false;
      const { timeoutMs } = watcher.options;
      if (timeoutMs === Infinity) continue;
      const deadline = this.timer(() => {
        this.deadlines.delete(watcher);
        watcher.timedOut = true;
        watcher.deliver({ type: 'error', error: new CallTimeoutError({ operation: 'watch', timeoutMs }) });
      }, timeoutMs);
      this.deadlines.set(watcher, deadline);
    }
    const longest = Math.max(...watchers.map((w) => w.options.timeoutMs));
    // Created after the watchers' own, so that at the same time they fire first.
    if (longest !== Infinity) this.listDeadline = this.timer(() => controller.abort(), longest);
    let outcome: { ok: true; connections: NetConnection[] } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, connections: await this.list(limits(Infinity, [controller.signal])) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    for (const timer of this.deadlines.values()) clearTimeout(timer);
    this.deadlines.clear();
    clearTimeout(this.listDeadline);
    clearTimeout(this.grace);
    this.listDeadline = this.grace = undefined;
    this.running = undefined;
    if (this.watchers.size === 0) return; // every watcher left while it ran
    for (const watcher of watchers) {
      if (!this.watchers.has(watcher) || watcher.timedOut) continue;
      if (!outcome.ok) {
        if (outcome.error instanceof NetConError) watcher.deliver({ type: 'error', error: outcome.error });
        else watcher.fail(outcome.error);
      } else {
        if (watcher.seen) for (const change of diffConnections(watcher.seen, outcome.connections)) watcher.deliver(change);
        watcher.seen = outcome.connections;
      }
    }
    if (this.again) {
      this.again = false;
      this.tick();
    } else {
      this.reschedule();
    }
  }
}

const hubs = new WeakMap<Backend, Map<string, Hub>>();

/**
 * The changes on `backend`'s machine as an async iterable, for one watch() call. Each
 * `for await` over it is a watcher of its own: it starts from a list taken as it begins, and
 * ends when `options.signal` aborts (without an error) or the loop exits.
 */
export function watchConnections(
  getBackend: () => Backend,
  key: string,
  list: (backend: Backend) => ListFor,
  options: ParsedWatch,
): AsyncIterable<ConnectionChange> {
  return {
    [Symbol.asyncIterator]() {
      return startWatcher(getBackend, key, list, options);
    },
  };
}

function hubFor(backend: Backend, key: string, list: ListFor): Hub {
  let byKey = hubs.get(backend);
  if (!byKey) hubs.set(backend, (byKey = new Map()));
  let hub = byKey.get(key);
  if (!hub) {
    const map = byKey;
    hub = new Hub(backend, list, () => map.delete(key));
    map.set(key, hub);
  }
  return hub;
}

function startWatcher(getBackend: () => Backend, key: string, list: (backend: Backend) => ListFor, options: ParsedWatch): AsyncIterator<ConnectionChange> {
  const queue: ConnectionChange[] = [];
  // next() may be called again before the last call settled: the readers wait in turn.
  const readers: { resolve(result: IteratorResult<ConnectionChange>): void; reject(error: unknown): void }[] = [];
  let failure: { error: unknown } | undefined;
  let hub: Hub | undefined;
  let ended = false;

  const watcher: Watcher = {
    options,
    timedOut: false,
    deliver(change) {
      if (ended) return;
      const reader = readers.shift();
      if (reader) reader.resolve({ value: change, done: false });
      else queue.push(change);
    },
    fail(error) {
      if (ended) return;
      const reader = readers.shift();
      if (reader) reader.reject(error);
      else failure = { error };
      end();
    },
  };

  function end(): void {
    if (ended) return;
    ended = true;
    options.signal?.removeEventListener('abort', end);
    hub?.leave(watcher);
    queue.length = 0;
    for (const reader of readers.splice(0)) reader.resolve({ value: undefined, done: true });
  }

  if (options.signal?.aborted) {
    ended = true;
  } else {
    try {
      const backend = getBackend();
      hub = hubFor(backend, key, list(backend));
      options.signal?.addEventListener('abort', end, { once: true });
      hub.join(watcher);
    } catch (error) {
      // No backend here (not Windows, no addon): the first next() rejects with why.
      failure = { error };
      ended = true;
    }
  }

  return {
    next() {
      if (failure) {
        const { error } = failure;
        failure = undefined;
        return Promise.reject(error);
      }
      if (queue.length > 0) return Promise.resolve({ value: queue.shift() as ConnectionChange, done: false });
      if (ended) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => readers.push({ resolve, reject }));
    },
    return() {
      end();
      return Promise.resolve({ value: undefined, done: true });
    },
  };
}
