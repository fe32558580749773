// Where the Wine end-to-end suite keeps things, shared by the global setup and the tests.
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../../..');
export const workDir = join(repoRoot, 'build', 'e2e');
export const cacheDir = join(repoRoot, 'node_modules', '.cache', 'netcon');
export const fakeDll = join(repoRoot, 'build', 'fake-x64', 'fake-hnetshare.dll');

/** Windows Node.js versions that run under Wine 8 (24 does not: see CROSS-BUILD.md). */
export const nodeVersions = { '20': '20.20.2', '22': '22.23.3' } as const;
export type NodeLine = keyof typeof nodeVersions;

export const prefixes = {
  /** A Wine prefix with nothing registered: HNetShare is missing, as on Wine itself. */
  bare: join(workDir, 'prefix-bare'),
  /** The same with our fake HNetShare registered under the real ProgID and CLSID. */
  hnetshare: join(workDir, 'prefix-hnetshare'),
} as const;
export type PrefixName = keyof typeof prefixes;

export const nodeExe = (line: NodeLine) => join(cacheDir, `node-${nodeVersions[line]}`, 'node.exe');
/** node.exe under another name, as Electron's or any app's executable is. */
export const renamedHost = join(workDir, 'host', 'MyElectronApp.exe');

export const CLSID_NetSharingManager = '{5C63C1AD-3956-4FF8-8486-40034758315B}';

/** Z: maps to / in every Wine prefix. */
export const windowsPath = (unixPath: string) => 'Z:' + resolve(unixPath).replace(/\//g, '\\');

export function wineEnv(prefix: PrefixName, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    WINEPREFIX: prefixes[prefix],
    WINEDEBUG: '-all',
    // No Mono or Gecko: nothing here needs them, and installing them would try the network.
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
    // Wine decodes the environment with the Unix locale; tests pass Unicode through it.
    LC_ALL: 'C.UTF-8',
    ...extra,
  };
}
