// What the link checks of the README and the guides share: the repository's
// (test/unit/docs-links-resolve.test.ts) and the packed package's
// (test/package/links-in-the-packed-docs-resolve-inside-the-package.test.ts). A tree is the
// repository or the package, its paths relative to its root and '/'-separated.
import { posix } from 'node:path';

export interface Tree {
  /** True for a file of the tree, or a folder that holds one. */
  has(path: string): boolean;
  read(path: string): string;
}

// Code is not Markdown: a `[x](y)` inside a code block or span is no link.
const withoutCode = (markdown: string) => markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1`*\s*$/gm, '').replace(/`[^`\n]*`/g, '');

/** Targets of the page's inline links, as written. */
export function links(markdown: string): string[] {
  return [...withoutCode(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]);
}

/** The anchors GitHub gives a page's headings (its slugger: lower case, punctuation dropped, spaces to dashes, repeats numbered). */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const [, text] of withoutCode(markdown.replace(/`/g, '')).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    found.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return found;
}

/** A link's path, from `page`, as a path from the tree's root ('' is the page itself); it starts with '../' when it leaves the tree. */
export function resolveFrom(page: string, path: string): string {
  return path === '' ? page : posix.normalize(posix.join(posix.dirname(page), decodeURI(path))).replace(/\/$/, '');
}

/** The relative links of `page` that lead to nothing in `tree`, or to no heading of the Markdown file whose `#fragment` they name. */
export function brokenLinks(page: string, tree: Tree): string[] {
  return links(tree.read(page))
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
    .filter((target) => {
      const [path, fragment] = target.split('#', 2);
      const file = resolveFrom(page, path);
      if (file.startsWith('../') || !tree.has(file)) return true;
      return fragment !== undefined && file.endsWith('.md') && !anchors(tree.read(file)).has(fragment);
    });
}
