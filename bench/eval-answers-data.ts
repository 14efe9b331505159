/**
 * The answer-evaluation dataset format and its scoring (docs/architecture.md, "Answer quality"). A
 * dataset is a folder:
 *   dataset.json      { name, description, documents? } — the knowledge base the assistant answers
 *                     from (its name and description are what a refusal names); `documents` is the
 *                     documents folder, relative to the dataset folder (default `documents`)
 *   questions.jsonl   one item a line:
 *     { "id", "question", "nuggets": [..], "documents": [..] }    answerable
 *     { "id", "question", "unanswerable": true, "kind"? }         must be refused
 *     { "id", "turns": [ <item without id>, … ] }                 a conversation: follow-ups in order
 * Nuggets are facts a correct answer must contain, matched after normalisation (case, Markdown
 * emphasis, thousands separators, currency words and symbols, punctuation and spacing); `documents`
 * are paths under the documents folder.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

export interface Turn {
  question: string;
  nuggets: string[];
  documents: string[];
  unanswerable: boolean;
  kind?: string | undefined;
}

export interface Item {
  id: string;
  turns: Turn[];
}

export interface Dataset {
  name: string;
  description: string;
  documentsDir: string;
  /** Relative path → text. */
  documents: Map<string, string>;
  items: Item[];
}

function turnOf(raw: Record<string, unknown>, where: string): Turn {
  const question = raw.question;
  if (typeof question !== "string" || !question.trim()) throw new Error(`${where}: no question`);
  const unanswerable = raw.unanswerable === true;
  const nuggets = Array.isArray(raw.nuggets) ? raw.nuggets.map(String) : [];
  const documents = Array.isArray(raw.documents) ? raw.documents.map(String) : [];
  if (!unanswerable && nuggets.length === 0)
    throw new Error(`${where}: an answerable question needs nuggets`);
  return {
    question,
    nuggets,
    documents,
    unanswerable,
    kind: typeof raw.kind === "string" ? raw.kind : undefined,
  };
}

export function parseQuestions(text: string): Item[] {
  const items: Item[] = [];
  // Split on \n only: U+2028 inside a JSON string is a character, not a line end.
  for (const [i, line] of text.split("\n").entries()) {
    if (!line.trim()) continue;
    const raw = JSON.parse(line) as Record<string, unknown>;
    const id = typeof raw.id === "string" ? raw.id : `line-${i + 1}`;
    const turns = Array.isArray(raw.turns)
      ? raw.turns.map((t, j) => turnOf(t as Record<string, unknown>, `${id} turn ${j + 1}`))
      : [turnOf(raw, id)];
    if (turns.length === 0) throw new Error(`${id}: no turns`);
    items.push({ id, turns });
  }
  return items;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

export function readDataset(folder: string): Dataset {
  const meta = JSON.parse(readFileSync(join(folder, "dataset.json"), "utf8")) as {
    name?: string;
    description?: string;
    documents?: string;
  };
  const documentsDir = resolve(folder, meta.documents ?? "documents");
  const documents = new Map<string, string>();
  for (const file of listFiles(documentsDir)
    .filter((f) => /\.(md|txt|html?)$/i.test(f))
    .sort()) {
    documents.set(relative(documentsDir, file).split("\\").join("/"), readFileSync(file, "utf8"));
  }
  const items = parseQuestions(readFileSync(join(folder, "questions.jsonl"), "utf8"));
  for (const item of items) {
    for (const turn of item.turns) {
      for (const doc of turn.documents) {
        if (!documents.has(doc)) throw new Error(`${item.id}: unknown document ${doc}`);
      }
    }
  }
  return {
    name: meta.name ?? "Documents",
    description: meta.description ?? "",
    documentsDir,
    documents,
    items,
  };
}

/** Text as nuggets are matched: lower case, no emphasis, numbers joined, currencies as words. */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/\*\*|__|`/g, "")
    .replace(/(\d)[,\u00a0\u202f ](?=\d{3}\b)/g, "$1")
    .replace(/€\s*/g, " eur ")
    .replace(/\beuros?\b/g, " eur ")
    .replace(/[–—]/g, "-")
    .replace(/[^\p{L}\p{N}%.+-]+/gu, " ")
    .replace(/(?<!\d)\.|\.(?!\d)/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

export function containsNugget(text: string, nugget: string): boolean {
  const hay = ` ${normalise(text)} `;
  const needle = normalise(nugget);
  return needle.length > 0 && hay.includes(` ${needle} `);
}

/** Phrases by which an answer declines: the gate's and the extractive model's, and the usual LLM ones. */
const REFUSALS = [
  /\bI can only help with\b/i,
  /\bI couldn'?t find anything\b/i,
  /\b(?:do|does) not (?:contain|answer|mention|cover|say)\b/i,
  /\bno (?:information|passage)/i,
  /\bnot (?:in|covered by) the (?:documents|passages)\b/i,
  /\bI (?:don'?t|do not) know\b/i,
];

export function isRefusal(answer: string): boolean {
  // The extractive model's quotes open with its lead; what follows is document text, not a refusal.
  if (answer.startsWith("From the documents:")) return false;
  return REFUSALS.some((r) => r.test(answer));
}

/**
 * The citation a nugget carries: the markers of the answer sentence it appears in (a quoted sentence
 * ends with its `[n]`). Empty when the sentence cites nothing.
 */
export function citationsForNugget(answer: string, nugget: string): number[] {
  const pieces = answer.split(/(?<=\]\.?|[.!?])\s+|\n+/);
  for (const piece of pieces) {
    if (!containsNugget(piece, nugget)) continue;
    return [...piece.matchAll(/\[(\d{1,3})\]/g)].map((m) => Number(m[1]));
  }
  return [];
}

export interface TurnScore {
  refused: boolean;
  nuggetsFound: number;
  nuggetsTotal: number;
  /** Nuggets found whose citation was checked, and how many of those named a passage containing them. */
  citationsChecked: number;
  citationsCorrect: number;
  documentsFound: number;
  documentsTotal: number;
}

/**
 * Scores one answer. `passages` maps each cited label to its passage's text and document path. A
 * nugget's citation is correct when one of the passages its sentence cites contains the nugget.
 */
export function scoreTurn(
  turn: Turn,
  answer: string,
  passages: ReadonlyMap<number, { text: string; document: string }>,
): TurnScore {
  const refused = isRefusal(answer);
  let nuggetsFound = 0;
  let citationsChecked = 0;
  let citationsCorrect = 0;
  if (!turn.unanswerable) {
    for (const nugget of turn.nuggets) {
      if (!containsNugget(answer, nugget)) continue;
      nuggetsFound += 1;
      citationsChecked += 1;
      const labels = citationsForNugget(answer, nugget);
      if (labels.some((l) => containsNugget(passages.get(l)?.text ?? "", nugget))) citationsCorrect += 1;
    }
  }
  const cited = new Set([...passages.values()].map((p) => p.document));
  const documentsFound = turn.documents.filter((d) => cited.has(d)).length;
  return {
    refused,
    nuggetsFound,
    nuggetsTotal: turn.unanswerable ? 0 : turn.nuggets.length,
    citationsChecked,
    citationsCorrect,
    documentsFound,
    documentsTotal: turn.unanswerable ? 0 : turn.documents.length,
  };
}

/** A deterministic sample of `n` items (every item when n is undefined or not smaller). */
export function sampleItems(items: readonly Item[], n: number | undefined, seed = 1): Item[] {
  if (n === undefined || n >= items.length) return [...items];
  let state = seed >>> 0 || 1;
  const random = () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
  const shuffled = [...items];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  return shuffled.slice(0, n);
}
