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

/**
 * Where a guide of docs/ (`'errors.md'`) is in the installed package, for a message that sends
 * the user there: the package ships docs/*.md. Bundled into an app, netcon has no package of
 * its own to find, so the message then names the page as the package holds it, and never throws.
 */
export function guidePath(page: string): string {
  try {
    const file = path.join(packageRoot(), 'docs', page);
    if (existsSync(file)) return file;
  } catch {
    // no package.json at all: as bundled
  }
  return `docs/${page} in the netcon package`;
}
