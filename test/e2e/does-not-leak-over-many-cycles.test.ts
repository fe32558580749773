import { describe, expect, it } from 'vitest';
import { ethernet, ethernet2 } from '../../wine/connections';
import { inWine } from '../../wine/run';

// CI-sized: about 1.5 ms a cycle under Wine, so a few seconds. bench/soak.mjs runs 10,000.
const CYCLES = 2000;
const WARMUP = 200;

describe('soak: many calls in one Windows node.exe process (under Wine)', () => {
  it(`runs ${CYCLES} list + disconnect + connect cycles without growing memory or leaking COM objects`, async () => {
    const { value, live, callCounts, exitCode } = await inWine(
      // Tally mode: the fake counts calls and objects instead of logging ~76 lines a cycle.
      { fake: { connections: [ethernet, ethernet2] }, fakeLog: 'tally' },
      async (_netcon, t, options) => t.soak(options),
      { id: ethernet.id, cycles: CYCLES, warmup: WARMUP },
    );
    const mb = (n: number) => Math.round(n / 1e4) / 100;
    console.info(
      `soak: ${value.cycles} cycles in ${Math.round(value.ms)} ms (${value.msPerCycleAfterWarmup.toFixed(2)} ms/cycle after warm-up);`,
      `RSS ${mb(value.rss.start)} / ${mb(value.rss.warm)} / ${mb(value.rss.end)} MB (start / after warm-up / end);`,
      `Windows handles ${value.handles.windows.start} / ${value.handles.windows.warm} / ${value.handles.windows.end};`,
      `libuv handles ${value.handles.libuv.start} -> ${value.handles.libuv.end}`,
    );

    expect(exitCode).toBe(0);
    expect(value.rss.end - value.rss.warm).toBeLessThan(5 * 1024 * 1024);
    // A leaked handle per cycle would add thousands; a few may come and go with pool threads.
    expect(value.handles.windows.end - value.handles.windows.warm).toBeLessThan(20);
    expect(value.handles.windows.warm).toBeGreaterThan(0);
    expect(value.handles.libuv.end).toBeLessThanOrEqual(value.handles.libuv.start);
    // Proves the tally saw the whole run: one Disconnect and one Connect per cycle.
    expect(callCounts).toMatchObject({ Disconnect: CYCLES, Connect: CYCLES });
    expect(live).toEqual({});
  });
});
