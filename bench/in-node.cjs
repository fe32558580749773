'use strict';
// The half of bench/run-bench.ts that runs inside Windows node.exe (under Wine, or natively),
// loaded by a scenario with t.require(). Every figure is timed in this process, with
// performance.now() around awaited calls, so node.exe's start-up is never part of it.
const { spawnSync } = require('child_process');
const { monitorEventLoopDelay } = require('perf_hooks');
const v8 = require('v8');
const vm = require('vm');

/** N generated connections for the fake: distinct upper-case GUIDs, all connected LANs. */
function connections(n) {
  const hex = (i, width) => i.toString(16).toUpperCase().padStart(width, '0');
  return Array.from({ length: n }, (_, i) => ({
    id: `{${hex(i, 8)}-0000-4000-8000-${hex(i, 12)}}`,
    name: `Connection ${i}`,
    deviceName: `Fake Adapter #${i}`,
    status: 2,
    mediaType: 3,
    characteristics: 0x9,
  }));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Milliseconds of each of `reps` awaited calls, after `warmup` untimed ones. */
async function time(call, { warmup, reps }) {
  for (let i = 0; i < warmup; i++) await call();
  const ms = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await call();
    ms.push(performance.now() - t0);
  }
  return ms;
}

/**
 * Each side's milliseconds for one call of each, `reps` times after `warmup` untimed rounds,
 * the sides' order rotating round by round: every side runs first, second, … equally often,
 * so that neither a slow spell of the machine nor a warm cache falls on one side only.
 */
async function alternate(sides, { warmup, reps }) {
  const names = Object.keys(sides);
  const ms = Object.fromEntries(names.map((name) => [name, []]));
  for (let i = 0; i < warmup + reps; i++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length];
      const t0 = performance.now();
      await sides[name]();
      if (i >= warmup) ms[name].push(performance.now() - t0);
    }
  }
  return ms;
}

/**
 * listConnections() and disconnect(last id) at each N, against the raw COM loops in this same
 * process (the test-only addon's rawList and rawDisconnect, bench/raw-com/raw-lists.h), and the
 * addon's own list() (the native job and its Node-API conversion, without src/'s mapping) to
 * tell where time goes.
 */
async function overhead(netcon, addon, helper, progId, configure, { sizes, warmup }) {
  const rows = [];
  let callId = 0; // the addon's name for a pending call (src/addon.ts)
  for (const { n, reps } of sizes) {
    const conns = connections(n);
    configure({ connections: conns });
    const last = conns[n - 1].id;
    const listed = [(await netcon.listConnections()).length, helper.rawList(progId, 'naive'), helper.rawList(progId, 'getprops')];
    if (listed.some((count) => count !== n)) throw new Error(`listed ${listed.join(', ')} connections (netcon, naive, GetProperties), expected ${n}`);
    if (!helper.rawDisconnect(progId, last)) throw new Error(`the raw loop could not disconnect ${last}`);
    const lists = await alternate(
      {
        list: () => netcon.listConnections(),
        binding: () => addon.list(progId, ++callId),
        naive: () => helper.rawList(progId, 'naive'),
        getProps: () => helper.rawList(progId, 'getprops'),
      },
      { warmup, reps },
    );
    const disconnects = await alternate({ disconnect: () => netcon.disconnect(last), rawDisconnect: () => helper.rawDisconnect(progId, last) }, { warmup, reps });
    rows.push({ n, ...lists, ...disconnects });
  }
  return rows;
}

/** netcon's list, the naive loop and the GetProperties loop, alternating (`alternate`), in this process. */
function listsAgainstRaw(netcon, helper, progId, options) {
  return alternate(
    {
      netcon: () => netcon.listConnections(),
      naive: () => helper.rawList(progId, 'naive'),
      getProps: () => helper.rawList(progId, 'getprops'),
    },
    options,
  );
}

/** monitorEventLoopDelay over `during`, in ms: p50, p99, max, and how many samples. */
async function loopDelay(during) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const t0 = performance.now();
  const detail = await during();
  const ms = performance.now() - t0;
  histogram.disable();
  const toMs = (ns) => ns / 1e6;
  return { ms, samples: histogram.count, p50: toMs(histogram.percentile(50)), p99: toMs(histogram.percentile(99)), max: toMs(histogram.max), ...detail };
}

/** Idle (the floor Wine or Windows gives), a slow Disconnect in flight, big lists back to back. */
async function eventLoop(netcon, configure, { idleMs, delayMs, listN, listMs }) {
  const idle = await loopDelay(() => new Promise((resolve) => setTimeout(() => resolve({}), idleMs)));

  const conns = connections(listN);
  configure({ connections: conns, delays: [{ method: 'Disconnect', ms: delayMs }] });
  await netcon.listConnections(); // loads the new config outside the measured part
  const slowDisconnect = await loopDelay(async () => {
    const t0 = performance.now();
    await netcon.disconnect(conns[0].id);
    return { callMs: performance.now() - t0 };
  });

  const lists = await loopDelay(async () => {
    let calls = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < listMs || calls === 0) {
      await netcon.listConnections();
      calls++;
    }
    return { calls, n: listN };
  });
  return { idle, slowDisconnect, lists };
}

/** Operations/s with `c` calls kept in flight, for each c. */
async function concurrency(netcon, configure, { n, levels, ops }) {
  configure({ connections: connections(n) });
  await netcon.listConnections();
  const rows = [];
  for (const c of levels) {
    let started = 0;
    const worker = async () => {
      while (started < ops) {
        started++;
        await netcon.listConnections();
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: c }, worker));
    const ms = performance.now() - t0;
    rows.push({ concurrency: c, n, ops, ms, opsPerSecond: (ops / ms) * 1000 });
  }
  return rows;
}

// A full GC before each heap figure; the runner starts node.exe without flags.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

/**
 * Bytes V8 allocates per call: what the heap grew by plus what every GC in between
 * collected (v8.GCProfiler), after a full GC, over `ops` calls.
 */
async function allocation(call, ops) {
  await call();
  gc();
  const profiler = new v8.GCProfiler();
  profiler.start();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < ops; i++) await call();
  const after = process.memoryUsage().heapUsed;
  const { statistics } = profiler.stop();
  const collected = statistics.reduce((sum, s) => sum + s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize, 0);
  return { ops, bytesPerOp: (after - before + collected) / ops, gcs: statistics.length };
}

/**
 * What users do today, spawned from this process: under Wine `cmd /c exit` and a console exe
 * making the same COM calls (raw-com once); on Windows netsh and PowerShell as well.
 */
async function spawnCost(netcon, configure, { wine, rawComExe, progId, machine, warmup, reps }) {
  configure({ connections: machine });
  const netconMs = median(await time(() => netcon.listConnections(), { warmup, reps }));
  const children = wine
    ? [
        { label: 'cmd /c exit', file: 'cmd', args: ['/c', 'exit'] },
        { label: 'raw-com once (same COM calls, one-shot exe)', file: rawComExe, args: ['once', progId] },
      ]
    : [
        { label: 'netsh interface show interface', file: 'netsh', args: ['interface', 'show', 'interface'] },
        { label: 'powershell -NoProfile Get-NetAdapter', file: 'powershell', args: ['-NoProfile', '-Command', 'Get-NetAdapter'] },
        { label: 'raw-com once (same COM calls, one-shot exe)', file: rawComExe, args: ['once', progId] },
      ];
  const rows = children.map(({ label, file, args }) => {
    const run = () => {
      const r = spawnSync(file, args, { stdio: 'ignore', windowsHide: true });
      if (r.error || r.status !== 0) throw new Error(`${label}: ${r.error?.message ?? `exit code ${r.status}`}`);
    };
    run();
    const ms = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      run();
      ms.push(performance.now() - t0);
    }
    const m = median(ms);
    return { label, medianMs: m, ratio: m / netconMs };
  });
  return { netconListMs: netconMs, children: rows };
}

/**
 * What `details: true` adds to a list: listConnections() and listConnections({ details: true })
 * at each N, alternating, so that a slow spell of a shared machine falls on both. The first
 * connection gets the GUID of the machine's first adapter (read through the addon, so no
 * netcon code chooses it), so that the join finds an interface as it does on Windows.
 */
async function detailsCost(netcon, addon, configure, { sizes, warmup, reps }) {
  const reading = await addon.adapters(0x7fff0001);
  if (!reading || !reading.ok) throw new Error(`adapters() failed: ${JSON.stringify(reading)}`);
  const rows = [];
  for (const n of sizes) {
    const conns = connections(n);
    if (reading.adapters.length > 0) conns[0] = { ...conns[0], id: reading.adapters[0].guid };
    configure({ connections: conns });
    const joined = (await netcon.listConnections({ details: true })).filter((c) => c.details !== null).length;
    for (let i = 0; i < warmup; i++) {
      await netcon.listConnections();
      await netcon.listConnections({ details: true });
    }
    const plain = [];
    const detailed = [];
    for (let i = 0; i < reps; i++) {
      let t0 = performance.now();
      await netcon.listConnections();
      plain.push(performance.now() - t0);
      t0 = performance.now();
      await netcon.listConnections({ details: true });
      detailed.push(performance.now() - t0);
    }
    rows.push({ n, adapters: reading.adapters.length, joined, plain, detailed });
  }
  return rows;
}

// Run by each new node.exe of firstCall: its own figures, on stdout as JSON.
const FIRST_CALL = `
const loaded = () => process.report.getReport().sharedObjects.map((file) => file.split(/[\\\\/]/).pop().toLowerCase());
const before = new Set(loaded());
const t0 = performance.now();
const netcon = require(process.argv[1]);
netcon.listConnections().then((list) => {
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ ms, count: list.length, added: loaded().filter((file) => !before.has(file)) }));
});`;

/**
 * What a new process pays before its first list: require('netcon') and the first
 * listConnections(), timed inside a new node.exe (its own start-up is not counted), and the
 * DLLs those two brought into the process (process.report). With more than one package root
 * (a baseline build beside this one), the roots take turns in an order that alternates.
 */
function firstCall(roots, { reps }) {
  const samples = roots.map((root) => ({ root, ms: [], count: 0, added: [] }));
  for (let i = 0; i < reps; i++) {
    const order = i % 2 ? [...samples].reverse() : samples;
    for (const sample of order) {
      const run = spawnSync(process.execPath, ['-e', FIRST_CALL, sample.root], { encoding: 'utf8', windowsHide: true });
      if (run.status !== 0) throw new Error(`first call with ${sample.root}: exit code ${run.status}: ${run.stderr}`);
      const figures = JSON.parse(run.stdout);
      sample.ms.push(figures.ms);
      sample.count = figures.count;
      sample.added = figures.added.sort();
    }
  }
  return samples.map(({ root, ms, count, added }) => ({ root, reps, medianMs: median(ms), minMs: Math.min(...ms), maxMs: Math.max(...ms), count, added }));
}

module.exports = { connections, median, alternate, overhead, listsAgainstRaw, eventLoop, concurrency, allocation, spawnCost, detailsCost, firstCall };
