/**
 * Finds the line where a key is set in TOML source, for schema errors: the parser reports positions only
 * for syntax errors, and an operator needs `sysray.toml:14` to fix `collectors.processes.limit = "x"`.
 * This is a line scanner, not a second parser: it tracks `[table]` / `[[array]]` headers, dotted keys,
 * and one level of inline tables, and skips multi-line strings. The text has already parsed, so it is
 * well-formed TOML.
 */

/** Splits a TOML key (`a."b.c".d`) into its parts, quotes removed. */
export function splitTomlKey(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (quote !== null) {
      if (ch === '\\' && quote === '"') {
        current += text[i + 1] ?? '';
        i++;
      } else if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '.') {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  parts.push(current.trim());
  return parts;
}

const HEADER = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/;
const ASSIGNMENT =
  /^\s*((?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=/;
const INLINE_KEY =
  /(?:^|[{,])\s*((?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=/g;

/** Key path (dot-joined) → 1-based line of its first appearance, for every key and table in the text. */
export function keyLines(source: string): Map<string, number> {
  const lines = new Map<string, number>();
  const note = (path: readonly string[], line: number): void => {
    for (let i = 1; i <= path.length; i++) {
      const key = path.slice(0, i).join('.');
      if (!lines.has(key)) lines.set(key, line);
    }
  };
  let table: string[] = [];
  let multiline: string | null = null;
  const rows = source.split(/\r?\n/);
  rows.forEach((row, index) => {
    const line = index + 1;
    if (multiline !== null) {
      if (row.includes(multiline)) multiline = null;
      return;
    }
    const header = HEADER.exec(row);
    if (header && !ASSIGNMENT.test(row)) {
      table = splitTomlKey(header[1] ?? '');
      note(table, line);
      return;
    }
    const assignment = ASSIGNMENT.exec(row);
    if (!assignment) return;
    const path = [...table, ...splitTomlKey(assignment[1] ?? '')];
    note(path, line);
    const rest = row.slice(assignment[0].length);
    // One level of inline table: `processes = { limit = 5, sort_by = "cpu" }`.
    const brace = rest.indexOf('{');
    if (brace >= 0) {
      for (const inner of rest.slice(brace).matchAll(INLINE_KEY)) {
        note([...path, ...splitTomlKey(inner[1] ?? '')], line);
      }
    }
    for (const delimiter of ['"""', "'''"]) {
      const count = rest.split(delimiter).length - 1;
      if (count % 2 === 1) multiline = delimiter;
    }
  });
  return lines;
}

/** The line of `path`, or of its nearest enclosing table or key that appears in the text. */
export function lineOf(lines: ReadonlyMap<string, number>, path: string): number | undefined {
  const parts = path.split('.');
  for (let i = parts.length; i > 0; i--) {
    const line = lines.get(parts.slice(0, i).join('.'));
    if (line !== undefined) return line;
  }
  return undefined;
}
