import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

/** A value as COPY's text format wants it: \N for null, backslash escapes for control characters. */
export function copyText(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  const text =
    typeof value === "string"
      ? value
      : value instanceof Date
        ? value.toISOString()
        : typeof value === "object"
          ? JSON.stringify(value)
          : String(value);
  return text.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

/** A Postgres array literal for COPY ({"a","b"}); elements are quoted so commas and braces are safe. */
export function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;
}

export function vectorLiteral(values: readonly number[]): string {
  return `[${values.join(",")}]`;
}

/**
 * Streams rows into a table with COPY FROM STDIN (server PostgreSQL only): the fastest way to load
 * many rows. `columns` are SQL column names in the order of each row's values.
 */
export async function copyRows(
  client: pg.PoolClient | pg.Client,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly unknown[]>,
): Promise<number> {
  const statement = `COPY ${table} (${columns.map((c) => `"${c}"`).join(", ")}) FROM STDIN`;
  const stream = client.query(copyFrom(statement));
  let count = 0;
  async function* lines() {
    let buffer = "";
    for (const row of rows) {
      buffer += `${row.map(copyText).join("\t")}\n`;
      count++;
      if (buffer.length > 1 << 16) {
        yield buffer;
        buffer = "";
      }
    }
    if (buffer) yield buffer;
  }
  await pipeline(lines, stream);
  return count;
}
