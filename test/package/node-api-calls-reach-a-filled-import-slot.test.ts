// Every call from a netcon binary into Node-API goes through a slot of the import address
// table for node.exe, which the binary delay-loads. Until the first call, that slot must hold
// the address of a thunk that runs the delay-load helper; a slot of 0 kills the process at its
// first Node-API call, though the file passes every other check. That is how the ia32
// prebuild shipped: i386 GNU ld drops the .text of a `dlltool -y` library member whose stub
// nobody calls, and with it the thunk the slot points to, when calls use
// __declspec(dllimport) (CMakeLists.txt's NAPI_EXTERN says why the build avoids it).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { TARGETS, TEST_BUILDS, prebuildPath, testBuildPath } from '../../scripts/targets.mjs';
import { DELAY_LOADED } from './delay-loaded';
import { delayImportSlotOffsets, unfilledImportSlots } from './pe';

const root = join(__dirname, '..', '..');

const binaries = [
  ...Object.keys(TARGETS).map((arch) => [`prebuilds/win32-${arch}`, prebuildPath(root, arch)] as const),
  ...Object.keys(TEST_BUILDS).map((name) => [`build/test-binaries/${name}`, testBuildPath(root, name)] as const),
];

describe.each(binaries)('%s', (_label, file) => {
  it('calls every Node-API function through a delay-import slot that holds a rebased thunk address', () => {
    const bytes = readFileSync(file);
    expect(delayImportSlotOffsets(bytes, 'node.exe').length).toBeGreaterThan(0);
    expect(unfilledImportSlots(bytes, 'node.exe')).toEqual([]);
  });

  // The same thunks serve the Windows DLLs netcon delay-loads: a zero slot there would kill
  // the process at the first watch() or details list instead.
  it.each(DELAY_LOADED)('calls $dll through delay-import slots that hold rebased thunk addresses', ({ dll, functions }) => {
    const bytes = readFileSync(file);
    expect(delayImportSlotOffsets(bytes, dll)).toHaveLength(functions.length);
    expect(unfilledImportSlots(bytes, dll)).toEqual([]);
  });

  it('fails the check once those slots are zeroed, as the ia32 prebuild shipped', () => {
    const bytes = readFileSync(file);
    const slots = delayImportSlotOffsets(bytes, 'node.exe');
    for (const { fileOffset, size } of slots) bytes.fill(0, fileOffset, fileOffset + size);
    const problems = unfilledImportSlots(bytes, 'node.exe');
    expect(problems).toHaveLength(slots.length);
    expect(problems[0]).toMatch(/^napi_\w+ \(delay-import slot at RVA 0x[0-9a-f]+\): 0, so its first call jumps to address 0$/);
  });
});

// The linker's behaviour itself, on a two-function DLL built as the ia32 prebuild was: i686
// mingw-w64, a delay-load library made by dlltool -y from node-api-headers' node_api.def.
describe('i386 GNU ld and a dlltool -y library', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netcon-delay-iat-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const def = createRequire(join(root, 'package.json'))('node-api-headers').def_paths.node_api_def as string;
  const library = join(dir, 'libnode_api_delay.a');
  const source = join(dir, 'addon.c');
  writeFileSync(
    source,
    [
      '#ifndef NAPI_EXTERN',
      '#define NAPI_EXTERN __declspec(dllimport)',
      '#endif',
      'typedef int napi_status;',
      'NAPI_EXTERN napi_status napi_get_undefined(void *env, void **result);',
      'NAPI_EXTERN napi_status napi_get_null(void *env, void **result);',
      '__declspec(dllexport) int probe(void *env) { void *r; return napi_get_undefined(env, &r) + napi_get_null(env, &r); }',
      '',
    ].join('\n'),
  );
  const link = (name: string, defines: string[]) => {
    const dll = join(dir, name);
    if (name === 'dllimport.dll') execFileSync('i686-w64-mingw32-dlltool', ['-d', def, '-y', library, '-D', 'node.exe']);
    execFileSync('i686-w64-mingw32-gcc-posix', ['-shared', '-O2', '-s', ...defines, source, library, '-o', dll]);
    return readFileSync(dll);
  };

  it('leaves a zero slot for a function called through __declspec(dllimport), and the check names it', () => {
    const problems = unfilledImportSlots(link('dllimport.dll', []), 'node.exe');
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^napi_get_\w+ \(delay-import slot at RVA 0x[0-9a-f]+\): 0, so/)]));
  });

  it('fills every slot when the calls go through the stubs (NAPI_EXTERN empty), as the build does', () => {
    expect(unfilledImportSlots(link('stubs.dll', ['-DNAPI_EXTERN=']), 'node.exe')).toEqual([]);
  });
});
