// The compiled files live in dist/cjs/ and the sources in src/ (unit tests), so the
// package root is found rather than assumed at a fixed depth.
import { existsSync } from 'fs';
import * as path from 'path';

/** The nearest folder at or above `from` that holds a package.json. */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json at or above ${from}`);
  }
}
