// npm run docs, after typedoc has written docs/api/: the tables docs/errors.md shows, rendered
// from the code by scripts/docs-tables.ts. The sources are TypeScript, loaded as the bench and
// the demo load them (wine/prepare.mjs), so no build is needed first.
import { readFileSync, writeFileSync } from 'node:fs';

import { requireWithTypeScript } from '../wine/prepare.mjs';

const { errorTablesFromTheCode, withGeneratedTables } = requireWithTypeScript(import.meta.url)('./docs-tables.ts');

const page = new URL('../docs/errors.md', import.meta.url);
const before = readFileSync(page, 'utf8');
const after = withGeneratedTables(before, errorTablesFromTheCode());
if (after === before) {
  console.log('docs/errors.md: its tables are current');
} else {
  writeFileSync(page, after);
  console.log('docs/errors.md: tables rewritten from the code');
}
