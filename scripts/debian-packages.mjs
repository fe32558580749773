// The Debian packages the Linux side needs (Wine with its 32-bit part, mingw-w64, cmake), and
// their install when some are missing: npm test and npm run demo each start from a fresh clone
// with it.
import { execFileSync, spawnSync } from 'node:child_process';

import { runs32BitPrograms } from './runs-32-bit.mjs';

// command → the Debian packages that provide it (wine64 is the 64-bit loader wine runs). wine32
// has no command of its own: Debian's wine runs 32-bit programs, such as npm test's 32-bit
// node.exe, with the loader it puts at /usr/lib/wine/wine.
export const PACKAGES_FOR = {
  wine: ['wine', 'wine64'],
  wineserver: ['wine'],
  '/usr/lib/wine/wine': ['wine32:i386'],
  'x86_64-w64-mingw32-g++-posix': ['g++-mingw-w64-x86-64-posix'],
  'x86_64-w64-mingw32-dlltool': ['binutils-mingw-w64-x86-64'],
  'i686-w64-mingw32-g++-posix': ['g++-mingw-w64-i686-posix'],
  'i686-w64-mingw32-dlltool': ['binutils-mingw-w64-i686'],
  cmake: ['cmake'],
};

// What npm run test:arm64 needs besides: qemu-user runs the arm64 root's programs, debootstrap
// makes that root (its Wine comes from the root's own apt).
export const ARM64_PACKAGES_FOR = {
  'qemu-aarch64-static': ['qemu-user-static'],
  'update-binfmts': ['binfmt-support'],
  debootstrap: ['debootstrap'],
  cmake: ['cmake'],
};

const has = (command) => spawnSync('sh', ['-c', `command -v "${command}"`], { stdio: 'ignore' }).status === 0;

/**
 * Installs, with apt-get as root, the packages of the `commands` that are not on PATH (looked
 * up in `table`); as another user it says what to install and exits. `who` names the caller
 * ("npm test").
 */
export function installMissing(commands, who, table = PACKAGES_FOR) {
  // wine32 on a machine that cannot run 32-bit programs would only break Debian's `wine`.
  const wanted = commands.filter((command) => command !== '/usr/lib/wine/wine' || runs32BitPrograms().ok);
  const missing = [...new Set(wanted.filter((command) => !has(command)).flatMap((command) => table[command]))];
  if (!missing.length) return;
  // A package of another architecture (wine32:i386) needs it enabled before apt-get update.
  const enabled = execFileSync('dpkg', ['--print-foreign-architectures'], { encoding: 'utf8' }).split('\n');
  const foreign = [...new Set(missing.map((name) => name.split(':')[1]).filter((arch) => arch && !enabled.includes(arch)))];
  if (process.getuid?.() !== 0) {
    const steps = [...foreign.map((arch) => `sudo dpkg --add-architecture ${arch}`), 'sudo apt-get update', `sudo apt-get install ${missing.join(' ')}`];
    console.error(`${who} needs these Debian packages: ${missing.join(' ')}\nInstall them (${steps.join(' && ')}) or run ${who} as root.`);
    process.exit(1);
  }
  console.log(`\n── installing ${missing.join(', ')}`);
  for (const arch of foreign) execFileSync('dpkg', ['--add-architecture', arch], { stdio: 'inherit' });
  const apt = (args) => execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  apt(['update', '-q']);
  apt(['install', '-y', '-q', ...missing]);
}
