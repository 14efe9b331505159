import { approximateTokens, type TokenCounter } from "../../../lib/text/tokens.js";
import type { TextChunk } from "./chunking.js";

export interface TableChunkOptions {
  /** Largest chunk in tokens; a group is cut earlier when its rows would exceed it. */
  chunkSize?: number;
  countTokens?: TokenCounter;
  /** Shown above the header in every chunk (e.g. the table's title) and kept as the heading path. */
  title?: string | undefined;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|").trim();
}

function line(values: readonly unknown[]): string {
  return `| ${values.map(cell).join(" | ")} |`;
}

/**
 * Chunks a table by groups of rows, repeating the header (as a Markdown table) in every chunk so each
 * chunk is readable and searchable on its own. Metadata records the 1-based data-row range.
 */
export function chunkTable(
  header: readonly unknown[],
  rows: readonly (readonly unknown[])[],
  rowsPerChunk: number,
  options: TableChunkOptions = {},
): TextChunk[] {
  if (rowsPerChunk < 1) throw new RangeError("rowsPerChunk must be at least 1");
  const count = options.countTokens ?? approximateTokens;
  const limit = options.chunkSize ?? 512;
  const head = [
    ...(options.title ? [options.title, ""] : []),
    line(header),
    line(header.map(() => "---")),
  ].join("\n");
  const headTokens = count(head);
  const chunks: TextChunk[] = [];
  let group: string[] = [];
  let groupTokens = headTokens;
  let first = 0;
  const flush = (end: number) => {
    if (group.length === 0) return;
    const content = `${head}\n${group.join("\n")}`;
    chunks.push({
      content,
      tokenCount: count(content),
      metadata: { headingPath: options.title ? [options.title] : [], rowStart: first + 1, rowEnd: end },
    });
    group = [];
    groupTokens = headTokens;
  };
  rows.forEach((row, i) => {
    const text = line(row);
    const tokens = count(text);
    if (group.length >= rowsPerChunk || (group.length > 0 && groupTokens + tokens > limit)) flush(i);
    if (group.length === 0) first = i;
    group.push(text);
    groupTokens += tokens;
  });
  flush(rows.length);
  return chunks;
}
