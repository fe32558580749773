// docs/api/ is generated from the TSDoc comments (npm run docs) and checked in, so that it reads
// on GitHub. This regenerates it into a temporary directory and compares byte for byte: a doc
// comment changed without `npm run docs` fails here, and so does a public symbol without a
// comment (typedoc.json treats its validation warnings as errors). Only docs/api/: the guides
// beside it in docs/ are written by hand.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'netcon-docs-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function files(dir: string, base = dir, found = new Map<string, Buffer>()): Map<string, Buffer> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files(path, base, found);
    else if (entry.isFile()) found.set(relative(base, path).split('\\').join('/'), readFileSync(path));
  }
  return found;
}

describe('docs/api/ (the API reference)', () => {
  it('is what npm run docs generates from the current sources', { timeout: 120_000 }, () => {
    const typedoc = join(createRequire(__filename).resolve('typedoc/package.json'), '..', 'bin', 'typedoc');
    try {
      execFileSync(process.execPath, [typedoc, '--out', out], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const { stdout, stderr } = error as { stdout: string; stderr: string };
      throw new Error(`typedoc failed (every public symbol needs a doc comment):\n${stdout}${stderr}`);
    }
    const generated = files(out);
    const committed = files(join(root, 'docs', 'api'));
    const stale = [...new Set([...generated.keys(), ...committed.keys()])]
      .filter((file) => !generated.get(file)?.equals(committed.get(file) ?? Buffer.alloc(0)) || !committed.has(file))
      .sort();
    expect(stale, 'docs/api/ is out of date: run `npm run docs` and commit the result').toEqual([]);
    expect(committed.size).toBeGreaterThan(50);
  });
});
