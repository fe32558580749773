// npm run prove: the seed operation against Windows' own HNetShare, on an elevated Windows 10
// or 11 machine (a maintainer's, or the CI workflow's runner). It makes a VPN entry, and a
// KM-TEST loopback adapter where devcon.exe exists, lists, watches, renames, connects and
// disconnects them through netcon, runs netcon doctor elevated and with a limited token, and
// removes what it made however it ends (Ctrl+C included). It never acts on a connection that
// was there before it started. The report (JSON and Markdown: each check, what Windows
// answered, how long it took) goes to build/prove/; the exit code is 1 when a check failed.
//
//   npm run prove [-- --package <folder of an installed netcon>] [--out <folder>]
//
// --stand-ins <module> replaces the PowerShell, devcon and runas calls (scripts/prove/windows.mjs)
// with a test's: npm test runs this file so under Wine against the test COM server.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { prove } from './prove/proof.mjs';
import { markdown } from './prove/report.mjs';
import { createWindows } from './prove/windows.mjs';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

let options;
try {
  ({ values: options } = parseArgs({ options: { package: { type: 'string' }, out: { type: 'string' }, 'stand-ins': { type: 'string' } } }));
} catch (error) {
  console.error(`npm run prove: ${error.message}\nusage: npm run prove [-- --package <folder of an installed netcon>] [--out <folder>]`);
  process.exit(2);
}
if (process.platform !== 'win32') {
  console.error('npm run prove runs on Windows (10 or 11, elevated): it proves netcon against Windows\' own HNetShare. On Linux, npm test runs its logic under Wine.');
  process.exit(2);
}

const packageRoot = resolve(options.package ?? repoRoot);
const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));
if (manifest.name !== 'netcon') {
  console.error(`npm run prove: ${packageRoot} is not netcon (its package.json names ${manifest.name})`);
  process.exit(2);
}
let netcon;
try {
  netcon = createRequire(import.meta.url)(packageRoot);
} catch (error) {
  console.error(`npm run prove: netcon at ${packageRoot} does not load (${error.message}); in a checkout run npm ci first`);
  process.exit(2);
}
const bin = join(packageRoot, manifest.bin.netcon);
const out = resolve(options.out ?? join(repoRoot, 'build', 'prove'));
const windows = options['stand-ins'] ? (await import(pathToFileURL(resolve(options['stand-ins'])).href)).createWindows({ netcon }) : createWindows();

// Ctrl+C ends the proof early, never its clean-up: the checks stop and what was made is removed.
let stopRequested = false;
process.on('SIGINT', () => {
  if (!stopRequested) console.error('\nStopping: removing what the proof made…');
  stopRequested = true;
});

const runId = randomBytes(4).toString('hex');
const startedAt = new Date();
console.log(`netcon proof ${runId}: netcon ${manifest.version} from ${packageRoot}, Node ${process.version} ${process.arch}`);
const checks = await prove({ netcon, windows, bin, repoRoot, packageRoot, runId, stopping: () => stopRequested });
const report = {
  runId,
  ok: !checks.some((c) => c.status === 'fail'),
  startedAt: startedAt.toISOString(),
  durationMs: Date.now() - startedAt.getTime(),
  netcon: { version: manifest.version, package: packageRoot },
  node: { version: process.version, arch: process.arch },
  checks,
};
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(out, 'report.md'), markdown(report));
console.log(markdown(report));
console.log(`report: ${join(out, 'report.json')} and report.md`);
process.exit(report.ok ? 0 : 1);
