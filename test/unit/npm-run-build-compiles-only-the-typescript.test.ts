import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

// npm runs a "prebuild" script before "build" by itself: the native build script had that
// name once, and every "build dist only" cross-built three architectures.
describe('npm run build', () => {
  const copy = mkdtempSync(join(tmpdir(), 'netcon-build-'));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('has no npm pre- or post-hook', () => {
    expect(pkg.scripts.build).toBeDefined();
    expect(Object.keys(pkg.scripts).filter((name) => /^(pre|post)build$/.test(name))).toEqual([]);
  });

  it('compiles dist/ in a copy of the sources with nothing but node on PATH', { timeout: 120_000 }, () => {
    for (const entry of ['package.json', 'tsconfig.json', 'src', 'scripts']) cpSync(join(root, entry), join(copy, entry), { recursive: true });
    // A junction on Windows, where it needs no privilege; the type is ignored elsewhere.
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'junction');
    // Only node on PATH: a build that reached for cmake, a compiler or Zig would fail here.
    const bin = join(copy, '.bin');
    mkdirSync(bin);
    copyFileSync(process.execPath, join(bin, basename(process.execPath)));
    const run = spawnSync(process.execPath, [npmCli(), 'run', 'build'], {
      cwd: copy,
      encoding: 'utf8',
      // The shell npm runs scripts with is named by path, so PATH need not hold it.
      env: {
        ...process.env,
        PATH: bin,
        npm_config_update_notifier: 'false',
        npm_config_script_shell: process.platform === 'win32' ? process.env.ComSpec : '/bin/sh',
      },
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(existsSync(join(copy, 'dist', 'index.cjs'))).toBe(true);
    expect(existsSync(join(copy, 'dist', 'cjs', 'cli', 'bin.js'))).toBe(true);
    for (const native of ['build', 'prebuilds']) expect(existsSync(join(copy, native)), native).toBe(false);
    expect(run.stdout).not.toMatch(/cmake|mingw|zig|node-gyp/i);
  });
});

// npm's own script: npm sets npm_execpath for the scripts it runs; else where Node's
// installers put it next to node.
function npmCli(): string {
  const candidates = [
    process.env.npm_execpath,
    join(dirname(process.execPath), 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
  ];
  const found = candidates.find((file) => file !== undefined && /npm-cli\.js$/.test(file) && existsSync(file));
  if (!found) throw new Error(`npm-cli.js not found in ${candidates.join(', ')}`);
  return found;
}
