import { escapeLiteral, type PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { StringDecoder } from 'node:string_decoder';

/** A query parameter as an SQL literal: COPY takes no parameters, and a quoted literal is typed like one. */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) {
    const element = (item: unknown) =>
      item === null || item === undefined
        ? 'NULL'
        : `"${(typeof item === 'string' ? item : JSON.stringify(item)).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    return escapeLiteral(`{${value.map(element).join(',')}}`);
  }
  if (value instanceof Date) return escapeLiteral(value.toISOString());
  if (typeof value === 'string') return escapeLiteral(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return escapeLiteral(String(value));
  }
  return escapeLiteral(JSON.stringify(value));
}

/** Replaces `$n` placeholders (outside quoted literals and identifiers) with their values as literals. */
export function inlineParams(sql: string, params: readonly unknown[]): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < sql.length; i++) {
    const char = sql[i];
    if (quote) {
      out += char;
      if (char === quote) quote = undefined;
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      out += char;
      continue;
    }
    const placeholder = char === '$' ? /^\$(\d+)/.exec(sql.slice(i, i + 12)) : null;
    if (!placeholder) {
      out += char;
      continue;
    }
    const index = Number(placeholder[1]) - 1;
    if (index < 0 || index >= params.length) throw new Error(`No value for placeholder ${placeholder[0]}`);
    out += sqlLiteral(params[index]);
    i += placeholder[0].length - 1;
  }
  return out;
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** One field of COPY's text format: `\N` is NULL, backslash sequences are undone. */
export function copyTextField(field: string): string | null {
  if (field === '\\N') return null;
  if (!field.includes('\\')) return field;
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, code: string) => {
    if (code[0] === 'x') return String.fromCharCode(parseInt(code.slice(1), 16));
    if (/^[0-7]/.test(code)) return String.fromCharCode(parseInt(code, 8));
    return ESCAPES[code] ?? code;
  });
}

/**
 * The rows of `COPY (query) TO STDOUT` (text format) on the client's connection, as text fields, a chunk of rows
 * at a time: memory holds one network chunk, whatever the number of rows.
 */
export async function* copyOutRows(client: PoolClient, query: string): AsyncGenerator<(string | null)[][]> {
  const stream = client.query(copyTo(`COPY (${query}) TO STDOUT`));
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of stream) {
    const text = rest + decoder.write(chunk as Buffer);
    const end = text.lastIndexOf('\n');
    if (end < 0) {
      rest = text;
      continue;
    }
    rest = text.slice(end + 1);
    const rows: (string | null)[][] = [];
    let start = 0;
    while (start <= end) {
      const next = text.indexOf('\n', start);
      rows.push(text.slice(start, next).split('\t').map(copyTextField));
      start = next + 1;
    }
    yield rows;
  }
  rest += decoder.end();
  if (rest !== '') yield [rest.split('\t').map(copyTextField)];
}
