// docs/errors.md shows the HRESULT table, the success codes and the CLI's exit codes. Each is
// rendered from the code (scripts/docs-tables.ts) by `npm run docs`; a hand-copied table once
// drifted from src/errors.ts. This renders them again and compares them with the committed page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { HRESULTS, hresultToHex } from '../../src/index';
import { errorTablesFromTheCode, hresultTable, markers, withGeneratedTables } from '../../scripts/docs-tables';

const page = readFileSync(join(__dirname, '..', '..', 'docs', 'errors.md'), 'utf8').replace(/\r\n/g, '\n');

// The text between a table's markers.
function committed(markdown: string, table: string): string | undefined {
  const [start, end] = markers(table);
  const from = markdown.indexOf(start);
  const to = markdown.indexOf(end, from);
  return from < 0 || to < 0 ? undefined : markdown.slice(from + start.length, to).trim();
}

const tables = errorTablesFromTheCode();

describe('docs/errors.md', () => {
  it.each(Object.keys(tables))('shows the %s as the code renders it (else run `npm run docs`)', (table) => {
    expect(committed(page, table)).toBe(tables[table]);
  });

  it('has nothing else that npm run docs would change', () => {
    expect(withGeneratedTables(page, tables)).toBe(page);
  });
});

describe('the renderer', () => {
  it('puts every HRESULT in the table with its value, class, meaning and hint', () => {
    const table = hresultTable(HRESULTS, hresultToHex);
    expect(table).toContain(
      '| `E_ACCESSDENIED` | 0x80070005 | `AccessDeniedError` | General access denied | Disconnecting or connecting usually needs an elevated process: Run as administrator. |',
    );
    expect(table).toContain('| `ERROR_ELEVATION_REQUIRED` | 0x800702E4 | `ElevationRequiredError` (also an `AccessDeniedError`) |');
    expect(table.split('\n')).toHaveLength(2 + Object.keys(HRESULTS).length);
  });

  // What the test above relies on: a changed hint shows up as a difference.
  it('renders a changed hint differently', () => {
    const edited = { ...HRESULTS, E_FAIL: { ...HRESULTS.E_FAIL, hint: 'Retry.' } };
    expect(hresultTable(edited, hresultToHex)).not.toBe(hresultTable(HRESULTS, hresultToHex));
    expect(withGeneratedTables(page, { ...tables, 'HRESULT table': hresultTable(edited, hresultToHex) })).not.toBe(page);
  });

  it('refuses a table whose markers are missing, rather than leave it out', () => {
    expect(() => withGeneratedTables('# no markers\n', { 'HRESULT table': '|x|' })).toThrow(/markers/);
  });
});
