// The Windows workflow cannot run here, and actionlint only says it is a valid workflow. This
// says it is the right one: the Windows jobs test the prebuilds users install, as they install
// them, in each runtime and architecture netcon ships for, and the files it runs exist.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  shell?: string;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  'runs-on': string;
  strategy?: { matrix: { include?: Record<string, unknown>[]; electron?: string[] } };
  steps: Step[];
}
const workflow = parse(readFileSync(join(root, '.github', 'workflows', 'ci.yml'), 'utf8')) as { jobs: Record<string, Job> };
const { jobs } = workflow;
const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');
/** The index of the first step whose run or uses matches. */
const stepIndex = (job: Job, pattern: RegExp) => job.steps.findIndex((s) => pattern.test(s.run ?? '') || pattern.test(s.uses ?? ''));

describe('the Windows jobs test what users install', () => {
  const prebuilt = jobs['windows-prebuilt'];

  it('run every shipped prebuild in the Node it targets: 16, 20, 22 and 24 on x64, 32-bit Node, ARM64 Windows', () => {
    expect(prebuilt.needs).toBe('prebuildify');
    const matrix = (prebuilt.strategy?.matrix.include ?? []).map((m) => `${m.os} ${m.node} ${m.arch}`);
    expect(matrix).toEqual(expect.arrayContaining(['windows-latest 16 x64', 'windows-latest 20 x64', 'windows-latest 22 x64', 'windows-latest 24 x64', 'windows-latest 22 x86', 'windows-11-arm 22 arm64']));
    const target = prebuilt.steps.find((s) => s.uses?.startsWith('actions/setup-node@') && s.with?.architecture);
    expect(target?.with).toEqual({ 'node-version': '${{ matrix.node }}', architecture: '${{ matrix.arch }}' });
  });

  it('install the packed tarball with the prebuild artifact into a fresh project, where nothing is built, and run the suite against it', () => {
    const download = stepIndex(prebuilt, /^actions\/download-artifact@/);
    expect(prebuilt.steps[download].with).toMatchObject({ name: 'prebuilds', path: 'prebuilds' });
    expect(jobs.prebuildify.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))?.with).toMatchObject({ name: 'prebuilds', path: 'prebuilds/' });
    const order = [/^npm ci$/m, /^test ! -e build$/m, /npm pack/, /npm install .*netcon-\*\.tgz/, /Test-Path 'node_modules\\netcon\\build'/, /NETCON_E2E_PACKAGE=/, /^npx vitest run --project e2e$/m].map((p) => stepIndex(prebuilt, p));
    expect(order.every((i) => i > download)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(runs(prebuilt)).toMatch(/NETCON_E2E_NODE_EXE=/);
    expect(runs(prebuilt)).toMatch(/npx --no-install netcon doctor/);
  });

  it('keeps one job that builds from source with MSVC and runs npm test', () => {
    const source = jobs['windows-source'];
    expect(source.needs).toBeUndefined();
    expect(runs(source)).toMatch(/^test -f build\/Release\/netcon\.node$/m);
    const peCheck = source.steps.find((s) => /prebuilds-import-only-windows-system-dlls/.test(s.run ?? ''));
    expect(peCheck?.env).toEqual({ NETCON_SOURCE_BUILD: '1' });
    expect(runs(source)).toMatch(/^npm test$/m);
  });

  it('run Electron 22 and the newest Electron as a real main process, with files that exist', () => {
    const electron = jobs.electron;
    expect(electron.needs).toBe('prebuildify');
    expect(electron.strategy?.matrix.electron).toEqual(['22', 'latest']);
    const copied = /Copy-Item (.*) -Destination/.exec(runs(electron))?.[1].split(',').map((f) => f.trim().replace(/\\/g, '/')) ?? [];
    expect(copied).toEqual(['examples/electron-main.cjs', 'examples/electron-preload.cjs', 'test/electron/main.cjs', 'test/electron/index.html']);
    for (const file of copied) expect(existsSync(join(root, file)), file).toBe(true);
    expect(runs(electron)).toMatch(/npm pkg set main=main\.cjs/);
    expect(runs(electron)).toMatch(/^npx --no-install electron \.$/m);
    expect(runs(electron)).not.toMatch(/ELECTRON_RUN_AS_NODE/);
  });

  it('prove the seed operation with npm run prove against the installed package, keeping its report', () => {
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.prove).toBe('node scripts/prove.mjs');
    const prove = prebuilt.steps.find((s) => /npm run prove/.test(s.run ?? ''));
    expect(prove?.run).toMatch(/--package "\$env:NETCON_E2E_PACKAGE"/);
    expect(prove?.if).toBe('matrix.prove');
    expect(prebuilt.strategy?.matrix.include?.filter((m) => m.prove)).toEqual([{ os: 'windows-latest', node: 22, arch: 'x64', prove: true }]);
    expect(prebuilt.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))).toMatchObject({ if: 'matrix.prove && always()', with: { path: 'build/prove/' } });
  });
});
