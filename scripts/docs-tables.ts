// The tables docs/errors.md shows, rendered from the code so that they cannot drift from it:
// `npm run docs` writes them between their marker comments (scripts/docs.mjs), and
// test/unit/error-tables-in-docs-are-generated-from-the-code.test.ts fails when the committed
// page differs. Only public exports are read, plus the CLI's EXIT_CODES.
import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import * as ts from 'typescript';

// The CLI's exit codes. When they move, this import is the one line to change: their doc
// comments are found wherever EXIT_CODES is declared under src/.
import { EXIT_CODES } from '../src/cli/exit-codes';
import { HRESULTS, SUCCESS_CODES, hresultToHex, type HResultEntry } from '../src/index';

const SOURCES = join(__dirname, '..', 'src');

/** Table name → its Markdown, each as it belongs between its markers in docs/errors.md. */
export function errorTablesFromTheCode(): Record<string, string> {
  return {
    'HRESULT table': hresultTable(HRESULTS, hresultToHex),
    'success codes': successCodeTable(SUCCESS_CODES, hresultToHex),
    'exit codes': exitCodeTable(EXIT_CODES, docCommentsOfConstant('EXIT_CODES', SOURCES)),
  };
}

// A table cell: one line, and no `|` that would end the cell early.
const cell = (text: string) => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();

/** `HRESULTS` as a table: code, value, class, the SDK's meaning, the hint. */
export function hresultTable(hresults: Readonly<Record<string, HResultEntry>>, hex: (hresult: number) => string): string {
  const classes = new Set(Object.values(hresults).map((entry) => entry.ErrorClass));
  const rows = Object.entries(hresults).map(([code, { hresult, ErrorClass, meaning, hint }]) => {
    // The class's own name: instances set `name` as a field, the constructor has it always.
    // A class that extends another of the table's classes says so (ElevationRequiredError).
    const parent: unknown = Object.getPrototypeOf(ErrorClass);
    const parentName = classes.has(parent as HResultEntry['ErrorClass']) ? ` (also an \`${(parent as { name: string }).name}\`)` : '';
    return `| \`${code}\` | ${hex(hresult)} | \`${ErrorClass.name}\`${parentName} | ${cell(meaning)} | ${cell(hint ?? '')} |`;
  });
  return ['| `code` | HRESULT | class | meaning | hint |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** `SUCCESS_CODES` as a table: name and value. */
export function successCodeTable(codes: Readonly<Record<string, number>>, hex: (hresult: number) => string): string {
  const rows = Object.entries(codes).map(([code, value]) => `| \`${code}\` | ${hex(value)} |`);
  return ['| `code` | HRESULT |', '|---|---|', ...rows].join('\n');
}

/** The CLI's exit codes: number, name, and the doc comment of each (`meanings`, by name). */
export function exitCodeTable(exitCodes: Readonly<Record<string, number>>, meanings: Readonly<Record<string, string>>): string {
  const rows = Object.entries(exitCodes).map(([name, value]) => {
    const meaning = meanings[name];
    if (meaning === undefined) throw new Error(`EXIT_CODES.${name} has no doc comment to show as its meaning`);
    return `| ${value} | \`${name}\` | ${cell(meaning)} |`;
  });
  return ['| exit code | `EXIT_CODES` | meaning |', '|---:|---|---|', ...rows].join('\n');
}

/**
 * The doc comments of the properties of `export const <name> = …{ … }` in the one .ts file
 * under `dir` that declares it, by property name.
 */
export function docCommentsOfConstant(name: string, dir: string): Record<string, string> {
  const declaring = typeScriptFiles(dir).filter((file) => new RegExp(`export const ${name}\\b`).test(readFileSync(file, 'utf8')));
  if (declaring.length !== 1) throw new Error(`expected one file under ${dir} to declare ${name}, found ${declaring.length}`);
  const source = ts.createSourceFile(declaring[0], readFileSync(declaring[0], 'utf8'), ts.ScriptTarget.Latest, true);
  const declaration = source.statements
    .filter(ts.isVariableStatement)
    .flatMap((statement) => [...statement.declarationList.declarations])
    .find((d) => ts.isIdentifier(d.name) && d.name.text === name);
  const literal = declaration?.initializer && firstObjectLiteral(declaration.initializer);
  if (!literal) throw new Error(`${name} in ${declaring[0]} is not initialised with an object literal`);
  const comments: Record<string, string> = {};
  for (const property of literal.properties) {
    if (!property.name || !(ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))) continue;
    const text = ts
      .getJSDocCommentsAndTags(property)
      .filter(ts.isJSDoc)
      .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
      .join(' ')
      .trim();
    if (text) comments[property.name.text] = text;
  }
  return comments;
}

// `Object.freeze({ … } as const)` or a bare `{ … }`.
function firstObjectLiteral(node: ts.Node): ts.ObjectLiteralExpression | undefined {
  if (ts.isObjectLiteralExpression(node)) return node;
  return ts.forEachChild(node, firstObjectLiteral);
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? typeScriptFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** The start and end markers of a generated table. */
export const markers = (table: string) => [`<!-- generated by npm run docs: ${table} -->`, `<!-- end of ${table} -->`] as const;

/**
 * `markdown` with each table put between its markers (a blank line either side, so that
 * Markdown sees a table). Throws when a table has no markers, so that none is silently dropped.
 */
export function withGeneratedTables(markdown: string, tables: Readonly<Record<string, string>>): string {
  let out = markdown;
  for (const [table, content] of Object.entries(tables)) {
    const [start, end] = markers(table);
    const from = out.indexOf(start);
    const to = out.indexOf(end, from);
    if (from < 0 || to < 0) throw new Error(`no "${start}" … "${end}" markers for the ${table}`);
    out = `${out.slice(0, from + start.length)}\n\n${content}\n\n${out.slice(to)}`;
  }
  return out;
}
