// Runs netcon for real: Windows node.exe under Wine, the cross-built addon, COM, and the
// fake HNetShare server scripted by the caller (an e2e test, the bench, the demo).
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as Netcon from '../src/index';
import {
  native,
  nativeHelperAddon,
  netconBin,
  nodeExe,
  packageUnderTest,
  progIdFor,
  renamedHost,
  repoRoot,
  slowdown,
  suiteNode,
  windowsPath,
  wineLoader,
  wineEnv,
  workDir,
  type NodeLine,
  type PrefixName,
} from './environment';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fake = require('./fake-config.cjs') as {
  configText(setup: FakeSetup): string;
  parseLog(text: string): unknown[];
  counts(events: unknown[], kind: 'new' | 'delete' | 'call'): Record<string, number>;
  liveObjects(events: unknown[]): Record<string, number>;
  calls(events: unknown[]): FakeCall[];
  warnings(events: unknown[]): string[];
};

export interface FakeConnection {
  id: string;
  name: string;
  deviceName?: string;
  status?: number;
  mediaType?: number;
  characteristics?: number;
  /** What get_Guid answers instead of `id` (the fake still knows the connection by `id`). */
  guidText?: string;
  /** Shared as this SHARINGCONNECTIONTYPE (0 public, 1 private, or any other number); default not shared. */
  sharing?: 'public' | 'private' | number;
  /** Its port mappings ("map" lines): protocol `tcp`, `udp` or a number; an IPv4 target is an address, else a name. */
  portMappings?: ({ name: string; protocol: 'tcp' | 'udp' | number; externalPort: number; internalPort: number; enabled?: boolean } & ({ targetIPAddress: string; targetName?: undefined } | { targetName: string; targetIPAddress?: undefined }))[];
}
/** What the fake server does: its connections, the HRESULTs its methods return, delays. */
export interface FakeSetup {
  connections?: FakeConnection[];
  hresults?: { method: string; hresult: number; id?: string }[];
  delays?: { method: string; ms: number; id?: string }[];
  /** The method answers S_OK with a NULL out-pointer (a NULL BSTR for string getters). */
  nulls?: { method: string; id?: string }[];
  /** Bad items put in the enumeration before the connection at `position`. */
  items?: { position: number; kind: 'empty' | 'i4' | 'stranger' }[];
  nextEnding?: 'last-item-with-s-false' | 'ok-with-nothing';
  /** Released objects stay in memory, so a use after the last Release is a warning. */
  zombies?: boolean;
  /** Microseconds each call into the "service" costs: every INetConnection call and getter. */
  roundTripUs?: number;
  after?: { Disconnect?: number; Connect?: number };
  /** For this long after a successful call the connection shows disconnecting/connecting. */
  settle?: { Disconnect?: number; Connect?: number };
  /** The GUID the fake gives the copy a Duplicate makes, while no connection has it (a fresh one otherwise). */
  copyId?: string;
}
export interface FakeCall {
  method: string;
  id: string;
  hresult: number;
}
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  hresult?: number;
  operation?: string;
  step?: string;
  connection?: { id: string; name?: string };
  candidates?: string[];
  target?: string;
  /** 'unknown' for a disconnect or connect stopped while Windows was at work. */
  outcome?: string;
  timeoutMs?: number;
  /** shareConnection's step that failed, and whether the sharing before was put back. */
  shareStep?: string;
  restored?: boolean;
  /** SharingConflictError's and ConnectionNameTakenError's other connection. */
  holder?: { id: string; name: string };
  takenBy?: { id: string; name?: string };
  /** The port-mapping errors' mapping, the mappings a name matched, and the connection's sharing. */
  mapping?: { name?: string; protocol?: string; externalPort?: number };
  matches?: { name?: string; protocol?: string; externalPort?: number }[];
  sharing?: string | null;
  /** The netcon error classes (and TypeError/RangeError) the error is an instance of. */
  classes: string[];
}
export type Settled<T> = { ok: true; value: T } | { ok: false; error: SerializedError };
/** What a scenario script can use inside Windows node.exe besides netcon itself. */
export interface Helpers {
  capture<T>(promise: Promise<T>): Promise<Settled<T>>;
  /** Resolves once `done()` holds, looking every 10 ms, or after `timeoutMs` (10 s) all the same. */
  waitFor(done: () => boolean, timeoutMs?: number): Promise<void>;
  /**
   * Records that `name` happened now (Date.now()), with a JSON value (an Error in it as
   * capture() reports one): what a test of startInWine reads while the scenario runs.
   */
  mark(name: string, value?: unknown): void;
  configure(setup: FakeSetup): void;
  live(): Record<string, number>;
  /** The fake's 'new' or 'delete' events so far, counted by class. */
  counts(kind: 'new' | 'delete'): Record<string, number>;
  calls(): FakeCall[];
  /** The fake's warn lines so far. */
  warnings(): string[];
  clearLog(): void;
  platform(): { platform: string; arch: string; version: string; execPath: string };
  /** import() of a file: URL, as an ESM user does. */
  importModule(url: string): Promise<unknown>;
  /** Runs list + disconnect + connect cycles on one connection (soak.cjs). */
  soak(options: SoakOptions): Promise<SoakFigures>;
  /** require() from the runner, for Node's own modules such as worker_threads. */
  require(id: string): unknown;
  /** The test-only addon of test/native-helper/. */
  nativeHelper(): NativeHelper;
  /** How to load netcon as this scenario does, e.g. inside a worker thread. */
  entry(): { packageRoot: string; progId?: string };
  /** The addon netcon loaded (the same module instance). */
  addon(): import('../src/native').NativeAddon;
  /** Where that addon's file is. */
  addonPath(): string;
  /** Runs `script` in a child node.exe and tells how it ended (child.cjs). */
  runChild<I>(script: (netcon: typeof Netcon, c: ChildHelpers, input: I) => Promise<unknown>, input: I, options?: { timeoutMs?: number }): Promise<ChildRun>;
}

/** What a child script (Helpers.runChild) can use besides netcon. */
export interface ChildHelpers {
  /** Records that `name` happened now (Date.now()), with a JSON value. */
  mark(name: string, value?: unknown): void;
  calls(): FakeCall[];
  live(): Record<string, number>;
  require(id: string): unknown;
  entry(): { packageRoot: string; progId?: string };
  sleep(ms: number): Promise<void>;
  /** Resolves once `done()` holds, looking every 10 ms, or after `timeoutMs` (10 s) all the same. */
  waitFor(done: () => boolean, timeoutMs?: number): Promise<void>;
  /** As Helpers.nativeHelper, addon and addonPath. */
  nativeHelper(): NativeHelper;
  addon(): import('../src/native').NativeAddon;
  addonPath(): string;
}

/** How a child node.exe ended. `marks` holds what it marked, by name; it marks 'returned' or 'threw' itself. */
export interface ChildRun {
  exitCode: number | null;
  signal: string | null;
  /** Date.now() when the parent saw it exit. */
  exitedAt: number;
  marks: Record<string, { at: number; value?: unknown }>;
  stderr: string;
}

/** A COM apartment as CoGetApartmentType names it; 'none' when the thread has no COM. */
export type Apartment = 'sta' | 'main-sta' | 'mta' | 'implicit-mta' | 'na' | 'none' | 'other' | 'error';
export interface PoolThread {
  threadId: number;
  /** CoInitializeEx's HRESULT (occupyPoolThreadsInSta only). */
  hresult?: number;
  apartment: Apartment;
  /** False when the n works could not all hold a pool thread at once (pool smaller than n). */
  metTheOthers: boolean;
}
/** test/native-helper/native-helper.cc. HRESULTs are unsigned numbers; nothing is ever uninitialised. */
export interface NativeHelper {
  /** CoInitializeEx(COINIT_APARTMENTTHREADED) on the calling JS thread. */
  enterSta(): number;
  /** OleInitialize on the calling JS thread, as Electron's main process does. */
  oleInitialize(): number;
  currentApartment(): { hresult: number; apartment: Apartment };
  /** n works that each enter an STA on a different libuv pool thread and leave it so. */
  occupyPoolThreadsInSta(n: number): Promise<PoolThread[]>;
  /** n works, one per pool thread, that report each thread's apartment. */
  poolThreadApartments(n: number): Promise<PoolThread[]>;
  /**
   * Points the module's import of CoInitializeSecurity at a recorder that answers `answer`:
   * what a test under Wine (whose CoInitializeSecurity is a stub) uses to see the call and
   * make it answer as Windows would. True once patched.
   */
  interceptCoInitializeSecurity(modulePath: string, answer: number): boolean;
  /** The calls the interceptor saw; `descriptor` is the security descriptor's owner, group and DACL as SDDL, `''` for none. */
  interceptedSecurityCalls(): { descriptor: string; authServices: number; authnLevel: number; impLevel: number; capabilities: number }[];
  /** The process's user SID as SDDL writes it (`S-1-5-21-…`). */
  processUserSid(): string;
  /**
   * Points the module's imports of CoCancelCall at a recorder (Wine's is a stub that raises)
   * and of GetProcAddress at one that hides Wine's ntdll export, so that the module cancels as
   * on Windows. Each cancel is a `CoCancelCall` call in the fake's log. Install before the
   * module's first abandoned call or comThreads(). True once both are patched.
   */
  interceptCancellation(modulePath: string): boolean;
  /** CoCancelCall calls the recorder saw since interceptCancellation. */
  cancels(): number;
  /**
   * Makes the module's GetTokenInformation answer TokenElevation as for a limited token (not
   * elevated): Wine runs everything elevated. True once the import is ours.
   */
  interceptElevation(modulePath: string): boolean;
  /** CoInitializeSecurity at identify level, as another module of the process may call it first. */
  initializeSecurityFirst(): number;
  /**
   * Points the module's imports of NotifyIpInterfaceChange, CancelMibChangeNotify2 and
   * RasConnectionNotificationW at recorders (Wine's are stubs that never fire): the first
   * answers NO_ERROR with a made-up handle, the others NO_ERROR. Clears what was recorded.
   * True once all three are patched; install them before the process first subscribes.
   */
  interceptChangeNotifications(modulePath: string, rasDelayMs?: number): boolean;
  /**
   * Calls the recorded NotifyIpInterfaceChange callback on a new thread (a NULL row,
   * MibParameterNotification) and waits for it, even after a cancellation, as a callback
   * already under way would run. Whether the registration was live (false, nothing called, when none).
   */
  fireInterfaceChange(): boolean;
  /** SetEvent on the event RasConnectionNotificationW was given; false when none was. */
  fireRasChange(): boolean;
  interceptedNotifications(): InterceptedNotifications;
  /**
   * The bench's raw COM list (bench/raw-com/raw-lists.h) on the calling JS thread, which joins
   * the MTA once: `'naive'` reads the six getters per connection, `'getprops'` GetProperties.
   * How many connections it read.
   */
  rawList(progId: string, mode: 'naive' | 'getprops'): number;
  /** The bench's raw disconnect: the naive GUID walk, then Disconnect. Whether it succeeded. */
  rawDisconnect(progId: string, guid: string): boolean;
  /**
   * GetProcessHandleCount: the handles the process has open. Under Wine, whose
   * GetProcessHandleCount always answers 0, the same count from the system handle table.
   */
  handleCount(): number;
}

/** What the change-notification recorders saw (NativeHelper.interceptChangeNotifications). */
export interface InterceptedNotifications {
  /** NotifyIpInterfaceChange calls. */
  registrations: number;
  /** CancelMibChangeNotify2 calls. */
  cancellations: number;
  /** RasConnectionNotificationW calls. */
  rasEvents: number;
  /** The handle each registration was given, in order. */
  handles: number[];
  /** The handle each cancellation named, in order. */
  cancelledHandles: number[];
  /** The last registration's address family (AF_UNSPEC: 0) and InitialNotification; -1 before any. */
  family: number;
  initialNotification: number;
  /** Whether the last RAS registration was for every connection (INVALID_HANDLE_VALUE). */
  rasAllConnections: boolean;
  /** Its flags: RASCN_Connection 1 | RASCN_Disconnection 2. */
  rasFlags: number;
}

export interface SoakOptions {
  /** The GUID every cycle disconnects and connects; it must be listed as connected. */
  id: string;
  cycles: number;
  /** Cycles run before the baseline figures are taken. */
  warmup: number;
}
export interface SoakFigures {
  cycles: number;
  warmup: number;
  ms: number;
  msPerCycleAfterWarmup: number;
  rss: { start: number; warm: number; end: number };
  heapUsed: { warm: number; end: number };
  /** Windows HANDLEs (native-helper's handleCount) and libuv handles, at start, after warm-up, at end. */
  handles: Record<'windows' | 'libuv', { start: number; warm: number; end: number }>;
}

export interface WineRun {
  prefix?: PrefixName;
  /** 'renamed' runs node.exe copied to MyElectronApp.exe. */
  host?: 'node.exe' | 'renamed';
  /** The suite's line (suiteNode: 20, or NETCON_E2E_NODE's) by default. */
  node?: NodeLine;
  fake?: FakeSetup;
  /**
   * The fake's config file of an earlier run (its ScenarioResult's `config`), used as it is
   * instead of a new one written from `fake`: every process given one config file shares the
   * connections' state (test/fake-hnetshare/README.md, Shared state), so this run sees what the
   * earlier one changed.
   */
  configFile?: string;
  /** Reach the server through createClient({ progId }) (CLI: --prog-id); see progIdFor. */
  progId?: string;
  /** The netcon folder the scenario requires; packageUnderTest (the repository's) by default. */
  packageRoot?: string;
  /**
   * 'events' (default): the fake logs every call and object. 'tally': it only counts them and
   * writes the totals at exit, for runs of thousands of calls (a line per event costs ~6 ms a
   * cycle under Wine). Calls are then empty and callCounts/live come from the totals. 'none':
   * no log at all, so that the fake costs what an in-process server does (timing).
   */
  fakeLog?: 'events' | 'tally' | 'none';
  /** How long node.exe may run; 60 s by default (times `slowdown` under qemu). */
  timeoutMs?: number;
  /** WINEDEBUG for this run (default '-all'): Wine's own trace of what a program called. */
  wineDebug?: string;
  /** More environment for node.exe (scriptInWine's stand-ins read theirs from it). */
  env?: Record<string, string>;
  /**
   * Under Wine, runs node.exe and every thread it starts on this one CPU (taskset): the bench
   * compares two threads' work that way, where this machine's cores run at different speeds
   * from one minute to the next. Ignored natively.
   */
  cpu?: number;
}

const TIMEOUT_MS = 60_000;

/** A new folder for the run's files, and its fake config: run.configFile, or one written there from run.fake. */
function scratch(run: WineRun) {
  mkdirSync(join(workDir, 'runs'), { recursive: true });
  const dir = mkdtempSync(join(workDir, 'runs', 'run-'));
  const log = join(dir, 'fake.log');
  if (run.configFile !== undefined) {
    if (run.fake) throw new Error('a WineRun takes fake or configFile, not both');
    return { dir, config: run.configFile, log };
  }
  const config = join(dir, 'config.txt');
  writeFileSync(config, fake.configText(run.fake ?? {}));
  return { dir, config, log };
}

/** node.exe running: its process, what it has written so far, and how it ended once it has. */
interface Launched {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** `exitedAt`: Date.now() when this side saw the process end. */
  exited: Promise<{ code: number | null; stdout: string; stderr: string; exitedAt: number }>;
}

function launch(run: WineRun, dir: string, config: string, log: string, args: string[]): Launched {
  const exe = run.host === 'renamed' ? renamedHost : nodeExe(run.node ?? suiteNode);
  const stdout = join(dir, 'stdout.txt');
  const stderr = join(dir, 'stderr.txt');
  // Under Wine through a shell only to redirect: Wine fails with EBADF writing to a pipe.
  // `exec` keeps one process, so a signal sent to it reaches Wine and node.exe (a SIGINT
  // arrives as Ctrl+C).
  const loader = [...(run.cpu === undefined ? [] : ['taskset', '-c', String(run.cpu)]), ...wineLoader()].map((word) => `"${word}"`).join(' ');
  const [file, argv] = native ? [exe, args] : ['sh', ['-c', `exec ${loader} "$0" "$@" >"${stdout}" 2>"${stderr}"`, exe, ...args]];
  const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
  const piped = { stdout: '', stderr: '' };
  let child!: ChildProcess;
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string; exitedAt: number }>((resolve) => {
    let exitedAt = 0;
    child = execFile(
      file,
      argv,
      {
        cwd: repoRoot,
        timeout: (run.timeoutMs ?? TIMEOUT_MS) * slowdown,
        env: wineEnv(run.prefix ?? 'hnetshare', {
          NETCON_FAKE_CONFIG: windowsPath(config),
          ...(run.wineDebug === undefined ? {} : { WINEDEBUG: run.wineDebug }),
          ...run.env,
          ...(run.fakeLog === 'none' ? {} : { NETCON_FAKE_LOG: windowsPath(log), NETCON_FAKE_LOG_MODE: run.fakeLog ?? 'events' }),
        }),
      },
      (error, out, err) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, ...(native ? { stdout: out, stderr: err } : { stdout: read(stdout), stderr: read(stderr) }), exitedAt: exitedAt || Date.now() });
      },
    );
    child.once('exit', () => (exitedAt = Date.now()));
    if (native) {
      child.stdout?.on('data', (chunk) => (piped.stdout += chunk));
      child.stderr?.on('data', (chunk) => (piped.stderr += chunk));
    }
  });
  return {
    child,
    stdout: () => (native ? piped.stdout : read(stdout)),
    stderr: () => (native ? piped.stderr : read(stderr)),
    exited,
  };
}

// node.exe cannot even start in this time under Wine (0.6 s at best): an exit this early with
// no output at all is Wine's loader failing, not anything netcon or a test did.
const WINE_LOADER_FAILURE_MS = 300;

async function wine(run: WineRun, dir: string, config: string, log: string, args: string[]) {
  const started = Date.now();
  const out = await launch(run, dir, config, log, args).exited;
  // Seen once in a full run (exit code 1 after 51 ms, nothing on stdout or stderr): started again
  // once, and said so, so that a Wine that keeps failing still fails the test.
  if (!native && out.code !== 0 && out.exitedAt - started < WINE_LOADER_FAILURE_MS && !out.stdout && !out.stderr) {
    console.warn(`wine exited with code ${out.code} after ${out.exitedAt - started} ms and printed nothing; starting it again once`);
    return launch(run, dir, config, log, args).exited;
  }
  return out;
}

/** What inWine resolves: the script's value, and the fake's log. */
export interface ScenarioResult<T> {
  value: T;
  /** The fake's config file, for a later run's configFile. */
  config: string;
  live: Record<string, number>;
  calls: FakeCall[];
  callCounts: Record<string, number>;
  exitCode: number | null;
}

/**
 * Runs `script` in Windows node.exe under Wine with `require('<repo root>')` as netcon.
 * The script is sent as source text, so it sees nothing of this file's scope: it may use only
 * its parameters, and gets data from the test through `input` (JSON).
 */
export async function inWine<T, I = undefined>(
  run: WineRun,
  script: (netcon: typeof Netcon, t: Helpers, input: I) => Promise<T>,
  input?: I,
): Promise<ScenarioResult<T>> {
  const { out, config, resultPath, events } = await runScenario(run, script, input);
  return scenarioResult<T>(out, config, resultPath, events);
}

function scenarioResult<T>(out: { code: number | null; stdout: string; stderr: string }, config: string, resultPath: string, events: unknown[]): ScenarioResult<T> {
  if (!existsSync(resultPath)) {
    throw new Error(`node.exe under Wine wrote no result (exit ${out.code}).\nstderr:\n${out.stderr}\nstdout:\n${out.stdout}`);
  }
  const result = JSON.parse(readFileSync(resultPath, 'utf8')) as Settled<T>;
  if (!result.ok) throw new Error(`scenario threw ${JSON.stringify(result.error, null, 2)}`);
  return {
    value: result.value,
    config,
    live: fake.liveObjects(events),
    calls: fake.calls(events),
    callCounts: fake.counts(events, 'call'),
    exitCode: out.code,
  };
}

/**
 * Like inWine, for a script that ends the process itself (process.exit): no result is
 * expected, only how the process ended and how long the whole run took (Wine's start included).
 */
export async function exitOfWine<I = undefined>(
  run: WineRun,
  script: (netcon: typeof Netcon, t: Helpers, input: I) => Promise<unknown>,
  input?: I,
) {
  const started = Date.now();
  const { out, events } = await runScenario(run, script, input);
  return { exitCode: out.code, elapsedMs: Date.now() - started, stderr: out.stderr, live: fake.liveObjects(events), calls: fake.calls(events) };
}

const readLog = (log: string) => fake.parseLog(existsSync(log) ? readFileSync(log, 'utf8') : '');

function scenarioFiles<I>(run: WineRun, script: (...args: never[]) => unknown, input: I | undefined) {
  const { dir, config, log } = scratch(run);
  const resultPath = join(dir, 'result.json');
  const marksPath = join(dir, 'marks.jsonl');
  const scenario = join(dir, 'scenario.json');
  writeFileSync(scenario, JSON.stringify({
    packageRoot: windowsPath(run.packageRoot ?? packageUnderTest),
    progId: progIdFor(run),
    nativeHelper: windowsPath(nativeHelperAddon),
    source: script.toString(),
    input,
    resultPath: windowsPath(resultPath),
    marksPath: windowsPath(marksPath),
  }));
  const args = [windowsPath(join(__dirname, 'runner.cjs')), windowsPath(scenario)];
  return { dir, config, log, resultPath, marksPath, args };
}

async function runScenario<I>(run: WineRun, script: (...args: never[]) => unknown, input: I | undefined) {
  const { dir, config, log, resultPath, args } = scenarioFiles(run, script, input);
  const out = await wine(run, dir, config, log, args);
  return { out, config, resultPath, events: readLog(log) };
}

/** Runs the netcon CLI (the package's bin) as a person would, in Windows node.exe under Wine. */
export async function cliInWine(args: string[], run: WineRun = {}) {
  const { dir, config, log } = scratch(run);
  const out = await wine(run, dir, config, log, cliArgs(args, run));
  const events = readLog(log);
  return { ...out, config, live: fake.liveObjects(events), calls: fake.calls(events) };
}

function cliArgs(args: string[], run: WineRun) {
  const progId = progIdFor(run);
  return [windowsPath(netconBin(run.packageRoot)), ...(progId ? ['--prog-id', progId] : []), ...args];
}

/**
 * Runs a script file of the repository or of a test (a path here) with `args` in Windows
 * node.exe, as `node <file> <args>` would: for programs netcon ships or documents, such as
 * `npm run prove` and the Electron check. `config` is the fake's config file, which the run
 * may rewrite (NETCON_FAKE_CONFIG holds its Windows path).
 */
export async function scriptInWine(file: string, args: string[], run: WineRun = {}) {
  const { dir, config, log } = scratch(run);
  const out = await wine(run, dir, config, log, [windowsPath(file), ...args]);
  const events = readLog(log);
  return { ...out, dir, config, live: fake.liveObjects(events), calls: fake.calls(events) };
}

/** What a scenario marked with t.mark: when (Date.now() in node.exe, the same clock as here) and its value. */
export interface Mark {
  name: string;
  at: number;
  value?: unknown;
}

/**
 * node.exe still running (startInWine, startCliInWine): the test changes the fake's state
 * from outside and reads what the process has reported so far.
 */
export interface Running {
  /** The fake's config file, for another run's configFile while this one still runs. */
  config: string;
  /**
   * Replaces the fake's config file (a rename, so the fake never reads half of it); the fake
   * takes it at its next CoCreateInstance, i.e. the next list. Returns Date.now() once written.
   */
  configure(setup: FakeSetup): number;
  /** The fake's calls so far (an 'events' log). */
  calls(): FakeCall[];
  /**
   * The first truthy answer of `probe`, asked every 20 ms. Rejects, saying what was reported,
   * once `timeoutMs` (default 10 s) have passed or the process ended without one.
   */
  until<T>(probe: () => T | false | undefined | null | 0, timeoutMs?: number, what?: string): Promise<T>;
  /** SIGINT, which Wine hands node.exe as a Ctrl+C (natively Node can only kill a process). */
  interrupt(): void;
  /** Kills the process if it still runs: a failed test's clean-up. */
  stop(): void;
  ended(): boolean;
}

function running(launched: Launched, config: string, log: string, reported: () => string): Running {
  let ended = false;
  void launched.exited.then(() => (ended = true));
  return {
    config,
    configure(setup) {
      // The fake opens the file with FILE_SHARE_DELETE, so natively too it can be replaced.
      const next = `${config}.next`;
      writeFileSync(next, fake.configText(setup));
      renameSync(next, config);
      return Date.now();
    },
    calls: () => fake.calls(readLog(log)),
    async until(probe, timeoutMs = 10_000, what = 'the awaited condition') {
      // Everything takes longer under qemu (the arm64 pass).
      const deadline = Date.now() + timeoutMs * slowdown;
      for (;;) {
        const wasEnded = ended;
        const answer = probe();
        if (answer) return answer;
        if (wasEnded || Date.now() > deadline) {
          const why = wasEnded ? 'node.exe ended' : `${timeoutMs * slowdown} ms passed`;
          throw new Error(`${why} before ${what}.\n${reported()}\nstderr:\n${launched.stderr()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    interrupt: () => void launched.child.kill('SIGINT'),
    stop: () => void (ended || launched.child.kill('SIGKILL')),
    ended: () => ended,
  };
}

/**
 * Starts `script` as inWine does and returns at once, while it runs: the test rewrites the
 * fake's config from outside the process and follows the marks the script makes with t.mark.
 * `finished` resolves as inWine does once node.exe has ended, with when it ended.
 */
export function startInWine<T, I = undefined>(
  run: WineRun,
  script: (netcon: typeof Netcon, t: Helpers, input: I) => Promise<T>,
  input?: I,
): Running & {
  marks(): Mark[];
  /** The marks once `predicate` holds for them (see until). */
  waitFor(predicate: (marks: Mark[]) => boolean, timeoutMs?: number): Promise<Mark[]>;
  finished: Promise<ScenarioResult<T> & { exitedAt: number; stderr: string; marks: Mark[] }>;
} {
  const { dir, config, log, resultPath, marksPath, args } = scenarioFiles(run, script, input);
  const launched = launch(run, dir, config, log, args);
  // Only whole lines: the script may be appending one right now.
  const marks = (): Mark[] => {
    const text = existsSync(marksPath) ? readFileSync(marksPath, 'utf8') : '';
    return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Mark);
  };
  const control = running(launched, config, log, () => `marks so far:\n${marks().map((m) => JSON.stringify(m)).join('\n')}`);
  const finished = launched.exited.then((out) => ({
    ...scenarioResult<T>(out, config, resultPath, readLog(log)),
    exitedAt: out.exitedAt,
    stderr: out.stderr,
    marks: marks(),
  }));
  finished.catch(() => {}); // a test that failed before awaiting it has its own error
  return {
    ...control,
    marks,
    waitFor: (predicate, timeoutMs) => control.until(() => { const m = marks(); return predicate(m) && m; }, timeoutMs, `the marks satisfied ${predicate.toString()}`),
    finished,
  };
}

/** Starts the netcon CLI as cliInWine does and returns at once, while it runs. */
export function startCliInWine(args: string[], run: WineRun = {}): Running & {
  /** stdout so far. */
  output(): string;
  /** stderr so far. */
  errors(): string;
  finished: Promise<{ code: number | null; stdout: string; stderr: string; exitedAt: number; live: Record<string, number>; calls: FakeCall[] }>;
} {
  const { dir, config, log } = scratch(run);
  const launched = launch(run, dir, config, log, cliArgs(args, run));
  const control = running(launched, config, log, () => `stdout so far:\n${launched.stdout()}`);
  const finished = launched.exited.then((out) => {
    const events = readLog(log);
    return { ...out, live: fake.liveObjects(events), calls: fake.calls(events) };
  });
  return { ...control, output: launched.stdout, errors: launched.stderr, finished };
}
