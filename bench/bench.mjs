// npm run bench: netcon against raw COM, event-loop cost, throughput, memory and the child
// processes users spawn instead, in one run. Writes bench/results/latest.{md,json} and prints
// the Markdown. Linux (under Wine) after a build, as bench/README.md says; natively on Windows too.
//
//   npm run bench -- [--smoke] [--node 20|22] [--out <dir>] [--baseline <x64 .node>]
//   (builds the package first if needed). --baseline: section 7 times that build of the addon
//   too, in a copy of the package, taking turns with this one.
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { ensureBuilt, requireWithTypeScript } from '../wine/prepare.mjs';

const require = requireWithTypeScript(import.meta.url);

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    node: { type: 'string', default: '20' },
    out: { type: 'string' },
    baseline: { type: 'string' },
  },
});
// A smoke run must not replace the committed figures.
const outDir = resolve(values.out ?? (values.smoke ? join(here, '..', 'build', 'bench-smoke') : join(here, 'results')));

ensureBuilt(join(here, '..'));
const setup = require('../wine/setup.ts').default;
const { runBench, writeResults } = require('./run-bench.ts');

// The baseline's package: this one's package.json and dist/, with the other addon in prebuilds/.
let baselineRoot;
if (values.baseline) {
  baselineRoot = join(here, '..', 'build', 'bench-baseline');
  rmSync(baselineRoot, { recursive: true, force: true });
  mkdirSync(join(baselineRoot, 'prebuilds', 'win32-x64'), { recursive: true });
  copyFileSync(join(here, '..', 'package.json'), join(baselineRoot, 'package.json'));
  cpSync(join(here, '..', 'dist'), join(baselineRoot, 'dist'), { recursive: true });
  copyFileSync(resolve(values.baseline), join(baselineRoot, 'prebuilds', 'win32-x64', 'netcon.napi.node'));
}

console.log('setting up: fake server, raw-COM program, Windows node.exe, Wine prefixes (about 30 s)…');
const started = Date.now();
const teardown = setup();
try {
  const results = await runBench({ smoke: values.smoke, node: values.node, baselineRoot });
  const files = writeResults(results, outDir);
  console.log(readFileSync(files.md, 'utf8'));
  console.log(`wrote ${files.md} and ${files.json} in ${Math.round((Date.now() - started) / 1000)} s`);
} finally {
  teardown?.();
}
