// npm run build: compiles src/ to dist/ and builds the addon where the loader finds it.
// On Windows node-gyp builds it with MSVC into build/Release; on Linux the Windows x64
// binary is cross-built with mingw-w64 and placed in node-gyp-build's prebuilds layout,
// so that Windows node.exe (under Wine) loads it with no environment variables.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const run = (file, args) => execFileSync(file, args, { cwd: root, stdio: 'inherit' });

run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json']);

if (process.platform === 'win32') {
  run(process.execPath, [require.resolve('node-gyp/bin/node-gyp.js'), 'rebuild']);
} else {
  crossBuild('x64', 'mingw-w64-x86_64.cmake', 'x86_64-w64-mingw32-g++-posix');
}

function crossBuild(arch, toolchain, compiler) {
  try {
    execFileSync(compiler, ['--version'], { stdio: 'ignore' });
  } catch {
    console.error(
      `netcon build: ${compiler} not found. Cross-building the Windows addon needs Debian's ` +
        `mingw-w64 and g++-mingw-w64-x86-64 packages (npm test installs them when run as root).`,
    );
    process.exit(1);
  }
  const out = join('build', `win32-${arch}`);
  run(process.execPath, [
    require.resolve('cmake-js/bin/cmake-js'),
    'compile',
    '--out',
    out,
    `--CDCMAKE_TOOLCHAIN_FILE=cmake/${toolchain}`,
  ]);
  const target = join(root, 'prebuilds', `win32-${arch}`);
  mkdirSync(target, { recursive: true });
  copyFileSync(join(root, out, 'Release', 'netcon.node'), join(target, 'netcon.napi.node'));
}
