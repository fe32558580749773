// The README is a front door to the guides in docs/: every guide must be reachable from it and
// from docs/README.md, and every relative link in them must lead somewhere, down to the heading
// a `#fragment` names. Moving a section between guides breaks exactly these links. The package
// test checks the same links again inside what npm packs.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { anchors, brokenLinks, links, resolveFrom, type Tree } from '../markdown-links';

const root = join(__dirname, '..', '..');
const repository: Tree = {
  has: (path) => existsSync(join(root, path)),
  read: (path) => readFileSync(join(root, path), 'utf8').replace(/\r\n/g, '\n'),
};

const guides = readdirSync(join(root, 'docs'), { withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
  .map((entry) => `docs/${entry.name}`);
const pages = ['README.md', ...guides];

const linkedFrom = (page: string) => new Set(links(repository.read(page)).map((target) => resolveFrom(page, target.split('#')[0])));

describe('links in the README and the guides', () => {
  it.each(pages)('%s: every relative link leads to a file, and to a heading when it names one', (page) => {
    expect(brokenLinks(page, repository)).toEqual([]);
  });

  it('README.md links every guide in docs/', () => {
    const linked = linkedFrom('README.md');
    expect(guides.filter((guide) => !linked.has(guide))).toEqual([]);
  });

  it('docs/README.md, the index, links every other guide', () => {
    const linked = linkedFrom('docs/README.md');
    expect(guides.filter((guide) => guide !== 'docs/README.md' && !linked.has(guide))).toEqual([]);
  });

  // What the checks above rely on.
  it('finds a heading by the anchor GitHub gives it', () => {
    expect(anchors(repository.read('docs/usage.md'))).toContain('vpn-and-dial-up-connections-com-security');
    expect(anchors(repository.read('docs/reliability.md'))).toContain('deadlines-and-giving-up-timeoutms-and-signal');
  });

  it('resolves a link from its page, and sees one that leaves the tree', () => {
    expect(resolveFrom('docs/usage.md', '../examples/')).toBe('examples');
    expect(resolveFrom('README.md', 'docs/errors.md')).toBe('docs/errors.md');
    expect(resolveFrom('docs/usage.md', '')).toBe('docs/usage.md');
    expect(brokenLinks('page.md', { has: () => true, read: () => '[up](../../etc/passwd)' })).toEqual(['../../etc/passwd']);
  });
});
