import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');

// Apps that depend on netcon run their CI on Linux and macOS too: installing there must
// neither compile nor fail. (On Windows the same step finds the addon built or prebuilt.)
describe('npm install step', () => {
  it('is node-gyp-build, told by prebuild.test that nothing needs building', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.scripts.install).toBe('node-gyp-build');
    expect(pkg.prebuild.test).toBe('scripts/install-check.js');
    expect(pkg.files).toContain(pkg.prebuild.test);
    expect(pkg.os).toBeUndefined();
  });

  it('exits 0 and prints nothing, as npm runs it', () => {
    // npm runs the script with node_modules/.bin on PATH; node-gyp's "gyp info" lines
    // would show up in the output had it started a build.
    const run = spawnSync(process.execPath, [require.resolve('node-gyp-build/bin.js')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, PATH: [join(root, 'node_modules', '.bin'), dirname(process.execPath)].join(delimiter) },
    });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
