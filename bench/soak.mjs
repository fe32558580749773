// The full-size soak: 10,000 list + disconnect + connect cycles in one Windows node.exe under
// Wine, against the fake HNetShare server, printing time, memory, handles and live COM objects.
// It reuses the e2e suite's setup (wine/setup.ts: fake built and registered, node.exe fetched,
// fresh prefixes) and its soak loop (wine/soak.cjs), so it measures exactly what the CI-sized
// soak test asserts.
//
//   npm run bench:soak -- [--cycles 10000] [--warmup 1000] [--node 20|22] [--fake-log tally|events]
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

import { ensureBuilt, requireWithTypeScript } from '../wine/prepare.mjs';

const require = requireWithTypeScript(import.meta.url);

const { values } = parseArgs({
  options: {
    cycles: { type: 'string', default: '10000' },
    warmup: { type: 'string', default: '1000' },
    node: { type: 'string', default: '20' },
    'fake-log': { type: 'string', default: 'tally' },
  },
});
const cycles = Number(values.cycles);
const warmup = Math.min(Number(values.warmup), cycles);

ensureBuilt(fileURLToPath(new URL('..', import.meta.url)));
const setup = require('../wine/setup.ts').default;
const { inWine } = require('../wine/run.ts');
const { ethernet, ethernet2 } = require('../wine/connections.ts');

console.log('setting up: fake server, Windows node.exe, Wine prefixes (about 20 s)…');
const teardown = setup();
try {
  const { value, live, callCounts, exitCode } = await inWine(
    {
      node: values.node,
      fake: { connections: [ethernet, ethernet2] },
      // 'events', a log line per call and object, costs ~6 ms a cycle (test/fake-hnetshare/README.md).
      fakeLog: values['fake-log'],
      timeoutMs: 60_000 + cycles * 20,
    },
    async (_netcon, t, options) => t.soak(options),
    { id: ethernet.id, cycles, warmup },
  );
  const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
  const sign = (bytes) => (bytes >= 0 ? '+' : '-') + mb(Math.abs(bytes));
  const rows = [
    ['node.exe', `${values.node} under Wine, exit code ${exitCode}`],
    ['cycles', `${value.cycles} (list + disconnect + connect), warm-up ${value.warmup}`],
    ['time', `${(value.ms / 1000).toFixed(1)} s, ${(value.cycles / (value.ms / 1000)).toFixed(0)} cycles/s, ${value.msPerCycleAfterWarmup.toFixed(2)} ms/cycle after warm-up`],
    ['RSS', `start ${mb(value.rss.start)}, after warm-up ${mb(value.rss.warm)}, end ${mb(value.rss.end)} (${sign(value.rss.end - value.rss.warm)} after warm-up)`],
    ['heap used', `after warm-up ${mb(value.heapUsed.warm)}, end ${mb(value.heapUsed.end)}`],
    ['Windows handles', `start ${value.handles.windows.start}, after warm-up ${value.handles.windows.warm}, end ${value.handles.windows.end} (GetProcessHandleCount, or Wine's handle table)`],
    ['libuv handles', `start ${value.handles.libuv.start}, end ${value.handles.libuv.end} (process.report)`],
    ['fake log', values['fake-log']],
    ['fake calls', `Disconnect ${callCounts.Disconnect ?? 0}, Connect ${callCounts.Connect ?? 0}`],
    ['live fake objects', Object.keys(live).length ? JSON.stringify(live) : '0'],
  ];
  for (const [name, text] of rows) console.log(`${name.padEnd(18)} ${text}`);
  if (Object.keys(live).length || exitCode !== 0) process.exitCode = 1;
} finally {
  teardown?.();
}
