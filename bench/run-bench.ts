// `npm run bench` (bench/bench.mjs) and its smoke test: netcon against the raw COM calls it
// makes, its event-loop cost, throughput, memory, and the child processes users spawn
// instead. Everything runs in the e2e suite's environment (wine/setup.ts): Windows node.exe
// and bench/raw-com/raw-com.exe under Wine, against the fake HNetShare server, or natively on
// Windows through the fake's own ProgID. Figures are printed, never asserted.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { native, progIdFor, rawComExe, windowsPath, wineTool, type NodeLine } from '../wine/environment';
import { ethernet, ethernet2, machine } from '../wine/connections';
import { inWine, type SoakFigures } from '../wine/run';
import type * as InNode from './in-node.cjs';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const inNode = require('./in-node.cjs') as typeof InNode;
const inNodeModule = windowsPath(join(__dirname, 'in-node.cjs'));

export interface BenchOptions {
  /** Tiny sizes and few repetitions: proves the bench works, in seconds. */
  smoke?: boolean;
  node?: NodeLine;
  /** A package folder with another build (bench.mjs --baseline), timed beside this one in section 7. */
  baselineRoot?: string;
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
  oneCpu: { n: 1000, warmup: 5, reps: 30 },
  eventLoop: { idleMs: 1000, delayMs: 2000, listN: 1000, listMs: 2000 },
  concurrency: { n: 10, levels: [1, 4, 16, 64], ops: 2000 },
  soak: { cycles: 10000, warmup: 1000 },
  allocationOps: 1000,
  spawn: { warmup: 3, reps: 10 },
  details: { sizes: [3, 100], warmup: 5, reps: 50 },
  firstCall: { reps: 20 },
};
const SMOKE: typeof FULL = {
  sizes: [
    { n: 1, reps: 3 },
    { n: 10, reps: 3 },
  ],
  warmup: 1,
  rounds: 1,
  roundTrips: { n: 10, costsUs: [0, 20], warmup: 1, reps: 2 },
  oneCpu: { n: 10, warmup: 1, reps: 2 },
  eventLoop: { idleMs: 50, delayMs: 50, listN: 10, listMs: 50 },
  concurrency: { n: 10, levels: [1, 4, 16, 64], ops: 64 },
  soak: { cycles: 20, warmup: 5 },
  allocationOps: 20,
  spawn: { warmup: 1, reps: 2 },
  details: { sizes: [3], warmup: 1, reps: 3 },
  firstCall: { reps: 2 },
};

/** What netcon's top-level functions reach: HNetShare (the fake, under Wine) or the fake's ProgID (natively). */
const progId = progIdFor({}) ?? 'HNetCfg.HNetShare';
const TIMEOUT_MS = 15 * 60_000;

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

  // 1. Overhead against the raw COM calls, size by size, both sides in one node.exe: the raw
  // loops run through the test-only addon (bench/raw-com/raw-lists.h), alternating with
  // netcon's calls round by round. Each run is a new node.exe; the samples are pooled, and the
  // ratio of each run gives the spread.
  const samples = new Map(
    plan.sizes.map(({ n }) => [n, { list: [] as number[], addon: [] as number[], disconnect: [] as number[], rawList: [] as number[], rawGetProps: [] as number[], rawDisconnect: [] as number[], runRatios: [] as { list: number; getProps: number; disconnect: number }[] }]),
  );
  for (let round = 0; round < plan.rounds; round++) {
    const netcon = await inWine(
      // The fake keeps no log, so that it costs what an in-process server does on both sides.
      { ...run, fakeLog: 'none' },
      async (netcon, t, input) => {
        const b = t.require(input.module) as typeof InNode;
        const loadAddon = t.require('node-gyp-build') as (root: string) => import('../src/native').NativeAddon;
        return b.overhead(netcon, loadAddon(t.entry().packageRoot), t.nativeHelper(), input.progId, t.configure, input.plan);
      },
      { module: inNodeModule, progId, plan: { sizes: plan.sizes, warmup: plan.warmup } },
    );
    for (const row of netcon.value) {
      const s = samples.get(row.n)!;
      s.list.push(...row.list);
      s.addon.push(...row.binding);
      s.disconnect.push(...row.disconnect);
      s.rawList.push(...row.naive);
      s.rawGetProps.push(...row.getProps);
      s.rawDisconnect.push(...row.rawDisconnect);
      s.runRatios.push({ list: median(row.list) / median(row.naive), getProps: median(row.list) / median(row.getProps), disconnect: median(row.disconnect) / median(row.rawDisconnect) });
    }
  }
  const spread = (xs: number[]) => ({ min: Math.min(...xs), max: Math.max(...xs) });
  const rows = [...samples].map(([n, s]) => {
    const m = {
      netcon: { list: median(s.list), disconnect: median(s.disconnect) },
      addon: { list: median(s.addon) },
      raw: { list: median(s.rawList), getProps: median(s.rawGetProps), disconnect: median(s.rawDisconnect) },
    };
    // Each run's ratio compares two sides timed side by side; a ratio of pooled medians would
    // mix one run's fast spell with another's slow one. The median run's ratio, then.
    const ratio = { list: median(s.runRatios.map((r) => r.list)), getProps: median(s.runRatios.map((r) => r.getProps)), disconnect: median(s.runRatios.map((r) => r.disconnect)) };
    const runs = { list: spread(s.runRatios.map((r) => r.list)), getProps: spread(s.runRatios.map((r) => r.getProps)), disconnect: spread(s.runRatios.map((r) => r.disconnect)) };
    return { n, reps: s.list.length, ...m, ratio, runs };
  });
  const fits = (pick: (r: (typeof rows)[number]) => number) => fit(rows.map((r) => ({ n: r.n, ms: pick(r) })));
  const overhead = {
    rows,
    fit: {
      list: { netcon: fits((r) => r.netcon.list), addon: fits((r) => r.addon.list), raw: fits((r) => r.raw.list), rawGetProps: fits((r) => r.raw.getProps) },
      disconnect: { netcon: fits((r) => r.netcon.disconnect), raw: fits((r) => r.raw.disconnect) },
    },
    // What one call costs on top of raw COM when there is almost nothing to read (N = 1).
    fixedOverheadMs: { list: rows[0].netcon.list - rows[0].raw.list, disconnect: rows[0].netcon.disconnect - rows[0].raw.disconnect },
  };

  // 1b. Where each getter is a call into the service: the fake charges a round trip for every
  // INetConnection call and getter. netcon against the naive loop and the GetProperties loop,
  // in one node.exe per run, as in section 1.
  // 1c. The same three lists at 0 µs on one CPU: this machine's two cores take turns being
  // the slow one, and netcon's list runs on another thread than the raw loops.
  const againstRaw = async ({ n, warmup, reps }: { n: number; warmup: number; reps: number }, us: number, cpu?: number) => {
    const conns = inNode.connections(n);
    const pooled = { netcon: [] as number[], naive: [] as number[], getProps: [] as number[] };
    const runRatios: { naive: number; getProps: number }[] = [];
    for (let round = 0; round < plan.rounds; round++) {
      const { value } = await inWine(
        { ...run, fakeLog: 'none', fake: { connections: conns, roundTripUs: us }, cpu },
        async (netcon, t, input) => (t.require(input.module) as typeof InNode).listsAgainstRaw(netcon, t.nativeHelper(), input.progId, input),
        { module: inNodeModule, progId, warmup, reps },
      );
      pooled.netcon.push(...value.netcon);
      pooled.naive.push(...value.naive);
      pooled.getProps.push(...value.getProps);
      runRatios.push({ naive: median(value.netcon) / median(value.naive), getProps: median(value.netcon) / median(value.getProps) });
    }
    const m = { netcon: median(pooled.netcon), naive: median(pooled.naive), getProps: median(pooled.getProps) };
    return {
      n,
      roundTripUs: us,
      reps: pooled.netcon.length,
      ...m,
      ratio: { naive: median(runRatios.map((r) => r.naive)), getProps: median(runRatios.map((r) => r.getProps)) },
      runs: { naive: spread(runRatios.map((r) => r.naive)), getProps: spread(runRatios.map((r) => r.getProps)) },
    };
  };
  const roundTrips = [];
  for (const us of plan.roundTrips.costsUs) roundTrips.push(await againstRaw(plan.roundTrips, us));
  const oneCpu = { pinned: !native, ...(await againstRaw(plan.oneCpu, 0, native ? undefined : 0)) };

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

  // 7. A new process's first list: require() and listConnections(), and the DLLs they load.
  const firstCall = (
    await inWine(
      run,
      async (_netcon, t, input) => {
        t.configure({ connections: input.machine });
        return (t.require(input.module) as typeof InNode).firstCall([t.entry().packageRoot, ...input.baseline], input.plan);
      },
      { module: inNodeModule, machine, baseline: options.baselineRoot ? [windowsPath(options.baselineRoot)] : [], plan: plan.firstCall },
    )
  ).value;

  return {
    meta: {
      date: new Date().toISOString(),
      smoke: Boolean(options.smoke),
      where: native ? 'Windows (native)' : `Wine (${wineVersion()}) on ${process.platform}`,
      node: `node.exe ${run.node}`,
      runs: plan.rounds,
      cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    },
    overhead,
    roundTrips,
    oneCpu,
    eventLoop,
    concurrency,
    memory,
    spawn,
    details,
    firstCall,
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
const range = (r: { min: number; max: number }) => `${f(r.min)}–${f(r.max)}`;

export function toMarkdown(r: BenchResults): string {
  const o = r.overhead;
  const lines = [
    `# netcon benchmark${r.meta.smoke ? ' (smoke: tiny sizes, figures mean nothing)' : ''}`,
    '',
    `${r.meta.date}, ${r.meta.where}, ${r.meta.node}, ${r.meta.cpus}. Medians; times per call in ms.`,
    '',
    '## 1. netcon against the raw COM calls, in one process',
    '',
    `Both sides in the same node.exe, alternating call by call in an order that rotates; pooled over ${r.meta.runs} runs, each a new node.exe (times: medians of the pooled samples; ratio: netcon/raw of the median run, each run's ratio taken from its own medians; runs: the lowest and highest run). Raw COM list: the naive loop (NetConnectionProps and the six getters per connection); raw GetProperties: one GetProperties per connection, as netcon reads.`,
    '',
    '| N | calls timed | listConnections() | addon list() | raw COM list | ratio | runs | raw GetProperties list | ratio | runs | disconnect() | raw COM disconnect | ratio | runs |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...o.rows.map(
      (x) =>
        `| ${x.n.toLocaleString('en-US')} | ${x.reps} | ${f(x.netcon.list, 3)} | ${f(x.addon.list, 3)} | ${f(x.raw.list, 3)} | ${f(x.ratio.list)} | ${range(x.runs.list)} | ${f(x.raw.getProps, 3)} | ${f(x.ratio.getProps)} | ${range(x.runs.getProps)} | ${f(x.netcon.disconnect, 3)} | ${f(x.raw.disconnect, 3)} | ${f(x.ratio.disconnect)} | ${range(x.runs.disconnect)} |`,
    ),
    '',
    `Fixed overhead per call (netcon − raw at N = 1): list ${f(o.fixedOverheadMs.list, 3)} ms, disconnect ${f(o.fixedOverheadMs.disconnect, 3)} ms.`,
    '',
    '| least squares, ms = fixed + N × per connection | fixed (ms) | per connection (µs) |',
    '|---|---:|---:|',
    `| listConnections() | ${f(o.fit.list.netcon.fixedMs, 3)} | ${f(o.fit.list.netcon.perConnectionUs)} |`,
    `| addon list() | ${f(o.fit.list.addon.fixedMs, 3)} | ${f(o.fit.list.addon.perConnectionUs)} |`,
    `| raw COM list | ${f(o.fit.list.raw.fixedMs, 3)} | ${f(o.fit.list.raw.perConnectionUs)} |`,
    `| raw GetProperties list | ${f(o.fit.list.rawGetProps.fixedMs, 3)} | ${f(o.fit.list.rawGetProps.perConnectionUs)} |`,
    `| disconnect() | ${f(o.fit.disconnect.netcon.fixedMs, 3)} | ${f(o.fit.disconnect.netcon.perConnectionUs)} |`,
    `| raw COM disconnect | ${f(o.fit.disconnect.raw.fixedMs, 3)} | ${f(o.fit.disconnect.raw.perConnectionUs)} |`,
    '',
    `## 1b. Service round trips: N = ${r.roundTrips[0]?.n.toLocaleString('en-US')}, the fake charging each INetConnection call and getter`,
    '',
    `In one node.exe as in section 1, ${r.meta.runs} runs.`,
    '',
    '| round trip | calls timed | listConnections() | naive loop | ratio | runs | GetProperties loop | ratio | runs |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.roundTrips.map(
      (x) => `| ${x.roundTripUs} µs | ${x.reps} | ${f(x.netcon, 3)} | ${f(x.naive, 3)} | ${f(x.ratio.naive)} | ${range(x.runs.naive)} | ${f(x.getProps, 3)} | ${f(x.ratio.getProps)} | ${range(x.runs.getProps)} |`,
    ),
    '',
    `## 1c. On one CPU: N = ${r.oneCpu.n.toLocaleString('en-US')}, no round-trip cost`,
    '',
    r.oneCpu.pinned
      ? `As 1b, with node.exe and all its threads on one CPU (taskset), so that netcon's thread and the raw loops run on the same core; ${r.meta.runs} runs.`
      : `As 1b; natively the bench does not pin node.exe to one CPU, so this repeats 1b at 0 µs; ${r.meta.runs} runs.`,
    '',
    '| calls timed | listConnections() | naive loop | ratio | runs | GetProperties loop | ratio | runs |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${r.oneCpu.reps} | ${f(r.oneCpu.netcon, 3)} | ${f(r.oneCpu.naive, 3)} | ${f(r.oneCpu.ratio.naive)} | ${range(r.oneCpu.runs.naive)} | ${f(r.oneCpu.getProps, 3)} | ${f(r.oneCpu.ratio.getProps)} | ${range(r.oneCpu.runs.getProps)} |`,
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
    '## 7. A new process\'s first list',
    '',
    `require('netcon') and the first listConnections() of ${machine.length}, timed inside a new node.exe (not its start-up), ${r.firstCall[0]?.reps} processes${r.firstCall.length > 1 ? ', the builds taking turns' : ''}; the DLLs the two brought into the process.`,
    '',
    '| build | median ms | lowest–highest | DLLs loaded |',
    '|---|---:|---:|---|',
    ...r.firstCall.map((x, i) => `| ${i === 0 ? 'this one' : `baseline (${x.root})`} | ${f(x.medianMs, 1)} | ${f(x.minMs, 1)}–${f(x.maxMs, 1)} | ${x.added.join(', ')} |`),
    '',
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
