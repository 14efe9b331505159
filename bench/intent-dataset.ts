import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";

export interface LabelledPhrase {
  text: string;
  category: string;
}

/** Reads `<folder>/<split>.csv` with the header `text,category`. */
export function readSplit(folder: string, split: "train" | "test"): LabelledPhrase[] {
  const rows = parse(readFileSync(join(folder, `${split}.csv`), "utf8"), {
    columns: true,
    skip_empty_lines: true,
    trim: true,
  }) as Record<string, string>[];
  if (rows.length > 0 && (!("text" in rows[0]!) || !("category" in rows[0]!))) {
    throw new Error(`${split}.csv must have the header text,category`);
  }
  return rows.map((row) => ({ text: row.text ?? "", category: row.category ?? "" }));
}
