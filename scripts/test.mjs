// npm test: everything from a fresh clone. On Linux it installs what is missing (Wine,
// mingw-w64, cmake) when run as root, cross-builds the addon, and runs the unit suite and
// the Wine end-to-end suite, which proves the real binary against a real COM runtime.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { PACKAGES_FOR, installMissing } from './debian-packages.mjs';
import { runs32BitPrograms } from './runs-32-bit.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const step = (title) => console.log(`\n── ${title}`);

if (process.platform === 'linux') installMissing(Object.keys(PACKAGES_FOR), 'npm test');

// A fresh clone spends minutes compiling Zig's libc++ for the two Zig builds (the arm64
// prebuild, and its x64 twin that Wine can run), CPU the Wine suite leaves mostly idle. So on
// Linux they build in the background while the suite runs, and the tests that need them
// (every prebuild, the packed tarball, the Zig-built addon) run after.
const build = join(root, 'scripts', 'build.mjs');
let zigBuild;
if (process.platform === 'linux') {
  // First, so that the longest build starts at once; the rest of npm test does not wait for it.
  step('build: the Zig builds (arm64, zig-x64) start in the background; dist/ and the mingw-w64 prebuilds (x64, ia32)');
  mkdirSync(join(root, 'build'), { recursive: true });
  const log = join(root, 'build', 'zig-build.log');
  const out = openSync(log, 'w');
  // Both at once, each compiling its own libc++, and at the lowest priority: they take the CPU
  // the suite leaves, and its timings stay the suite's.
  const background = (args) => {
    const child = spawn('nice', ['-n', '19', process.execPath, build, ...args, '--no-dist'], { cwd: root, stdio: ['ignore', out, out] });
    return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ ok: code === 0, why: signal ?? `exit code ${code}` })));
  };
  zigBuild = Promise.all([background(['--arch', 'arm64']), background(['--arch', 'none', '--test-builds'])]).then((builds) => {
    const failed = builds.find((b) => !b.ok);
    return { ok: !failed, why: failed?.why, log };
  });
  execFileSync(process.execPath, [build, '--arch', 'x64,ia32'], { stdio: 'inherit' });
} else {
  step('build');
  execFileSync(process.execPath, [build, '--test-builds'], { stdio: 'inherit' });
}

step('type-check the tests');
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'test', 'tsconfig.json')], { stdio: 'inherit' });

// src/ built with @types/node 20 would accept an API newer than the engines' Node 16.17.
step('type-check the shipped code against Node 16 (@types/node 16)');
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.node16.json')], { stdio: 'inherit' });

// What an app's Linux or macOS CI sees of netcon: it imports, calls reject as unsupported,
// and netcon doctor says so with exit code 6 (the macOS job of the workflow runs it too).
if (process.platform !== 'win32') {
  step('off Windows: import, ERR_UNSUPPORTED_PLATFORM, netcon doctor');
  execFileSync(process.execPath, [join(root, 'test', 'smoke', 'unsupported-platform.mjs')], { stdio: 'inherit' });
}

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
// natively, with a read-only look at the machine's real HNetShare. Elsewhere: unit tests.
const projects = { linux: ['unit', 'package', 'e2e'], win32: ['unit', 'e2e'] }[process.platform] ?? ['unit'];
if (projects.length === 1) console.log(`\nThe end-to-end suite runs on Linux (under Wine) and on Windows; ${process.platform} runs the unit suite only.`);

// On Linux, while the Zig builds run: the suite; the Wine suite a second time on Windows
// Node.js 16, Electron 22's Node (the engines floor), in prefixes at Windows 7; and a third
// time in 32-bit Windows Node.js 22 with the ia32 prebuild, in a WoW64 prefix. Then what needs
// the Zig builds, on each of them (wine/environment.ts reads NETCON_E2E_NODE and
// NETCON_E2E_ARCH, vitest.config.mts NETCON_ZIG_PENDING).
const NEEDS_ZIG = ['test/package/', 'test/e2e/zig-built-addon-loads-in-any-host-exe.test.ts', 'test/e2e/installs-the-packed-tarball.test.ts'];
const NODE16 = { NETCON_E2E_NODE: '16' };
const IA32 = { NETCON_E2E_ARCH: 'ia32' };
// A kernel that refuses 32-bit programs cannot run 32-bit Windows Node.js under Wine at all:
// the 32-bit passes are then not run, and the closing lines say so (the ia32 prebuild is still
// built, and type- and PE-checked; it runs in the Windows workflow's ia32 job).
const thirtyTwoBit = process.platform === 'linux' ? runs32BitPrograms() : { ok: true };
const linuxPasses = [
  { title: 'vitest (unit + e2e), while Zig builds', projects: ['unit', 'e2e'], env: { NETCON_ZIG_PENDING: '1' }, results: 'test-results.json' },
  { title: 'vitest (e2e again: Windows Node.js 16 at Windows 7), while Zig builds', projects: ['e2e'], env: { ...NODE16, NETCON_ZIG_PENDING: '1' }, results: 'test-results-node16.json' },
  { title: 'vitest (e2e again: 32-bit Windows Node.js 22 and the ia32 prebuild), while Zig builds', projects: ['e2e'], env: { ...IA32, NETCON_ZIG_PENDING: '1' }, results: 'test-results-ia32.json' },
  { title: 'vitest (package + the e2e files that need every prebuild)', projects: ['package', 'e2e'], files: NEEDS_ZIG, afterZig: true, env: {}, results: 'test-results-prebuilds.json' },
  { title: 'vitest (those e2e files on Windows Node.js 16 at Windows 7)', projects: ['e2e'], files: NEEDS_ZIG.slice(1), env: NODE16, results: 'test-results-prebuilds-node16.json' },
  { title: 'vitest (those e2e files in 32-bit Windows Node.js 22: the packed tarball)', projects: ['e2e'], files: NEEDS_ZIG.slice(1), env: IA32, results: 'test-results-prebuilds-ia32.json' },
];
const notRun = thirtyTwoBit.ok ? [] : linuxPasses.filter((pass) => pass.env.NETCON_E2E_ARCH === 'ia32');
const passes =
  process.platform === 'linux'
    ? linuxPasses.filter((pass) => !notRun.includes(pass))
    : [{ title: `vitest (${projects.join(' + ')})`, projects, env: {}, results: 'test-results.json' }];

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
let status = 0;
for (const pass of passes) {
  if (pass.afterZig) {
    step('waiting for the Zig builds (arm64 prebuild, zig-x64 test build)');
    const zig = await zigBuild;
    if (!zig.ok) {
      console.log(readFileSync(zig.log, 'utf8').split('\n').slice(-40).join('\n'));
      console.log(`\nthe Zig builds failed (${zig.why}); their log: ${zig.log}`);
      status ||= 1;
    } else {
      console.log(`done; their log: ${zig.log}`);
    }
  }
  step(pass.title);
  const results = join(root, 'build', pass.results);
  rmSync(results, { force: true });
  const vitest = spawnSync(
    process.execPath,
    [bin('vitest', 'vitest'), 'run', ...pass.projects.flatMap((p) => ['--project', p]), ...(pass.files ?? []),
      '--reporter=default', '--reporter=json', `--outputFile.json=${results}`],
    { cwd: root, stdio: 'inherit', env: { ...process.env, ...pass.env } },
  );
  if (vitest.status !== 0) status = vitest.status ?? 1;
  if (existsSync(results)) {
    const r = JSON.parse(readFileSync(results, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + r.numTodoTests;
    for (const file of r.testResults ?? []) {
      for (const t of file.assertionResults ?? []) {
        if (t.status === 'failed') failures.push(`${pass.title}: ${relative(root, file.name)} > ${t.fullName}`);
      }
    }
  } else {
    console.log(`\n${pass.title}: no results (vitest exited with ${vitest.status ?? vitest.signal})`);
    status ||= 1;
  }
}

// CI keeps only the end of the output: name what failed right above the closing line.
if (failures.length) console.log(`\nfailed:\n${failures.map((f) => `  ${f}`).join('\n')}`);

if (notRun.length) {
  console.log(`\nnot run: this machine's kernel does not run 32-bit programs (a 32-bit ELF gave ${thirtyTwoBit.why}), so 32-bit Windows Node.js cannot start under Wine:\n${notRun.map((pass) => `  ${pass.title}`).join('\n')}`);
}

// A plain closing line that any CI reads, whatever the runner's own summary looks like.
const { passed, failed, skipped } = totals;
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(status);
