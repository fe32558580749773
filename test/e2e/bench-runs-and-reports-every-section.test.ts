import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBench, writeResults } from '../../bench/run-bench';
import { machine } from '../../wine/connections';
import { workDir } from '../../wine/environment';

// Keeps `npm run bench` working: the smoke size runs every section in seconds. It checks that
// each section produced finite figures and the files were written, never what the figures are.
describe('npm run bench, smoke-sized (Windows node.exe under Wine, the raw loops in it and raw-com.exe beside it)', () => {
  it('runs every section and writes a JSON and a Markdown file with figures in each', async () => {
    const results = await runBench({ smoke: true });
    const files = writeResults(results, join(workDir, 'bench-smoke'));
    const json = JSON.parse(readFileSync(files.json, 'utf8')) as typeof results;
    const finite = (x: number) => expect(Number.isFinite(x), String(x)).toBe(true);

    expect(json.overhead.rows.map((r) => r.n)).toEqual([1, 10]);
    for (const r of json.overhead.rows) {
      [r.netcon.list, r.netcon.disconnect, r.addon.list, r.raw.list, r.raw.getProps, r.raw.disconnect, r.ratio.list, r.ratio.getProps, r.ratio.disconnect].forEach(finite);
      [r.runs.list.min, r.runs.list.max, r.runs.getProps.min, r.runs.disconnect.max].forEach(finite);
    }
    expect(json.roundTrips.map((r) => r.roundTripUs)).toEqual([0, 20]);
    for (const r of json.roundTrips) [r.netcon, r.naive, r.getProps, r.ratio.naive, r.ratio.getProps, r.runs.naive.min, r.runs.getProps.max].forEach(finite);
    expect(json.oneCpu).toMatchObject({ n: 10, roundTripUs: 0, pinned: true });
    [json.oneCpu.netcon, json.oneCpu.naive, json.oneCpu.getProps, json.oneCpu.ratio.getProps, json.oneCpu.runs.getProps.max].forEach(finite);
    [json.overhead.fit.list.netcon.perConnectionUs, json.overhead.fixedOverheadMs.list].forEach(finite);
    for (const h of [json.eventLoop.idle, json.eventLoop.slowDisconnect, json.eventLoop.lists]) {
      expect(h.samples).toBeGreaterThan(0);
      [h.p50, h.p99, h.max].forEach(finite);
    }
    expect(json.concurrency.map((c) => c.concurrency)).toEqual([1, 4, 16, 64]);
    json.concurrency.forEach((c) => finite(c.opsPerSecond));
    expect(json.memory.liveObjects).toBe(0);
    [json.memory.soak.rss.end, json.memory.retainedBytesPerOp, json.memory.allocatedBytesPerOp.list10].forEach(finite);
    expect(json.spawn.children.map((c) => c.label)).toEqual(['cmd /c exit', 'raw-com once (same COM calls, one-shot exe)']);
    json.spawn.children.forEach((c) => finite(c.ratio));
    expect(json.details.map((d) => d.n)).toEqual([3]);
    json.details.forEach((d) => [d.plainMs, d.detailsMs, d.addedMs].forEach(finite));
    expect(json.firstCall).toHaveLength(1);
    expect(json.firstCall[0]).toMatchObject({ reps: 2, count: machine.length, added: expect.arrayContaining(['netcon.napi.node']) });
    [json.firstCall[0].medianMs, json.firstCall[0].maxMs].forEach(finite);

    const md = readFileSync(files.md, 'utf8');
    for (const heading of ['## 1.', '## 1b.', '## 1c.', '## 2.', '## 3.', '## 4.', '## 5.', '## 6.', '## 7.']) expect(md).toContain(heading);
  });
});
