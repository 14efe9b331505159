import { parse } from "csv-parse/sync";
import { UNKNOWN_INTENT } from "./classifier/index.js";

export interface ExampleInput {
  intent: string;
  phrase: string;
  metadata?: Record<string, unknown> | undefined;
}

/** One thing wrong with an imported row; `row` is 1-based (for CSV, the line of the file). */
export interface ImportProblem {
  row: number;
  field?: string;
  message: string;
}

export const MAX_INTENT_LENGTH = 100;
export const MAX_PHRASE_LENGTH = 1000;
/** Examples one namespace may hold: its classifier is trained and kept in memory by every process. */
export const MAX_EXAMPLES_PER_NAMESPACE = 20_000;

const CONTROL = /\p{Cc}/u;

/** Checks an intent name, returning what is wrong or undefined. */
export function intentNameProblem(name: string): string | undefined {
  if (name.length === 0) return "the intent is empty";
  if (name.length > MAX_INTENT_LENGTH) return `the intent is longer than ${MAX_INTENT_LENGTH} characters`;
  if (CONTROL.test(name)) return "the intent contains control characters";
  if (name.toLowerCase() === UNKNOWN_INTENT) return `"${UNKNOWN_INTENT}" is the classifier's own answer`;
  return undefined;
}

export function phraseProblem(phrase: string): string | undefined {
  if (phrase.length === 0) return "the phrase is empty";
  if (phrase.length > MAX_PHRASE_LENGTH) return `the phrase is longer than ${MAX_PHRASE_LENGTH} characters`;
  return undefined;
}

/** Trims and checks rows; the valid ones and every problem, so a client can fix all at once. */
export function checkExamples(
  rows: readonly { intent: string; phrase: string; metadata?: Record<string, unknown> | undefined }[],
  rowNumber: (index: number) => number = (i) => i + 1,
): { examples: ExampleInput[]; problems: ImportProblem[] } {
  const examples: ExampleInput[] = [];
  const problems: ImportProblem[] = [];
  rows.forEach((raw, i) => {
    const intent = raw.intent.trim();
    const phrase = raw.phrase.trim();
    const intentProblem = intentNameProblem(intent);
    const phraseIssue = phraseProblem(phrase);
    if (intentProblem) problems.push({ row: rowNumber(i), field: "intent", message: intentProblem });
    if (phraseIssue) problems.push({ row: rowNumber(i), field: "phrase", message: phraseIssue });
    if (!intentProblem && !phraseIssue) examples.push({ intent, phrase, metadata: raw.metadata });
  });
  return { examples, problems };
}

const PHRASE_COLUMNS = ["phrase", "text"];
const INTENT_COLUMNS = ["intent", "category"];

/**
 * Reads CSV with a header naming the phrase column (`phrase` or `text`) and the intent column
 * (`intent` or `category`), as BANKING77 and similar sets ship. Other columns are ignored.
 */
export function parseCsvExamples(text: string): { examples: ExampleInput[]; problems: ImportProblem[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      bom: true,
    }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return { examples: [], problems: [{ row: line, message: `not valid CSV: ${csvMessage(error)}` }] };
  }
  const [header, ...body] = records;
  if (!header) return { examples: [], problems: [{ row: 1, message: "the CSV is empty" }] };
  const names = header.record.map((name) => name.trim().toLowerCase());
  const phraseAt = names.findIndex((name) => PHRASE_COLUMNS.includes(name));
  const intentAt = names.findIndex((name) => INTENT_COLUMNS.includes(name));
  if (phraseAt < 0 || intentAt < 0) {
    return {
      examples: [],
      problems: [
        {
          row: 1,
          message:
            "the header must name a phrase column (phrase or text) and an intent column (intent or category)",
        },
      ],
    };
  }
  const problems: ImportProblem[] = [];
  const rows: { intent: string; phrase: string }[] = [];
  const lines: number[] = [];
  for (const { record, info } of body) {
    const phrase = record[phraseAt];
    const intent = record[intentAt];
    if (phrase === undefined || intent === undefined) {
      problems.push({ row: info.lines, message: `expected ${names.length} columns, found ${record.length}` });
      continue;
    }
    rows.push({ intent, phrase });
    lines.push(info.lines);
  }
  const checked = checkExamples(rows, (i) => lines[i]!);
  return {
    examples: checked.examples,
    problems: [...problems, ...checked.problems].sort((a, b) => a.row - b.row),
  };
}

/** csv-parse's message without the input it quotes (an upload may hold personal data). */
function csvMessage(error: unknown): string {
  const code = (error as { code?: string }).code;
  return code ? code.toLowerCase().replace(/^csv_/, "").replaceAll("_", " ") : "unreadable";
}
