import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');

// Apps that depend on netcon run their CI on Linux and macOS too: installing there must
// neither compile nor fail.
describe('npm install off Windows', () => {
  it('runs an install step that exits 0 without starting a build', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.scripts.install).toBe('node scripts/install.js');
    expect(pkg.os).toBeUndefined();
    const run = spawnSync(process.execPath, [join(root, 'scripts', 'install.js')], {
      cwd: root,
      encoding: 'utf8',
      // Were it to reach node-gyp-build, this would make the attempt visible and fail fast.
      env: { ...process.env, PATH: '', npm_config_node_gyp: '/nonexistent' },
    });
    expect(run.status).toBe(0);
    expect(run.stdout + run.stderr).toBe('');
  });
});
