// takeOffline(), runOffline() and restoreOffline(): connections taken down for a smoke test,
// and always brought back. Before the first disconnect a guardian starts (guardian.ts): a
// detached, hidden process of the same executable that holds the connections' GUIDs and the
// deadline, and connects them again when the deadline passes or when this process ends
// however it ends: its IPC channel, which the system closes with the process, is what it
// watches, not a PID that could be reused. Its state file lets restoreOffline() bring back
// what a window left down after a reboot or a killed guardian. Nothing here ever disconnects
// anything but the targets of takeOffline().
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ActionResult, NetConClient } from './client';
import type { ConnectionStatus, NetConnection } from './connection';
import { NetConError, NetConInvalidArgTypeError, NetConInvalidArgValueError, OfflineWindowError } from './errors';
import { canonicalGuid } from './guid';
import type { CallOptions } from './limits';
import { selectConnection } from './target';
import { optionsObject, parseCallOptions, parseTarget, readProperty, type ParsedTarget } from './validate';

/** Options of takeOffline() and runOffline(). */
export interface OfflineOptions extends CallOptions {
  /**
   * The window ends by itself after this long, its connections brought back, even if nothing
   * calls restore(): from 1 to 86,400,000 (24 h), default 300,000 (DEFAULT_OFFLINE_MAX_MS).
   */
  readonly maxMs?: number;
}

/** A connection takeOffline() took down. */
export interface OfflineConnection {
  /** Its GUID, as listConnections() gives it. */
  readonly id: string;
  /** Its name when it was taken down. */
  readonly name: string;
  /** Milliseconds from the disconnect until it was down. */
  readonly tookMs: number;
}

/** What restore() did for one connection: back, or why not. */
export interface RestoredConnection {
  /** Its GUID. */
  readonly id: string;
  /** Its name when it was taken down. */
  readonly name: string;
  /** True once it is `connected` again. */
  readonly ok: boolean;
  /** Its status when the restore ended, when it could be read. */
  readonly status?: ConnectionStatus;
  /** Milliseconds from the connect until it was back, or until the restore gave up on it. */
  readonly tookMs: number;
  /** Why it is not back: the connect's or the wait's error. */
  readonly error?: NetConError;
}

/** The connections takeOffline() took down, until restore() or the deadline brings them back. */
export interface OfflineWindow {
  /** What it took down, in the order it did. */
  readonly connections: readonly OfflineConnection[];
  /** When the window ends by itself (maxMs after it began). */
  readonly deadline: Date;
  /**
   * Connects each connection again and waits until it is `connected`. Resolves with each one's
   * result: one that will not come back is reported there, not thrown. Calling it again, or
   * after the deadline restored them, resolves with the same results.
   */
  restore(options?: CallOptions): Promise<readonly RestoredConnection[]>;
}

/** How long an offline window lasts at most unless `maxMs` says otherwise: 5 minutes. */
export const DEFAULT_OFFLINE_MAX_MS = 300_000;
const MAX_OFFLINE_MAX_MS = 86_400_000;
/** How long a connect may take to show `connected` again. */
const RESTORE_WAIT_MS = 60_000;
const DOWN: readonly ConnectionStatus[] = ['disconnected', 'hardware-disabled', 'media-disconnected'];

/** What the guardian is told, and what its state file holds. */
export interface GuardianPlan {
  readonly version: 1;
  readonly windowId: string;
  readonly progId: string;
  readonly comSecurity: boolean;
  readonly connections: readonly { id: string; name: string }[];
  /** Date.now() at which it restores by itself. */
  readonly deadline: number;
  readonly ownerPid: number;
}

/** Where windows keep their state: only the user (and administrators) can write there. */
export function offlineStateDir(): string {
  const base = process.env.LOCALAPPDATA || (process.platform === 'win32' ? join(homedir(), 'AppData', 'Local') : tmpdir());
  return join(base, 'netcon', 'offline');
}

/** What the client gives the offline window: itself, and what a guardian needs to be one too. */
export interface OfflineContext {
  readonly client: NetConClient;
  readonly progId: string;
  readonly comSecurity: boolean;
  /** False for netcon/testing's machine, which lives in this process only. */
  readonly guardian: boolean;
  /** This client's windows not yet restored: restoreOffline() on netcon/testing's machine restores these. */
  readonly open: Set<OfflineWindow>;
}

function parseMaxMs(options: object | undefined): number {
  const value = options === undefined ? undefined : readProperty(options, 'maxMs', 'options');
  if (value === undefined) return DEFAULT_OFFLINE_MAX_MS;
  if (typeof value !== 'number') throw new NetConInvalidArgTypeError('options.maxMs', 'of type number', value);
  if (!Number.isInteger(value) || value < 1 || value > MAX_OFFLINE_MAX_MS) {
    throw new NetConInvalidArgValueError('options.maxMs', `an integer from 1 to ${MAX_OFFLINE_MAX_MS} (24 h)`, value);
  }
  return value;
}

function parseTargets(targets: unknown): readonly ParsedTarget[] | undefined {
  if (targets === undefined) return undefined;
  if (!Array.isArray(targets)) throw new NetConInvalidArgTypeError('targets', 'an array of names, GUIDs or connections', targets);
  return targets.map((target, i) => parseTarget(target, { allowConnection: true }, `targets[${i}]`));
}

/**
 * The guardian's environment. In Electron the executable is the app: it runs as Node. CI
 * runners kill what a job started when it ends or is cancelled, finding it by a variable each
 * process inherits (GitHub Actions' RUNNER_TRACKING_ID, Azure Pipelines' VSTS_PROCESS_LOOKUP_ID):
 * without it the guardian outlives a cancelled job and brings the runner's network back.
 */
export function guardianEnv(): Record<string, string | undefined> {
  // Not NodeJS.ProcessEnv: the declarations a user compiles against must not need @types/node.
  const env: Record<string, string | undefined> = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  delete env.RUNNER_TRACKING_ID;
  delete env.VSTS_PROCESS_LOOKUP_ID;
  return env;
}

/** Starts the guardian and resolves once it holds the plan (its state file is written). */
function startGuardian(plan: GuardianPlan): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'guardian.js'), [], {
      detached: true,
      // Hidden: a console window would flash up on the desktop (ForkOptions lacks the field).
      ...{ windowsHide: true },
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      env: guardianEnv(),
    });
    const fail = (why: string) => {
      child.kill();
      reject(new OfflineWindowError(`The guardian that brings the connections back did not start (${why}); nothing was taken down.`, { step: 'guardian', restored: [], notRestored: [] }));
    };
    const timer = setTimeout(() => fail('no answer within 10 s'), 10_000);
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code) => fail(`exit code ${code}`));
    child.once('message', (message: { ready?: boolean; error?: string }) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.removeAllListeners('error');
      if (!message.ready) return fail(message.error ?? 'no plan taken');
      // It must not keep this process alive, and it lives on when this process ends.
      child.unref();
      (child.channel as { unref?: () => void } | undefined)?.unref?.();
      resolve(child);
    });
    child.send({ plan });
  });
}

/** Connects each connection and waits until it is `connected`; one that does not come back is reported, not thrown. The guardian's restore too. */
export async function restoreEach(client: NetConClient, connections: readonly { id: string; name: string }[], options?: CallOptions): Promise<RestoredConnection[]> {
  return Promise.all(
    connections.map(async ({ id, name }) => {
      const started = Date.now();
      try {
        const result: ActionResult = await client.connect(id, { ...options, wait: { timeoutMs: RESTORE_WAIT_MS, signal: options?.signal } });
        return { id, name, ok: result.connection.status === 'connected', status: result.connection.status, tookMs: Date.now() - started };
      } catch (error) {
        if (!(error instanceof NetConError)) throw error;
        return { id, name, ok: false, tookMs: Date.now() - started, error };
      }
    }),
  );
}

export async function takeOffline(context: OfflineContext, targetsArg?: unknown, options?: OfflineOptions): Promise<OfflineWindow> {
  const targets = parseTargets(targetsArg);
  const object = optionsObject(options);
  const maxMs = parseMaxMs(object);
  const call: CallOptions = parseCallOptions(object);
  // The window begins with the call: listing and the guardian's start count against maxMs.
  const deadline = Date.now() + maxMs;
  const { client } = context;

  // Down already: left alone, and never brought up later.
  const listed = await client.listConnections(call);
  const chosen: NetConnection[] = [];
  if (targets === undefined) {
    chosen.push(...listed.filter((c) => c.status === 'connected'));
  } else {
    for (const target of targets) {
      const found = selectConnection(listed, target);
      if (!DOWN.includes(found.status) && !chosen.some((c) => c.id === found.id)) chosen.push(found);
    }
  }

  const windowId = `${Date.now().toString(36)}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const plan: GuardianPlan = {
    version: 1,
    windowId,
    progId: context.progId,
    comSecurity: context.comSecurity,
    connections: chosen.map((c) => ({ id: c.id, name: c.name })),
    deadline,
    ownerPid: process.pid,
  };
  const guardian = chosen.length && context.guardian ? await startGuardian(plan) : undefined;

  const taken: OfflineConnection[] = [];
  let restoring: Promise<readonly RestoredConnection[]> | undefined;
  const restore = (restoreOptions?: CallOptions) => {
    restoring ??= (async () => {
      clearTimeout(deadlineTimer);
      const results = await restoreEach(client, taken, restoreOptions);
      // Done: the guardian stands down and removes its state, unless one did not come back.
      if (guardian?.connected) await new Promise<void>((resolve) => guardian.send({ restored: results.every((r) => r.ok) }, () => resolve()));
      if (guardian?.connected) guardian.disconnect();
      return results;
    })();
    return restoring;
  };
  const window: OfflineWindow = {
    connections: taken,
    deadline: new Date(deadline),
    restore(restoreOptions) {
      context.open.delete(window);
      return restore(restoreOptions);
    },
  };
  // A deadline that comes while connections are still being taken down must not restore
  // then: what the loop takes down after it would stay down, with the guardian stood down.
  // The loop sees it instead, takes nothing more down and brings back all it took.
  let taking = true;
  let ranOut = false;
  const deadlineTimer = setTimeout(() => (taking ? (ranOut = true) : void window.restore()), Math.max(0, deadline - Date.now()));
  deadlineTimer.unref?.();

  for (const connection of chosen) {
    if (ranOut) break;
    const started = Date.now();
    try {
      await client.disconnect(connection.id, { ...call, wait: { timeoutMs: call.timeoutMs, signal: call.signal } });
    } catch (error) {
      const results = await restore();
      const back = results.filter((r) => r.ok).map((r) => r.name);
      const notBack = results.filter((r) => !r.ok).map((r) => r.name);
      throw new OfflineWindowError(
        `Taking "${connection.name}" down failed: ${error instanceof Error ? error.message : String(error)} ` +
          (taken.length === 0 ? 'Nothing else had been taken down.' : `Brought back: ${back.join(', ') || 'none'}${notBack.length ? `; not back: ${notBack.join(', ')}` : ''}.`),
        { step: 'disconnect', connection: { id: connection.id, name: connection.name }, restored: back, notRestored: notBack, cause: error },
      );
    }
    taken.push({ id: connection.id, name: connection.name, tookMs: Date.now() - started });
  }
  taking = false;
  if (ranOut) {
    const results = await restore();
    const back = results.filter((r) => r.ok).map((r) => r.name);
    const notBack = results.filter((r) => !r.ok).map((r) => r.name);
    throw new OfflineWindowError(
      `maxMs (${maxMs} ms) ran out before every connection was down: took nothing more down, and brought back: ${back.join(', ') || 'none'}${notBack.length ? `; not back: ${notBack.join(', ')}` : ''}.`,
      { step: 'deadline', restored: back, notRestored: notBack },
    );
  }
  if (taken.length === 0) clearTimeout(deadlineTimer);
  else context.open.add(window);
  return window;
}

export async function runOffline<T>(context: OfflineContext, targets: unknown, fn: (window: OfflineWindow) => T | Promise<T>, options?: OfflineOptions): Promise<T> {
  if (typeof fn !== 'function') throw new NetConInvalidArgTypeError('fn', 'of type function', fn);
  const window = await takeOffline(context, targets, options);
  try {
    return await fn(window);
  } finally {
    await window.restore({ timeoutMs: options?.timeoutMs });
  }
}

/** A state file's plan, if it is one: canonical GUIDs only, this client's COM class. */
function readPlan(file: string, progId: string): GuardianPlan | undefined {
  try {
    const plan = JSON.parse(readFileSync(file, 'utf8')) as GuardianPlan;
    if (plan.version !== 1 || plan.progId !== progId || !Array.isArray(plan.connections)) return undefined;
    if (!plan.connections.every((c) => typeof c.id === 'string' && canonicalGuid(c.id) === c.id && typeof c.name === 'string')) return undefined;
    return plan;
  } catch {
    return undefined;
  }
}

/**
 * Brings back what offline windows of this client's COM class left down (a reboot, a killed
 * guardian): connects each connection their state files name, and removes a file once all of
 * its connections are back.
 */
export async function restoreOffline(context: OfflineContext, options?: CallOptions): Promise<readonly RestoredConnection[]> {
  // netcon/testing's machine: the windows of this client that nothing restored.
  if (!context.guardian) return (await Promise.all([...context.open].map((w) => w.restore(options)))).flat();
  const dir = offlineStateDir();
  if (!existsSync(dir)) return [];
  const results: RestoredConnection[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const file = join(dir, name);
    const plan = readPlan(file, context.progId);
    if (!plan) continue;
    const restored = await restoreEach(context.client, plan.connections, options);
    results.push(...restored);
    if (restored.every((r) => r.ok)) rmSync(file, { force: true });
  }
  return results;
}

/** Makes the folder for state files (the guardian's). */
export function makeOfflineStateDir(): string {
  const dir = offlineStateDir();
  mkdirSync(dir, { recursive: true });
  return dir;
}
