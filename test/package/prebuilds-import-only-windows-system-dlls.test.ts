// What users install: one Node-API binary per Windows architecture. Each must be a DLL for
// the right CPU, export Node-API's entry point, and import only DLLs every Windows has:
// a dependency on libstdc++/libgcc/winpthread DLLs would fail on users' machines only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { TARGETS, TEST_BUILDS, prebuildPath, testBuildPath } from '../../scripts/targets.mjs';
import { DELAY_LOADED } from './delay-loaded';
import { delayImportFoundByName, readPe } from './pe';

const root = join(__dirname, '..', '..');

const SYSTEM_DLL = /^(kernel32|ole32|oleaut32|advapi32|iphlpapi|rasapi32|user32|msvcrt|ucrtbase|api-ms-win-[a-z0-9-]+)\.dll$/i;

// NETCON_SOURCE_BUILD=1: the Windows workflow's MSVC build from binding.gyp (x64), the one
// users without a prebuild get, instead of the cross-built binaries.
const binaries: (readonly [string, string, { machine: number; delayImportDirectory: boolean }])[] = process.env.NETCON_SOURCE_BUILD
  ? [['build/Release (MSVC)', join(root, 'build', 'Release', 'netcon.node'), { machine: 0x8664, delayImportDirectory: true }]]
  : [
      ...Object.entries(TARGETS).map(([arch, target]) => [`prebuilds/win32-${arch}`, prebuildPath(root, arch), target] as const),
      // The x64 twin of the arm64 toolchain, which the Wine suite runs in place of arm64.
      ...Object.entries(TEST_BUILDS).map(([name, target]) => [`build/test-binaries/${name}`, testBuildPath(root, name), target] as const),
    ];

describe.each(binaries)('%s', (_name, file, target) => {
  const pe = () => readPe(readFileSync(file));

  it(`is a DLL for machine 0x${target.machine.toString(16)}`, () => {
    const { machine, isDll } = pe();
    expect({ machine: `0x${machine.toString(16)}`, isDll }).toEqual({ machine: `0x${target.machine.toString(16)}`, isDll: true });
  });

  it('exports the Node-API module entry point', () => {
    expect(pe().exports).toContain('napi_register_module_v1');
  });

  it('imports only Windows system DLLs, and COM from ole32/oleaut32', () => {
    const imports = pe().imports.map(({ dll }) => dll);
    const delayImports = pe().delayImports.map(({ dll }) => dll);
    expect(imports.filter((dll) => !SYSTEM_DLL.test(dll))).toEqual([]);
    expect(imports.map((dll) => dll.toLowerCase())).toEqual(expect.arrayContaining(['kernel32.dll', 'ole32.dll', 'oleaut32.dll']));
    // Node-API may only be delay-loaded (resolved by our hook in whatever exe hosts the
    // addon): a plain import of node.exe fails in electron.exe and any renamed host.
    expect(delayImports.filter((dll) => dll.toLowerCase() !== 'node.exe' && !SYSTEM_DLL.test(dll))).toEqual([]);
    expect(imports.filter((dll) => dll.toLowerCase() === 'node.exe')).toEqual([]);
    // Where the linker records it, node.exe must be there: without it Node-API would be unresolved.
    if (target.delayImportDirectory) expect(delayImports.map((dll) => dll.toLowerCase())).toContain('node.exe');
  });

  // Only watch() and details call them: an app that only lists never loads IP Helper or RAS.
  it.each(DELAY_LOADED)('delay-loads $dll, with exactly the functions cmake/delayload/ names, and does not import it', ({ dll, functions }) => {
    const bytes = readFileSync(file);
    expect(readPe(bytes).imports.filter((imported) => imported.dll.toLowerCase() === dll)).toEqual([]);
    expect(delayImportFoundByName(bytes, dll)?.functions.sort()).toEqual([...functions].sort());
  });
});

describe('the PE reader', () => {
  it('rejects what is not a PE file', () => {
    expect(() => readPe(Buffer.from('\x7fELF not windows'))).toThrow(/not an MZ executable/);
  });
});
