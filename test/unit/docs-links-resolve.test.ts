// The README is a front door to the guides in docs/: every guide must be reachable from it and
// from docs/README.md, and every relative link in them must lead somewhere, down to the heading
// a `#fragment` names. Moving a section between guides breaks exactly these links.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8').replace(/\r\n/g, '\n');

const guides = readdirSync(join(root, 'docs'), { withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
  .map((entry) => `docs/${entry.name}`);
const pages = ['README.md', ...guides];

// Code is not Markdown: a `[x](y)` inside a code block or span is no link.
const withoutCode = (markdown: string) => markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1`*\s*$/gm, '').replace(/`[^`\n]*`/g, '');

/** Targets of the page's inline links, as written. */
function links(page: string): string[] {
  return [...withoutCode(read(page)).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]);
}

/** The anchors GitHub gives a page's headings (its slugger: lower case, punctuation dropped, spaces to dashes, repeats numbered). */
function anchors(page: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const [, text] of withoutCode(read(page).replace(/`/g, '')).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    found.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return found;
}

// Relative to the repository root, e.g. 'docs/errors.md'; '' for the page itself.
function resolveFrom(page: string, path: string): string {
  return path === '' ? page : relative(root, normalize(join(root, dirname(page), decodeURI(path)))).split('\\').join('/');
}

describe('links in the README and the guides', () => {
  it.each(pages)('%s: every relative link leads to a file, and to a heading when it names one', (page) => {
    const broken = links(page)
      .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
      .filter((target) => {
        const [path, fragment] = target.split('#', 2);
        const file = resolveFrom(page, path);
        if (!existsSync(join(root, file))) return true;
        return fragment !== undefined && file.endsWith('.md') && !anchors(file).has(fragment);
      });
    expect(broken).toEqual([]);
  });

  it('README.md links every guide in docs/', () => {
    const linked = new Set(links('README.md').map((target) => resolveFrom('README.md', target.split('#')[0])));
    expect(guides.filter((guide) => !linked.has(guide))).toEqual([]);
  });

  it('docs/README.md, the index, links every other guide', () => {
    const linked = new Set(links('docs/README.md').map((target) => resolveFrom('docs/README.md', target.split('#')[0])));
    expect(guides.filter((guide) => guide !== 'docs/README.md' && !linked.has(guide))).toEqual([]);
  });

  // What the checks above rely on.
  it('finds a heading by the anchor GitHub gives it', () => {
    expect(anchors('docs/usage.md')).toContain('vpn-and-dial-up-connections-com-security');
    expect(anchors('docs/reliability.md')).toContain('deadlines-and-giving-up-timeoutms-and-signal');
  });
});
