// npm run demo: the netcon CLI at work, from a fresh clone, in one command.
// On Linux it installs what is missing (Wine, mingw-w64, cmake) when run as root, builds the
// package for x64 if needed, then runs the real CLI in Windows node.exe under Wine against
// netcon's test COM server (scripts/demo-under-wine.ts): list, disconnect and connect with
// --wait, an access-denied failure, sharing, share (and a refused one), rename and unshare. It
// exits 1 when any command does not behave as shown.
// On Windows it runs `netcon list` against the machine's real connections, read-only.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ensureBuilt, requireWithTypeScript } from '../wine/prepare.mjs';
import { installMissing } from './debian-packages.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

if (process.platform === 'win32') {
  ensureBuilt(root);
  const bin = requireWithTypeScript(import.meta.url)('../wine/environment.ts').netconBin(root);
  console.log('The netcon CLI against this machine, read-only.\n\n> netcon list');
  const list = spawnSync(process.execPath, [bin, 'list'], { stdio: 'inherit' });
  console.log(`[exit code ${list.status}]`);
  process.exit(list.status ?? 1);
}
if (process.platform !== 'linux') {
  console.error(`npm run demo runs on Linux (under Wine) and on Windows, not on ${process.platform}.`);
  process.exit(1);
}

// No i686 toolchain: the demo runs the x64 build only.
installMissing(['wine', 'wineserver', 'x86_64-w64-mingw32-g++-posix', 'x86_64-w64-mingw32-dlltool', 'cmake'], 'npm run demo');
ensureBuilt(root);
const require = requireWithTypeScript(import.meta.url);
const { setUpDemo, runDemo } = require('./demo-under-wine.ts');

console.log('setting up: the test COM server, Windows node.exe, a new Wine prefix (about 20 s)…\n');
const removePrefix = setUpDemo();
try {
  const ok = await runDemo((text) => process.stdout.write(text));
  process.exitCode = ok ? 0 : 1;
} finally {
  removePrefix();
}
