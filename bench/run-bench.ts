// `npm run bench` (bench/bench.mjs) and its smoke test: netcon against the raw COM calls it
// makes, its event-loop cost, throughput, memory, and the child processes users spawn
// instead. Everything runs in the e2e suite's environment (wine/setup.ts): Windows node.exe
// and bench/raw-com/raw-com.exe under Wine, against the fake HNetShare server, or natively on
// Windows through the fake's own ProgID. Figures are printed, never asserted.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { native, progIdFor, rawComExe, windowsPath, wineEnv, wineTool, workDir, type NodeLine } from '../wine/environment';
import { ethernet, ethernet2, machine } from '../wine/connections';
import { inWine, type FakeConnection, type FakeSetup, type SoakFigures } from '../wine/run';
import type * as InNode from './in-node.cjs';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const fakeConfig = require('../wine/fake-config.cjs') as { configText(setup: FakeSetup): string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const inNode = require('./in-node.cjs') as typeof InNode;
const inNodeModule = windowsPath(join(__dirname, 'in-node.cjs'));

export interface BenchOptions {
  /** Tiny sizes and few repetitions: proves the bench works, in seconds. */
  smoke?: boolean;
  node?: NodeLine;
}

/** Everything per size; times are milliseconds. */
const FULL = {
  sizes: [
    { n: 1, reps: 200 },
    { n: 3, reps: 200 },
    { n: 10, reps: 200 },
    { n: 100, reps: 100 },
    { n: 1000, reps: 30 },
    { n: 10000, reps: 7 },
  ],
  warmup: 5,
  rounds: 3,
  roundTrips: { n: 1000, costsUs: [0, 20], warmup: 2, reps: 15 },
  eventLoop: { idleMs: 1000, delayMs: 2000, listN: 1000, listMs: 2000 },
  concurrency: { n: 10, levels: [1, 4, 16, 64], ops: 2000 },
  soak: { cycles: 10000, warmup: 1000 },
  allocationOps: 1000,
  spawn: { warmup: 3, reps: 10 },
  details: { sizes: [3, 100], warmup: 5, reps: 50 },
};
const SMOKE: typeof FULL = {
  sizes: [
    { n: 1, reps: 3 },
    { n: 10, reps: 3 },
  ],
  warmup: 1,
  rounds: 1,
  roundTrips: { n: 10, costsUs: [0, 20], warmup: 1, reps: 2 },
  eventLoop: { idleMs: 50, delayMs: 50, listN: 10, listMs: 50 },
  concurrency: { n: 10, levels: [1, 4, 16, 64], ops: 64 },
  soak: { cycles: 20, warmup: 5 },
  allocationOps: 20,
  spawn: { warmup: 1, reps: 2 },
  details: { sizes: [3], warmup: 1, reps: 3 },
};

/** What netcon's top-level functions reach: HNetShare (the fake, under Wine) or the fake's ProgID (natively). */
const progId = progIdFor({}) ?? 'HNetCfg.HNetShare';
const TIMEOUT_MS = 15 * 60_000;

interface RawRun {
  listed: number;
  disconnected: boolean;
  list: number[];
  disconnect: number[];
}

/**
 * raw-com.exe in its own process; it times its calls itself, so its start-up is not counted.
 * `naive` reads each connection with the six getters, `getprops` with GetProperties.
 */
function runRaw(connections: FakeConnection[], warmup: number, reps: number, read: 'naive' | 'getprops' = 'naive', roundTripUs = 0): RawRun {
  mkdirSync(join(workDir, 'runs'), { recursive: true });
  const dir = mkdtempSync(join(workDir, 'runs', 'raw-'));
  const config = join(dir, 'config.txt');
  const out = join(dir, 'raw.json');
  writeFileSync(config, fakeConfig.configText({ connections, roundTripUs }));
  const guid = connections[connections.length - 1].id;
  const args = ['time', progId, guid, String(warmup), String(reps), windowsPath(out), read];
  // No NETCON_FAKE_LOG: the fake neither writes nor counts while timed, as in netcon's runs.
  const env = wineEnv('hnetshare', { NETCON_FAKE_CONFIG: windowsPath(config) });
  execFileSync(...(native ? ([rawComExe, args] as const) : wineTool('wine', [rawComExe, ...args], 'x64')), { env, stdio: 'ignore', timeout: TIMEOUT_MS });
  const raw = JSON.parse(readFileSync(out, 'utf8')) as RawRun;
  if (raw.listed !== connections.length || !raw.disconnected) throw new Error(`raw-com listed ${raw.listed} of ${connections.length}, disconnected: ${raw.disconnected}`);
  return raw;
}

/** Least squares of ms against N: the fixed cost per call and the cost per connection. */
export function fit(points: { n: number; ms: number }[]) {
  const k = points.length;
  const mean = (f: (p: { n: number; ms: number }) => number) => points.reduce((s, p) => s + f(p), 0) / k;
  const mn = mean((p) => p.n);
  const mm = mean((p) => p.ms);
  const slope = mean((p) => (p.n - mn) * (p.ms - mm)) / mean((p) => (p.n - mn) ** 2);
  return { fixedMs: mm - slope * mn, perConnectionUs: slope * 1000 };
}

export async function runBench(options: BenchOptions = {}) {
  const plan = options.smoke ? SMOKE : FULL;
  const run = { node: options.node ?? '20', fakeLog: 'tally' as 'tally' | 'none', timeoutMs: TIMEOUT_MS };
  const median = inNode.median;

  // 1. Overhead against the raw COM calls, size by size. Rounds alternate netcon's node.exe
  // and the raw program, and their samples are pooled, so that a slow spell of a shared
  // machine falls on both sides rather than on one.
  const samples = new Map(
    plan.sizes.map(({ n }) => [n, { list: [] as number[], addon: [] as number[], disconnect: [] as number[], rawList: [] as number[], rawGetProps: [] as number[], rawDisconnect: [] as number[] }]),
  );
  for (let round = 0; round < plan.rounds; round++) {
    const netcon = await inWine(
      // The fake keeps no log, so that it costs what an in-process server does on both sides.
      { ...run, fakeLog: 'none' },
      async (netcon, t, input) => {
        const b = t.require(input.module) as typeof InNode;
        const loadAddon = t.require('node-gyp-build') as (root: string) => import('../src/native').NativeAddon;
        return b.overhead(netcon, loadAddon(t.entry().packageRoot), input.progId, t.configure, input.plan);
      },
      { module: inNodeModule, progId, plan: { sizes: plan.sizes, warmup: plan.warmup } },
    );
    for (const row of netcon.value) {
      const raw = runRaw(inNode.connections(row.n), plan.warmup, row.list.length);
      const rawGetProps = runRaw(inNode.connections(row.n), plan.warmup, row.list.length, 'getprops');
      const s = samples.get(row.n)!;
      s.list.push(...row.list);
      s.addon.push(...row.binding);
      s.disconnect.push(...row.disconnect);
      s.rawList.push(...raw.list);
      s.rawGetProps.push(...rawGetProps.list);
      s.rawDisconnect.push(...raw.disconnect);
    }
  }
  const rows = [...samples].map(([n, s]) => {
    const m = {
      netcon: { list: median(s.list), disconnect: median(s.disconnect) },
      addon: { list: median(s.addon) },
      raw: { list: median(s.rawList), getProps: median(s.rawGetProps), disconnect: median(s.rawDisconnect) },
    };
    const ratio = { list: m.netcon.list / m.raw.list, getProps: m.netcon.list / m.raw.getProps, disconnect: m.netcon.disconnect / m.raw.disconnect };
    return { n, reps: s.list.length, ...m, ratio };
  });
  const fits = (pick: (r: (typeof rows)[number]) => number) => fit(rows.map((r) => ({ n: r.n, ms: pick(r) })));
  const overhead = {
    rows,
    fit: {
      list: { netcon: fits((r) => r.netcon.list), addon: fits((r) => r.addon.list), raw: fits((r) => r.raw.list) },
      disconnect: { netcon: fits((r) => r.netcon.disconnect), raw: fits((r) => r.raw.disconnect) },
    },
    // What one call costs on top of raw COM when there is almost nothing to read (N = 1).
    fixedOverheadMs: { list: rows[0].netcon.list - rows[0].raw.list, disconnect: rows[0].netcon.disconnect - rows[0].raw.disconnect },
  };

  // 1b. Where each getter is a call into the service: the fake charges a round trip for every
  // INetConnection call and getter. netcon against the naive loop and the GetProperties loop.
  const roundTrips = [];
  for (const us of plan.roundTrips.costsUs) {
    const conns = inNode.connections(plan.roundTrips.n);
    const { warmup, reps } = plan.roundTrips;
    const netcon = await inWine(
      { ...run, fakeLog: 'none', fake: { connections: conns, roundTripUs: us } },
      async (netcon, t, input) => (t.require(input.module) as typeof InNode).listTimes(netcon, input),
      { module: inNodeModule, warmup, reps },
    );
    const naive = runRaw(conns, warmup, reps, 'naive', us);
    const getProps = runRaw(conns, warmup, reps, 'getprops', us);
    const m = { netcon: median(netcon.value), naive: median(naive.list), getProps: median(getProps.list) };
    roundTrips.push({ n: plan.roundTrips.n, roundTripUs: us, reps, ...m, ratio: { naive: m.netcon / m.naive, getProps: m.netcon / m.getProps } });
  }

  // 2.–3. Event loop and throughput, one node.exe each.
  const eventLoop = (
    await inWine(
      run,
      async (netcon, t, input) => (t.require(input.module) as typeof InNode).eventLoop(netcon, t.configure, input.plan),
      { module: inNodeModule, plan: plan.eventLoop },
    )
  ).value;
  const concurrency = (
    await inWine(
      run,
      async (netcon, t, input) => (t.require(input.module) as typeof InNode).concurrency(netcon, t.configure, input.plan),
      { module: inNodeModule, plan: plan.concurrency },
    )
  ).value;

  // 4. Memory: the reliability soak, then allocation per call, in a fresh node.exe.
  const memoryRun = await inWine(
    { ...run, fake: { connections: [ethernet, ethernet2] } },
    async (netcon, t, input) => {
      const b = t.require(input.module) as typeof InNode;
      const soak = await t.soak(input.soak);
      const conns = b.connections(10);
      t.configure({ connections: conns });
      const list = await b.allocation(() => netcon.listConnections(), input.ops);
      const disconnect = await b.allocation(() => netcon.disconnect(conns[9].id), input.ops);
      return { soak, list, disconnect };
    },
    { module: inNodeModule, soak: { id: ethernet.id, ...plan.soak }, ops: plan.allocationOps },
  );
  const soak: SoakFigures = memoryRun.value.soak;
  const memory = {
    soak,
    liveObjects: Object.values(memoryRun.live).reduce((a, b) => a + b, 0),
    // Three calls a cycle; after GC, so this is what stays allocated, not what passes through.
    retainedBytesPerOp: (soak.heapUsed.end - soak.heapUsed.warm) / (3 * (soak.cycles - soak.warmup)),
    allocatedBytesPerOp: { list10: memoryRun.value.list.bytesPerOp, disconnect: memoryRun.value.disconnect.bytesPerOp },
  };

  // 5. The child processes users spawn instead.
  const spawn = (
    await inWine(
      run,
      async (netcon, t, input) => (t.require(input.module) as typeof InNode).spawnCost(netcon, t.configure, input.plan),
      { module: inNodeModule, plan: { ...plan.spawn, wine: !native, rawComExe: windowsPath(rawComExe), progId, machine } },
    )
  ).value;

  const details = await detailsSection(plan.details, run.node);

  return {
    meta: {
      date: new Date().toISOString(),
      smoke: Boolean(options.smoke),
      where: native ? 'Windows (native)' : `Wine (${wineVersion()}) on ${process.platform}`,
      node: `node.exe ${run.node}`,
      cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    },
    overhead,
    roundTrips,
    eventLoop,
    concurrency,
    memory,
    spawn,
    details,
  };
}

/**
 * 6. What listConnections({ details: true }) adds over a plain list: the IP Helper read
 * (GetAdaptersAddresses, GetIpForwardTable2) and the join, at each N. Under Wine the adapters
 * are the Linux machine's.
 */
export async function detailsSection(plan: typeof FULL.details, node: NodeLine = '20') {
  const rows = (
    await inWine(
      { node, fakeLog: 'none', timeoutMs: TIMEOUT_MS },
      async (netcon, t, input) => {
        const b = t.require(input.module) as typeof InNode;
        const loadAddon = t.require('node-gyp-build') as (root: string) => import('../src/native').NativeAddon;
        return b.detailsCost(netcon, loadAddon(t.entry().packageRoot), t.configure, input.plan);
      },
      { module: inNodeModule, plan },
    )
  ).value;
  return rows.map((row) => {
    const plainMs = inNode.median(row.plain);
    const detailsMs = inNode.median(row.detailed);
    return { n: row.n, adapters: row.adapters, joined: row.joined, reps: row.plain.length, plainMs, detailsMs, addedMs: detailsMs - plainMs };
  });
}
export type BenchResults = Awaited<ReturnType<typeof runBench>>;

function wineVersion() {
  try {
    return execFileSync(...wineTool('wine', ['--version'], 'x64'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'wine';
  }
}

const f = (x: number, digits = 2) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mb = (bytes: number) => `${f(bytes / 2 ** 20, 1)} MB`;

export function toMarkdown(r: BenchResults): string {
  const o = r.overhead;
  const lines = [
    `# netcon benchmark${r.meta.smoke ? ' (smoke: tiny sizes, figures mean nothing)' : ''}`,
    '',
    `${r.meta.date}, ${r.meta.where}, ${r.meta.node}, ${r.meta.cpus}. Medians; times per call in ms.`,
    '',
    '## 1. netcon against the raw COM calls',
    '',
    'Raw COM list: the naive loop (NetConnectionProps and the six getters per connection); raw GetProperties: one GetProperties per connection, as netcon reads.',
    '',
    '| N | calls timed | listConnections() | addon list() | raw COM list | ratio | raw GetProperties list | ratio | disconnect() | raw COM disconnect | ratio |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...o.rows.map(
      (x) =>
        `| ${x.n.toLocaleString('en-US')} | ${x.reps} | ${f(x.netcon.list, 3)} | ${f(x.addon.list, 3)} | ${f(x.raw.list, 3)} | ${f(x.ratio.list)} | ${f(x.raw.getProps, 3)} | ${f(x.ratio.getProps)} | ${f(x.netcon.disconnect, 3)} | ${f(x.raw.disconnect, 3)} | ${f(x.ratio.disconnect)} |`,
    ),
    '',
    `Fixed overhead per call (netcon − raw at N = 1): list ${f(o.fixedOverheadMs.list, 3)} ms, disconnect ${f(o.fixedOverheadMs.disconnect, 3)} ms.`,
    '',
    '| least squares, ms = fixed + N × per connection | fixed (ms) | per connection (µs) |',
    '|---|---:|---:|',
    `| listConnections() | ${f(o.fit.list.netcon.fixedMs, 3)} | ${f(o.fit.list.netcon.perConnectionUs)} |`,
    `| addon list() | ${f(o.fit.list.addon.fixedMs, 3)} | ${f(o.fit.list.addon.perConnectionUs)} |`,
    `| raw COM list | ${f(o.fit.list.raw.fixedMs, 3)} | ${f(o.fit.list.raw.perConnectionUs)} |`,
    `| disconnect() | ${f(o.fit.disconnect.netcon.fixedMs, 3)} | ${f(o.fit.disconnect.netcon.perConnectionUs)} |`,
    `| raw COM disconnect | ${f(o.fit.disconnect.raw.fixedMs, 3)} | ${f(o.fit.disconnect.raw.perConnectionUs)} |`,
    '',
    `## 1b. Service round trips: N = ${r.roundTrips[0]?.n.toLocaleString('en-US')}, the fake charging each INetConnection call and getter`,
    '',
    '| round trip | calls timed | listConnections() | naive loop | ratio | GetProperties loop | ratio |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...r.roundTrips.map((x) => `| ${x.roundTripUs} µs | ${x.reps} | ${f(x.netcon, 3)} | ${f(x.naive, 3)} | ${f(x.ratio.naive)} | ${f(x.getProps, 3)} | ${f(x.ratio.getProps)} |`),
    '',
    '## 2. Event-loop delay (monitorEventLoopDelay, resolution 1 ms: figures include that 1 ms)',
    '',
    '| while | duration | samples | p50 | p99 | max |',
    '|---|---:|---:|---:|---:|---:|',
    ...[
      ['idle (the floor)', r.eventLoop.idle],
      [`a ${f(r.eventLoop.slowDisconnect.callMs, 0)} ms Disconnect in flight`, r.eventLoop.slowDisconnect],
      [`${r.eventLoop.lists.calls} lists of ${r.eventLoop.lists.n.toLocaleString('en-US')} connections back to back`, r.eventLoop.lists],
    ].map(([label, h]) => {
      const x = h as typeof r.eventLoop.idle;
      return `| ${label} | ${f(x.ms, 0)} ms | ${x.samples} | ${f(x.p50)} ms | ${f(x.p99)} ms | ${f(x.max)} ms |`;
    }),
    '',
    `## 3. Throughput: listConnections() at N = ${r.concurrency[0].n}, calls kept in flight`,
    '',
    '| in flight | calls | ops/s |',
    '|---:|---:|---:|',
    ...r.concurrency.map((x) => `| ${x.concurrency} | ${x.ops} | ${f(x.opsPerSecond, 0)} |`),
    '',
    '## 4. Memory',
    '',
    '| figure | value |',
    '|---|---|',
    `| soak | ${r.memory.soak.cycles.toLocaleString('en-US')} cycles of list + disconnect + connect (${(3 * r.memory.soak.cycles).toLocaleString('en-US')} calls), ${r.memory.soak.warmup.toLocaleString('en-US')} of warm-up, ${f(r.memory.soak.msPerCycleAfterWarmup, 3)} ms/cycle |`,
    `| RSS start / after warm-up / end | ${mb(r.memory.soak.rss.start)} / ${mb(r.memory.soak.rss.warm)} / ${mb(r.memory.soak.rss.end)} |`,
    `| V8 heap used after warm-up / end | ${mb(r.memory.soak.heapUsed.warm)} / ${mb(r.memory.soak.heapUsed.end)} |`,
    `| retained per call (heap delta after GC / calls) | ${f(r.memory.retainedBytesPerOp)} bytes |`,
    `| allocated per listConnections() of 10 / per disconnect() | ${f(r.memory.allocatedBytesPerOp.list10, 0)} / ${f(r.memory.allocatedBytesPerOp.disconnect, 0)} bytes |`,
    `| fake COM objects left alive | ${r.memory.liveObjects} |`,
    '',
    `## 5. Spawning a child instead (from node.exe; netcon's listConnections() of ${machine.length}: ${f(r.spawn.netconListMs, 3)} ms)`,
    '',
    '| child process | median ms | × netcon |',
    '|---|---:|---:|',
    ...r.spawn.children.map((x) => `| \`${x.label}\` | ${f(x.medianMs, 1)} | ${f(x.ratio, 0)} |`),
    '',
    ...detailsMarkdown(r.details),
  ];
  return lines.join('\n');
}

/** Writes latest.json and latest.md into outDir (one fixed name per run, so a rerun replaces them). */
export function writeResults(results: BenchResults, outDir: string) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(outDir, 'latest.md'), toMarkdown(results));
  return { json: join(outDir, 'latest.json'), md: join(outDir, 'latest.md') };
}

/** Section 6's table. */
export function detailsMarkdown(rows: BenchResults['details']): string[] {
  return [
    '## 6. What `details: true` adds to a list',
    '',
    'listConnections() and listConnections({ details: true }) alternating; the second adds GetAdaptersAddresses, GetIpForwardTable2 and the join by GUID.',
    '',
    '| N | adapters on the machine | connections with an adapter | calls timed | listConnections() | with details: true | added |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((x) => `| ${x.n} | ${x.adapters} | ${x.joined} | ${x.reps} | ${f(x.plainMs, 3)} | ${f(x.detailsMs, 3)} | ${f(x.addedMs, 3)} |`),
    '',
  ];
}
