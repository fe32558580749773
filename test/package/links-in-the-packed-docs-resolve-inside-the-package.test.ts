// What `npm i netcon` puts in node_modules/netcon must read on its own, with no repository
// beside it: every relative link of the packed README and guides leads to a file the package
// ships (down to the heading a `#fragment` names), and so does the page `netcon doctor` points
// to. The file list is npm's own (`npm pack --dry-run`, no lifecycle scripts); the files are
// read from the working tree, which is what npm packs.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

import { guidePath } from '../../src/package-root';
import { brokenLinks, type Tree } from '../markdown-links';

const root = join(__dirname, '..', '..');

const [{ files }] = JSON.parse(
  execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
) as { files: { path: string }[] }[];
const packed = new Set(files.map((f) => f.path));

const pkg: Tree = {
  has: (path) => packed.has(path) || [...packed].some((file) => file.startsWith(`${path}/`)),
  read: (path) => {
    if (!packed.has(path)) throw new Error(`${path} is not in the package`);
    return readFileSync(join(root, path), 'utf8').replace(/\r\n/g, '\n');
  },
};

const guides = readdirSync(join(root, 'docs'), { withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
  .map((entry) => `docs/${entry.name}`);
const pages = ['README.md', ...guides];

describe('the README and the guides as npm packs them', () => {
  it('ships the README, every guide and every example', () => {
    const examples = (dir: string): string[] =>
      readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? examples(`${dir}/${e.name}`) : [`${dir}/${e.name}`]));
    expect([...pages, ...examples('examples')].filter((file) => !packed.has(file))).toEqual([]);
  });

  it.each(pages)('%s: every relative link leads to a packed file, and to a heading when it names one', (page) => {
    expect(brokenLinks(page, pkg)).toEqual([]);
  });

  it("ships the page netcon doctor's fix for a failed trial list names", () => {
    expect(packed).toContain(relative(root, guidePath('errors.md')).split('\\').join('/'));
  });
});
