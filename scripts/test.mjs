// npm test: everything from a fresh clone. On Linux it installs what is missing (Wine,
// mingw-w64, cmake) when run as root, cross-builds the addon, and runs the unit suite and
// the Wine end-to-end suite, which proves the real binary against a real COM runtime.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { PACKAGES_FOR, installMissing } from './debian-packages.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const step = (title) => console.log(`\n── ${title}`);

if (process.platform === 'linux') installMissing(Object.keys(PACKAGES_FOR), 'npm test');

step('build');
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--test-builds'], { stdio: 'inherit' });

step('type-check the tests');
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'test', 'tsconfig.json')], { stdio: 'inherit' });

// src/ built with @types/node 20 would accept an API newer than the engines' Node 16.17.
step('type-check the shipped code against Node 16 (@types/node 16)');
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.node16.json')], { stdio: 'inherit' });

// The same as `npm run lint:package`, without needing npm on PATH.
step('lint the package: publint --strict, attw --pack');
// Not require.resolve: exports maps hide package.json and bin files of some of these.
const bin = (pkg, name) => {
  const dir = join(root, 'node_modules', pkg);
  const { bin } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return join(dir, typeof bin === 'string' ? bin : bin[name]);
};
execFileSync(process.execPath, [bin('publint', 'publint'), '--strict'], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, [bin('@arethetypeswrong/cli', 'attw'), '--pack', '.'], { cwd: root, stdio: 'inherit' });

// Linux: the prebuilt binaries and the Windows suite under Wine. Windows: the same suite
// natively, and a read-only look at the machine's real HNetShare. Elsewhere: unit tests.
const projects = { linux: ['unit', 'package', 'e2e'], win32: ['unit', 'e2e', 'smoke'] }[process.platform] ?? ['unit'];
if (projects.length === 1) console.log(`\nThe end-to-end suite runs on Linux (under Wine) and on Windows; ${process.platform} runs the unit suite only.`);

step(`vitest (${projects.join(' + ')})`);
const results = join(root, 'build', 'test-results.json');
rmSync(results, { force: true });
const vitest = spawnSync(
  process.execPath,
  [bin('vitest', 'vitest'), 'run', ...projects.flatMap((p) => ['--project', p]),
    '--reporter=default', '--reporter=json', `--outputFile.json=${results}`],
  { cwd: root, stdio: 'inherit' },
);

// A plain closing line that any CI reads, whatever the runner's own summary looks like.
if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
}
process.exit(vitest.status ?? 1);
