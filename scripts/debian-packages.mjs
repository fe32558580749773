// The Debian packages the Linux side needs (Wine, mingw-w64, cmake), and their install when
// some are missing: npm test and npm run demo each start from a fresh clone with it.
import { execFileSync, spawnSync } from 'node:child_process';

// command → the Debian packages that provide it (wine64 is the 64-bit loader wine runs)
export const PACKAGES_FOR = {
  wine: ['wine', 'wine64'],
  wineserver: ['wine'],
  'x86_64-w64-mingw32-g++-posix': ['g++-mingw-w64-x86-64-posix'],
  'x86_64-w64-mingw32-dlltool': ['binutils-mingw-w64-x86-64'],
  'i686-w64-mingw32-g++-posix': ['g++-mingw-w64-i686-posix'],
  'i686-w64-mingw32-dlltool': ['binutils-mingw-w64-i686'],
  cmake: ['cmake'],
};

const has = (command) => spawnSync('sh', ['-c', `command -v "${command}"`], { stdio: 'ignore' }).status === 0;

/**
 * Installs, with apt-get as root, the packages of the `commands` that are not on PATH; as
 * another user it says what to install and exits. `who` names the caller ("npm test").
 */
export function installMissing(commands, who) {
  const missing = [...new Set(commands.filter((command) => !has(command)).flatMap((command) => PACKAGES_FOR[command]))];
  if (!missing.length) return;
  if (process.getuid?.() !== 0) {
    console.error(`${who} needs these Debian packages: ${missing.join(' ')}\nInstall them (sudo apt-get install ${missing.join(' ')}) or run ${who} as root.`);
    process.exit(1);
  }
  console.log(`\n── installing ${missing.join(', ')}`);
  const apt = (args) => execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  apt(['update', '-q']);
  apt(['install', '-y', '-q', ...missing]);
}
