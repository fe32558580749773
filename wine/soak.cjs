'use strict';
// The soak loop, run inside Windows node.exe: by the e2e soak test (CI-sized) and by
// bench/soak.mjs (full size), so both measure exactly the same thing.
const v8 = require('v8');
const vm = require('vm');

// A full GC before each memory figure, so that RSS compares live memory and not how far
// V8 happened to be from its next collection. The runner starts node.exe without flags.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

/**
 * Two handle counts: Windows HANDLEs of the process (test/native-helper's handleCount(),
 * GetProcessHandleCount or, under Wine, the system handle table), and libuv handles from the
 * diagnostic report (timers, async wakeups, pipes, sockets: what could leak into the loop).
 * Unreferenced timers are left out: Node's platform makes one per delayed task V8 posts
 * (its GC's memory reducer among them), and they come and go with no call of ours.
 */
function handleCount(nativeHelper) {
  const libuv = process.report.getReport().libuv.filter((h) => h.type !== 'loop' && !(h.type === 'timer' && !h.is_referenced));
  return { windows: nativeHelper.handleCount(), libuv: libuv.length };
}

function memory() {
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

/**
 * Cycles of listConnections + disconnect(id) + connect(id), one call at a time, each result
 * checked. Baseline figures are taken after `warmup` cycles: by then the libuv pool threads,
 * COM on each of them and V8's compiled code exist, and what grows after that is a leak.
 */
async function soak(netcon, { id, cycles, warmup }, nativeHelper) {
  // Loaded first: the addon's one thread-safe function per environment is a libuv handle
  // for the life of the process, as a module's own state; a call must leave none behind.
  netcon.isSupported();
  const handlesStart = handleCount(nativeHelper);
  let handlesWarm = handlesStart;
  const start = memory();
  const t0 = performance.now();
  let warm = start;
  let tWarm = t0;
  for (let i = 0; i < cycles; i++) {
    if (i === warmup) {
      // Handles first, at each point: the report and the handle table scan allocate, and
      // their memory must be in both RSS figures or in neither.
      handlesWarm = handleCount(nativeHelper);
      warm = memory();
      tWarm = performance.now();
    }
    const listed = (await netcon.listConnections()).find((c) => c.id === id);
    if (listed?.status !== 'connected') throw new Error(`cycle ${i}: ${id} listed as ${listed?.status}`);
    await netcon.disconnect(id);
    await netcon.connect(id);
  }
  const t1 = performance.now();
  const handlesEnd = handleCount(nativeHelper);
  const end = memory();
  return {
    cycles,
    warmup,
    ms: t1 - t0,
    msPerCycleAfterWarmup: (t1 - tWarm) / Math.max(1, cycles - warmup),
    rss: { start: start.rss, warm: warm.rss, end: end.rss },
    heapUsed: { warm: warm.heapUsed, end: end.heapUsed },
    handles: {
      windows: { start: handlesStart.windows, warm: handlesWarm.windows, end: handlesEnd.windows },
      libuv: { start: handlesStart.libuv, warm: handlesWarm.libuv, end: handlesEnd.libuv },
    },
  };
}

module.exports = { soak, handleCount };
