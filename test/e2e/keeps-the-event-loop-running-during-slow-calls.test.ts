import { describe, expect, it } from 'vitest';
import { ethernet, ethernet2 } from '../../wine/connections';
import { inWine } from '../../wine/run';

const DELAY_MS = 2000;

describe('a slow COM call does not block JavaScript (Windows node.exe under Wine)', () => {
  it('keeps timers firing and other calls settling while Disconnect takes 2 s', async () => {
    const fake = { connections: [ethernet, ethernet2], delays: [{ method: 'Disconnect', ms: DELAY_MS }] };
    const { value, calls, live } = await inWine({ fake }, async (netcon, t, id) => {
      const { monitorEventLoopDelay } = (await t.importModule('node:perf_hooks')) as typeof import('node:perf_hooks');
      const histogram = monitorEventLoopDelay({ resolution: 10 });
      let ticks = 0;
      const interval = setInterval(() => ticks++, 10);
      histogram.enable();
      const t0 = performance.now();
      const slow = netcon.disconnect(id).then(() => performance.now() - t0);
      // Started after the slow call: it runs on another pool thread and must not wait for it.
      const listMs = await netcon.listConnections().then(() => performance.now() - t0);
      const disconnectMs = await slow;
      histogram.disable();
      clearInterval(interval);
      const ms = (ns: number) => Math.round(ns / 1e4) / 100;
      return { disconnectMs, listMs, ticks, samples: histogram.count, maxMs: ms(histogram.max), p99Ms: ms(histogram.percentile(99)), meanMs: ms(histogram.mean) };
    }, ethernet.id);
    console.info('event loop during a 2 s Disconnect:', value);

    expect(value.disconnectMs).toBeGreaterThanOrEqual(DELAY_MS);
    // Running, the loop's delay stays at timer granularity and both the histogram's 10 ms
    // timer and ours fire close to 200 times. Blocked, they fire about once (so the histogram
    // has almost no samples and its max says nothing: the counts are what catch it).
    expect(value.ticks).toBeGreaterThan(50);
    expect(value.samples).toBeGreaterThan(50);
    expect(value.maxMs).toBeLessThan(500);
    expect(value.listMs).toBeLessThan(value.disconnectMs);
    expect(calls.filter((c) => c.method === 'Disconnect')).toEqual([{ method: 'Disconnect', id: ethernet.id, hresult: 0 }]);
    expect(live).toEqual({});
  });
});
