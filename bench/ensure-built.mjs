// The benchmarks run the built package: on a fresh clone after `npm ci`, build what they need
// first (dist/ and the x64 addon on Linux; node-gyp's build on Windows), as npm test would.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function ensureBuilt(root) {
  const addon = process.platform === 'win32' ? join(root, 'build', 'Release', 'netcon.node') : join(root, 'prebuilds', 'win32-x64', 'netcon.napi.node');
  if (existsSync(addon) && existsSync(join(root, 'dist', 'index.cjs'))) return;
  console.log('building the package first (node scripts/build.mjs --arch x64)…');
  const args = process.platform === 'win32' ? [] : ['--arch', 'x64'];
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), ...args], { cwd: root, stdio: 'inherit' });
}
