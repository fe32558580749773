// The Windows DLLs netcon delay-loads besides node.exe, and what it calls in each: read from
// cmake/delayload/, which the build makes its delay-load libraries from (CMakeLists.txt), so
// the tests and the binaries cannot disagree about the list without a test failing.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(__dirname, '..', '..', 'cmake', 'delayload');

export interface DelayLoaded {
  dll: string;
  functions: string[];
}

export const DELAY_LOADED: DelayLoaded[] = readdirSync(dir)
  .filter((file) => file.endsWith('.def'))
  .sort()
  .map((file) => {
    const lines = readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .map((line) => line.replace(/;.*/, '').trim())
      .filter(Boolean);
    const exportsAt = lines.indexOf('EXPORTS');
    const library = /^LIBRARY\s+(\S+)$/.exec(lines[0] ?? '');
    if (!library || exportsAt === -1) throw new Error(`cmake/delayload/${file}: expected LIBRARY <dll>, then EXPORTS`);
    // i386's stdcall decoration (Name@8) is the build's business; the DLL exports the name.
    return { dll: library[1].toLowerCase(), functions: lines.slice(exportsAt + 1).map((line) => line.replace(/@\d+$/, '')) };
  });
