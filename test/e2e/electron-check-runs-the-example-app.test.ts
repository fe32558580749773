// The Electron check of the CI workflow (test/electron/main.cjs, with the app of
// docs/electron.md beside it) in a project laid out as the workflow lays it out, run in Windows
// node.exe with a stand-in for electron (test/electron/stand-in/): Electron does not run under
// Wine, its main process's Node does. So the check's own logic, the app's handlers and preload,
// and netcon's path from the page through IPC run here before the workflow runs them in Electron.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { machine } from '../../wine/connections';
import { binaryUnderTest, native, packageUnderTest, repoRoot, suiteArch, workDir } from '../../wine/environment';
import { scriptInWine, type WineRun } from '../../wine/run';

const apps = join(workDir, 'electron-check');

/** A project as the workflow's Electron job makes it, with the stand-in as its electron. */
function project(): string {
  mkdirSync(apps, { recursive: true });
  const dir = mkdtempSync(join(apps, 'app-'));
  for (const file of ['examples/electron-main.cjs', 'examples/electron-preload.cjs', 'test/electron/main.cjs', 'test/electron/index.html']) {
    cpSync(join(repoRoot, file), join(dir, file.split('/').pop()!));
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'netcon-electron-check', private: true, main: 'main.cjs' }));
  // Copies, not links: Node would load netcon through a link's target, and diagnose() would
  // then name the repository's binary, not node_modules\netcon's as an install has it.
  const modules = join(dir, 'node_modules');
  for (const part of ['package.json', 'dist', relative(packageUnderTest, dirname(binaryUnderTest))]) {
    cpSync(join(packageUnderTest, part), join(modules, 'netcon', part), { recursive: true });
  }
  cpSync(dirname(require.resolve('node-gyp-build/package.json', { paths: [packageUnderTest] })), join(modules, 'node-gyp-build'), { recursive: true });
  cpSync(join(repoRoot, 'test', 'electron', 'stand-in', 'electron'), join(modules, 'electron'), { recursive: true });
  return dir;
}

// main.cjs wants the prebuild for its process, which is what the workflow's Electron job
// installs and what every pass under Wine loads. Natively in the repository node-gyp-build
// prefers the MSVC build that `npm ci` made, so main.cjs is told that file instead.
const binary = relative(packageUnderTest, binaryUnderTest).split(sep).join('\\');
const env: Record<string, string> = binary === `prebuilds\\win32-${suiteArch}\\netcon.napi.node` ? {} : { NETCON_CHECK_BINARY: binary };

// Beyond main.cjs's watchdog (120 s), so that a run that hangs shows it (and so the tests' timeout).
const RUN_MS = 150_000;
const run = (app: string, more: WineRun = {}) => scriptInWine(join(app, 'main.cjs'), [], { fake: { connections: machine }, env, timeoutMs: RUN_MS, ...more });

// Each check's verdict and name ('ok   watch'), in order.
const verdicts = (stdout: string) => stdout.split(/\r?\n/).flatMap((l) => /^(?:ok {3}|FAIL )\S+/.exec(l) ?? []);
const line = (stdout: string, check: string) => stdout.split(/\r?\n/).find((l) => new RegExp(`^(ok {3}|FAIL )${check}  `).test(l)) ?? '';
const CHECKS = ['renderer-list', 'renderer-disconnect', 'watch', 'diagnose', 'binary', 'disconnect'];

beforeAll(() => rmSync(apps, { recursive: true, force: true }));

describe('the Electron check (test/electron/main.cjs) with the app of docs/electron.md', { timeout: RUN_MS + 30_000 }, () => {
  it('passes every check where the COM class works, with the binary an install gives, and exits 0', async () => {
    const out = await run(project());
    console.log(`electron check, prefix with the fake as HNetShare:\n${out.stdout}`);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(new RegExp(`^runtime  electron \\(none: a stand-in\\), node \\d+\\.\\d+\\.\\d+, ${suiteArch}\\r?$`, 'm'));
    expect(verdicts(out.stdout)).toEqual(CHECKS.map((check) => `ok   ${check}`));
    // Natively the runner's own connections, through the real HNetShare.
    expect(line(out.stdout, 'renderer-list')).toMatch(native ? /: \d+ connections$/ : new RegExp(`: ${machine.length} connections$`));
    if (!native) for (const c of machine) expect(out.stdout).toContain(`       ${c.name}  `);
    expect(line(out.stdout, 'binary')).toMatch(new RegExp(`^ok {3}binary  (prebuild|local build): .*\\\\node_modules\\\\netcon\\\\${binary.replace(/[\\.]/g, '\\$&')}$`, 'i'));
    if (!native) expect(line(out.stdout, 'binary')).toMatch(/^ok {3}binary {2}prebuild: /);
    expect(out.stdout).toMatch(/^netcon works in this Electron\r?$/m);
  });

  // Natively the app's handlers reach the runner's real HNetShare whatever the prefix.
  it.skipIf(native)('fails the page’s list and diagnose() where no COM class is registered, and exits 1', async () => {
    const out = await run(project(), { prefix: 'bare' });
    console.log(`electron check, bare prefix:\n${out.stdout}`);
    expect(out.code).toBe(1);
    expect(line(out.stdout, 'renderer-list')).toMatch(/^FAIL renderer-list {2}answered \{"ok":false,"code":"(REGDB_E_CLASSNOTREG|CO_E_CLASSSTRING)"/);
    expect(line(out.stdout, 'diagnose')).toMatch(/^FAIL diagnose {2}failed: .*com-class/);
    // The binary loaded all the same.
    expect(line(out.stdout, 'binary')).toMatch(/^ok {3}binary {2}prebuild: /);
    expect(out.stdout).toMatch(/^netcon does not work in this Electron\r?$/m);
  });

  it('reports a check that throws, runs the others, and exits 1 at once rather than at its watchdog', async () => {
    const app = project();
    // What a sandboxed preload cannot require: it fails, and the page has no window.netcon.
    const preload = join(app, 'electron-preload.cjs');
    writeFileSync(preload, `require('node:fs');\n${readFileSync(preload, 'utf8')}`);
    const started = Date.now();
    const out = await run(app);
    console.log(`electron check, a preload that fails:\n${out.stdout}`);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/^Unable to load preload script: .*electron-preload\.cjs\r?\nError: module not found: node:fs/);
    expect(line(out.stdout, 'renderer-list')).toMatch(/^FAIL renderer-list {2}TypeError: /);
    expect(line(out.stdout, 'renderer-disconnect')).toMatch(/^FAIL renderer-disconnect {2}TypeError: /);
    expect(verdicts(out.stdout).slice(2)).toEqual(CHECKS.slice(2).map((check) => `ok   ${check}`));
    expect(out.stdout).not.toMatch(/watchdog/);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
