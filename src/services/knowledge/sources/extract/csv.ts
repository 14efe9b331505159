import { parse } from "csv-parse/sync";
import { ExtractionError } from "./errors.js";
import { assertWithinChars, collapseWhitespace } from "./text.js";
import type { ExtractedTable } from "./types.js";

export interface CsvContent {
  table: ExtractedTable;
  text: string;
  delimiter: string;
}

/**
 * A `.csv` is comma-separated unless its first line has more semicolons (spreadsheets in locales with a
 * decimal comma write those) — counted outside quotes. `.tsv` is always tab-separated.
 */
export function guessDelimiter(text: string, declared: string): string {
  if (declared !== ",") return declared;
  const counts: Record<string, number> = { ",": 0, ";": 0 };
  let quoted = false;
  for (const char of text.slice(0, 4096)) {
    if (char === '"') quoted = !quoted;
    else if (char === "\n" && !quoted) break;
    else if (!quoted && char in counts) counts[char]!++;
  }
  return counts[";"]! > counts[","]! ? ";" : ",";
}

/**
 * Parses CSV/TSV with a real parser (RFC 4180 quoting: embedded delimiters, newlines and doubled
 * quotes). The first row is the header; blank header cells become "column N" and short rows are padded,
 * so every row lines up with the header when the chunker repeats it.
 */
export function readCsv(source: string, declaredDelimiter: string, maxChars: number): CsvContent {
  const delimiter = guessDelimiter(source, declaredDelimiter);
  let records: string[][];
  try {
    records = parse(source, {
      delimiter,
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      relax_quotes: delimiter === "\t",
      max_record_size: 1024 * 1024,
    }) as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new ExtractionError(
      "CORRUPT",
      `The ${delimiter === "\t" ? "TSV" : "CSV"} file could not be parsed${line ? ` (near line ${line})` : ""}: check its quoting.`,
      { cause: error },
    );
  }
  const [first, ...rest] = records;
  if (!first) throw new ExtractionError("EMPTY", "The table file has no rows.");
  const width = rest.reduce((widest, row) => Math.max(widest, row.length), first.length);
  const header = Array.from(
    { length: width },
    (_, i) => collapseWhitespace(first[i] ?? "") || `column ${i + 1}`,
  );
  const rows = rest.map((row) => Array.from({ length: width }, (_, i) => row[i] ?? ""));

  // The text form pairs each value with its column so a row found by full text search reads on its own.
  const lines: string[] = [];
  let length = 0;
  for (const row of rows) {
    const line = row
      .map((value, i) => (value.trim() ? `${header[i]}: ${collapseWhitespace(value)}` : ""))
      .filter(Boolean)
      .join("; ");
    length += line.length + 1;
    assertWithinChars(length, maxChars);
    if (line) lines.push(line);
  }
  return { table: { header, rows }, text: [header.join(" | "), ...lines].join("\n"), delimiter };
}
