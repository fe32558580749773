// Each binary loads only on Windows versions that have every function it imports. The x64 and
// ia32 prebuilds promise Windows 7 SP1 and the arm64 one Windows 10 (docs/platforms.md); a
// toolchain update or new native code can raise that silently, and only users on the old
// Windows would see it. So every imported function must have a row in windows-import-floor.ts
// (which Windows first has it, and where that was read), no newer than the binary's floor.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { TARGETS, TEST_BUILDS, prebuildPath, testBuildPath } from '../../scripts/targets.mjs';
import { DELAY_LOADED } from './delay-loaded';
import { type ImportedDll, delayImportFoundByName, readPe } from './pe';
import { WINDOWS_FLOOR, WINDOWS_IMPORTS, WINDOWS_VERSIONS, type WindowsImport, isNewer } from './windows-import-floor';

const root = join(__dirname, '..', '..');

const binaries = [
  ...Object.keys(TARGETS).map((arch) => [`prebuilds/win32-${arch}`, prebuildPath(root, arch), arch] as const),
  ...Object.keys(TEST_BUILDS).map((name) => [`build/test-binaries/${name}`, testBuildPath(root, name), name] as const),
];

const rowOf = new Map(WINDOWS_IMPORTS.map((row) => [`${row.dll}!${row.name}`, row]));
const key = (dll: string, name: string) => `${dll.toLowerCase()}!${name}`;

// Node-API is not Windows: node.exe (or electron.exe) provides it, at the Node-API version
// the addon is built for. node-api-headers lists each version's functions, cumulatively.
const nodeApiVersion = Math.max(...JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).binary.napi_versions);
type NodeApiSymbols = Record<string, { js_native_api_symbols: string[]; node_api_symbols: string[] }>;
const { symbols } = createRequire(join(root, 'package.json'))('node-api-headers') as { symbols: NodeApiSymbols };
const nodeApiFunctions = new Set([...symbols[`v${nodeApiVersion}`].js_native_api_symbols, ...symbols[`v${nodeApiVersion}`].node_api_symbols]);

function importsOf(file: string) {
  const bytes = readFileSync(file);
  const pe = readPe(bytes);
  // GNU ld leaves the Delay Import directory empty; pe.ts finds dlltool's descriptors by name.
  const delayed = pe.delayImports.length
    ? pe.delayImports
    : DELAY_LOADED.map(({ dll }) => delayImportFoundByName(bytes, dll)).filter((found): found is ImportedDll => found !== undefined);
  const all = [...pe.imports, ...delayed];
  const isNode = (dll: ImportedDll) => dll.dll.toLowerCase() === 'node.exe';
  return {
    windows: all.filter((dll) => !isNode(dll)).flatMap(({ dll, functions }) => functions.map((name) => key(dll, name))),
    nodeApi: all.find(isNode) ?? delayImportFoundByName(bytes, 'node.exe'),
  };
}

describe.each(binaries)('%s', (_label, file, name) => {
  const floor = WINDOWS_FLOOR[name];

  it('has a Windows floor in windows-import-floor.ts', () => {
    expect(WINDOWS_VERSIONS).toContain(floor);
  });

  it('imports only functions windows-import-floor.ts has a row for', () => {
    const unknown = importsOf(file).windows.filter((imported) => !rowOf.has(imported));
    expect(unknown, 'give each a row in test/package/windows-import-floor.ts: its first Windows and source').toEqual([]);
  });

  it(`imports no Windows function newer than its floor (Windows ${floor})`, () => {
    const tooNew = importsOf(file)
      .windows.map((imported) => rowOf.get(imported))
      .filter((row): row is WindowsImport => row !== undefined && isNewer(row.since, floor))
      .map((row) => `${row.dll}!${row.name} (Windows ${row.since}, ${row.source})`);
    expect(tooNew, `the binary would not load on Windows ${floor}`).toEqual([]);
  });

  it(`delay-loads from node.exe only Node-API ${nodeApiVersion} functions`, () => {
    const { nodeApi } = importsOf(file);
    expect(nodeApi?.functions.length).toBeGreaterThan(0);
    const unknown = nodeApi!.functions.filter((fn) => !nodeApiFunctions.has(fn));
    expect(unknown, `not in Node-API ${nodeApiVersion} (package.json binary.napi_versions)`).toEqual([]);
  });
});

describe('windows-import-floor.ts', () => {
  it('has one row per function, with DLL names in lower case', () => {
    const keys = WINDOWS_IMPORTS.map((row) => `${row.dll}!${row.name}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    expect(WINDOWS_IMPORTS.filter((row) => row.dll !== row.dll.toLowerCase())).toEqual([]);
  });
});
