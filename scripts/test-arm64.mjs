// npm run test:arm64: the arm64 prebuild as it ships, in ARM64 Windows node.exe, on this x86_64
// Linux machine. Wine runs no ARM64 code here, so this runs the Wine of a Debian 13 arm64 root
// under qemu-user: the root is made once and kept in build/arm64/ (about 5 minutes and 1.2 GB
// on 2 cores), and each node.exe start takes seconds, which is why npm test leaves it out
// (wine/README.md). Needs root on Debian: it installs qemu-user-static, binfmt-support and
// debootstrap, enables qemu's binfmt handler, and mounts /proc, /sys, /dev, a /tmp and the
// repository (at its own path, so that Z: paths agree) in the root for the run.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ARM64_PACKAGES_FOR, installMissing } from './debian-packages.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(repo, 'build', 'arm64', 'root');
const step = (title) => console.log(`\n── ${title}`);
const run = (file, args, options = {}) => execFileSync(file, args, { stdio: 'inherit', ...options });
const inRoot = (args, options) => run('chroot', [root, ...args], { ...options, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', QEMU_CPU: 'cortex-a76' } });

// The e2e files this runs unless given others (`npm run test:arm64 -- test/e2e/` runs them all):
// what a user's first calls meet (load, list, find, disconnect and connect with --wait, typed
// errors at every step, vanished connections, deadlines, exit and worker
// termination mid-call, worker threads, watch, sharing and rename, doctor, the CLI, the
// Electron check with its stand-in) and the packed tarball installed. Each node.exe start costs seconds under qemu.
const DEFAULT_FILES = [
  'test/e2e/lists-connections-through-com.test.ts',
  'test/e2e/finds-connections-by-name-and-guid.test.ts',
  'test/e2e/disconnects-and-connects.test.ts',
  'test/e2e/waits-for-windows-to-finish.test.ts',
  'test/e2e/loads-in-any-host-exe.test.ts',
  'test/e2e/never-waits-for-a-hung-windows-call.test.ts',
  'test/e2e/survives-exit-and-worker-termination-mid-call.test.ts',
  'test/e2e/doctor-tells-whether-netcon-works-here.test.ts',
  'test/e2e/cli.test.ts',
  'test/e2e/shares-connections-and-renames.test.ts',
  'test/e2e/watches-connection-changes.test.ts',
  'test/e2e/maps-com-failures-to-typed-errors.test.ts',
  'test/e2e/survives-faults-at-every-com-step.test.ts',
  'test/e2e/skips-connections-that-vanish-mid-walk.test.ts',
  'test/e2e/works-in-several-worker-threads-at-once.test.ts',
  'test/e2e/electron-check-runs-the-example-app.test.ts',
  'test/e2e/installs-the-packed-tarball.test.ts',
];
const FILES = process.argv.length > 2 ? process.argv.slice(2) : DEFAULT_FILES;

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error('npm run test:arm64 runs on x86_64 Linux; on Windows on ARM the e2e suite runs natively.');
  process.exit(1);
}
if (process.getuid() !== 0) {
  console.error('npm run test:arm64 needs root: it installs packages, makes a Debian root with debootstrap and mounts in it.');
  process.exit(1);
}
installMissing(Object.keys(ARM64_PACKAGES_FOR), 'npm run test:arm64', ARM64_PACKAGES_FOR);

step('qemu-user for arm64 programs');
if (!existsSync('/proc/sys/fs/binfmt_misc/register')) run('mount', ['-t', 'binfmt_misc', 'binfmt_misc', '/proc/sys/fs/binfmt_misc']);
run('update-binfmts', ['--enable', 'qemu-aarch64']);
// F: the kernel opens qemu when the handler is registered, so the root needs no qemu of its own.
if (!/^flags: .*F/m.test(readFileSync('/proc/sys/fs/binfmt_misc/qemu-aarch64', 'utf8'))) {
  throw new Error('the qemu-aarch64 binfmt handler lacks the F flag: the root would need its own qemu');
}

const mounts = [];
const mount = (target, args) => {
  mkdirSync(target, { recursive: true });
  if (spawnSync('mountpoint', ['-q', target]).status !== 0) run('mount', [...args, target]);
  // Once each: the first run mounts the system before it installs Wine, and again for the tests.
  if (!mounts.includes(target)) mounts.unshift(target);
};
const unmountAll = () => {
  for (const target of mounts.splice(0)) spawnSync('umount', ['-R', '-l', target], { stdio: 'inherit' });
};
process.on('exit', unmountAll);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

function mountSystem() {
  mount(join(root, 'proc'), ['-t', 'proc', 'proc']);
  mount(join(root, 'sys'), ['--rbind', '/sys']);
  mount(join(root, 'dev'), ['--rbind', '/dev']);
  mount(join(root, 'tmp'), ['-t', 'tmpfs', 'tmpfs']);
}

// The machine's own Debian mirror, as its apt sources name it (deb822 or one-line form).
function debianMirror() {
  const dir = '/etc/apt/sources.list.d';
  const files = ['/etc/apt/sources.list', ...(existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [])].filter(existsSync);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const uri = text.match(/^URIs:\s*(\S+)/m)?.[1] ?? text.match(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+/m)?.[1];
    if (uri && !/security/.test(uri)) return uri;
  }
  throw new Error('no Debian mirror found in /etc/apt/sources.list or sources.list.d');
}

const marker = join(root, 'netcon-root.json');
if (!existsSync(marker)) {
  step('a Debian 13 arm64 root with Wine (first run only: about 5 minutes)');
  const mirror = debianMirror();
  rmSync(root, { recursive: true, force: true });
  mkdirSync(dirname(root), { recursive: true });
  run('debootstrap', ['--arch=arm64', '--foreign', '--variant=minbase', 'trixie', root, mirror]);
  inRoot(['/debootstrap/debootstrap', '--second-stage']);
  writeFileSync(join(root, 'etc', 'apt', 'sources.list'), `deb ${mirror} trixie main\n`);
  writeFileSync(join(root, 'etc', 'resolv.conf'), readFileSync('/etc/resolv.conf'));
  mountSystem();
  inRoot(['apt-get', 'update', '-q']);
  inRoot(['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'wine', 'wine64']);
  writeFileSync(marker, JSON.stringify({ wine: execFileSync('chroot', [root, 'wine', '--version'], { encoding: 'utf8', env: { ...process.env, QEMU_CPU: 'cortex-a76' } }).trim() }));
}

// Not made by a minbase debootstrap: without it Wine's getaddrinfo cannot find localhost.
if (!existsSync(join(root, 'etc', 'hosts'))) writeFileSync(join(root, 'etc', 'hosts'), '127.0.0.1\tlocalhost\n::1\tlocalhost\n');
mkdirSync(join(repo, 'build', 'arm64', 'runtime'), { recursive: true });
chmodSync(join(repo, 'build', 'arm64', 'runtime'), 0o700);

try {
  mountSystem();
  mount(join(root, repo.slice(1)), ['--bind', repo]);

  step('the arm64 prebuild and dist/ (node scripts/build.mjs --arch arm64)');
  run(process.execPath, [join(repo, 'scripts', 'build.mjs'), '--arch', 'arm64'], { cwd: repo });

  step(`vitest (e2e in ARM64 Windows Node.js 22 under qemu: ${FILES.join(' ')})`);
  const results = join(repo, 'build', 'test-results-arm64.json');
  rmSync(results, { force: true });
  const vitest = spawnSync(
    process.execPath,
    [join(repo, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--project', 'e2e', ...FILES, '--reporter=default', '--reporter=json', `--outputFile.json=${results}`],
    { cwd: repo, stdio: 'inherit', env: { ...process.env, NETCON_E2E_ARCH: 'arm64' } },
  );
  const r = existsSync(results) ? JSON.parse(readFileSync(results, 'utf8')) : undefined;
  console.log(r ? `\n${r.numPassedTests} passed, ${r.numFailedTests} failed` : `\nno results (vitest exited with ${vitest.status ?? vitest.signal})`);
  process.exitCode = vitest.status === 0 && r ? 0 : 1;
} finally {
  unmountAll();
}
