import { wordRarity } from "../../lib/text/word-rarity.js";
import { isContentWord, stem, words } from "../../lib/text/words.js";
import type { PromptPassage } from "./passages.js";

/** One sentence of a passage, with what the scorer needs. */
export interface PassageSentence {
  /** The passage's citation label. */
  label: number;
  /** Order of the passage in the prompt (retrieval rank). */
  passageIndex: number;
  /** Order of the sentence inside its passage. */
  position: number;
  text: string;
  stems: ReadonlySet<string>;
  /** Stems of the passage title and of the heading above the sentence. */
  context: ReadonlySet<string>;
}

/** Stems a question is made of, each weighted by how rare (informative) its word is. */
export type QuestionTerms = ReadonlyMap<string, number>;

// Words that frame a request rather than name its topic ("can you tell me about …").
const REQUEST_WORDS = new Set(
  "tell explain describe know please find show give need want help question answer hi hello hey thanks thank say let many much get".split(
    " ",
  ),
);

const MIN_WORDS = 4;
const MAX_SENTENCE_CHARS = 360;

/** "10,000" and "10 000" are one number, however a document or a question writes it. */
function joinedNumbers(text: string): string {
  return text.replace(/(\d)[,\u00a0\u202f ](?=\d{3}\b)/g, "$1");
}

/**
 * A currency is one word however it is written: "€130", "130 EUR" and "130 euros" all say "eur", so a
 * question in words finds an amount written with a symbol (and the other way round).
 */
const CURRENCIES: readonly [RegExp, string][] = [
  [/€|\beuros?\b/giu, " eur "],
  [/\$|\b(?:us )?dollars?\b/giu, " usd "],
  [/£|\bpounds? sterling\b/giu, " gbp "],
];

function currencyWords(text: string): string {
  let out = text;
  for (const [pattern, word] of CURRENCIES) out = out.replace(pattern, word);
  return out;
}

/** Text as the scorer reads it: numbers joined, currencies named. */
const normalised = (text: string) => joinedNumbers(currencyWords(text));

export function questionTerms(question: string): QuestionTerms {
  const terms = new Map<string, number>();
  for (const word of words(normalised(question))) {
    if (!isContentWord(word) || REQUEST_WORDS.has(word)) continue;
    const key = stem(word);
    // A floor keeps very common words from vanishing entirely when they are all a question has;
    // numbers weigh less because documents write them in many ways (10000, 10,000, 10k).
    const weight = /^\p{N}+$/u.test(word) ? 0.3 : Math.max(wordRarity(word), 0.05);
    terms.set(key, Math.max(terms.get(key) ?? 0, weight));
  }
  return terms;
}

export function stemSet(text: string): Set<string> {
  const out = new Set<string>();
  for (const word of words(normalised(text))) if (isContentWord(word)) out.add(stem(word));
  return out;
}

/** Markdown emphasis and list furniture that reads badly inside a quoted sentence. */
function cleanLine(line: string): string {
  return line
    .trim()
    .replace(/^([-*+•]\s+|\d{1,3}[.)]\s+|>\s*)/, "")
    .replace(/\*\*|__|`/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** Shortens at a word boundary; the ellipsis shows the quote is cut. */
function bounded(text: string): string {
  if (text.length <= MAX_SENTENCE_CHARS) return text;
  const cut = text.slice(0, MAX_SENTENCE_CHARS);
  const space = cut.lastIndexOf(" ");
  return `${(space > MAX_SENTENCE_CHARS / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, "")}…`;
}

/** Sentences of one line of prose: split at sentence ends followed by a capital, digit or quote. */
function lineSentences(line: string): string[] {
  return line
    .split(/(?<=[.!?])\s+(?=["'“([]?[\p{Lu}\p{N}])/u)
    .map((piece) => piece.trim())
    .filter((sentence) => words(sentence).length >= MIN_WORDS);
}

/** Sentences of a text (lines first, then sentence ends); Markdown furniture removed. */
export function splitSentences(text: string): string[] {
  return text.split(/\n+/).flatMap((line) => lineSentences(cleanLine(line)).map(bounded));
}

/** A Markdown heading, or the heading path ("Handbook › Leave › Entitlement") chunking puts first. */
const HEADING = /^\s*(?:#{1,6}\s+(.*)|(.*\S\s›\s\S.*))$/;
const cells = (row: string) =>
  row
    .trim()
    .replace(/^\||\|$/g, "")
    .split("|")
    .map((cell) => cleanLine(cell));
const isSeparatorRow = (row: string) => /^\s*\|[\s|:-]*\|?\s*$/.test(row);

interface Unit {
  text: string;
  stems: Set<string>;
}

/**
 * A table as quotable rows: "Location: Domestic; Maximum per night: €130". A row's own words are its
 * cells, its header and the line that introduced the table ("Hotels are booked … up to these rates:"),
 * which is what the row means on its own.
 */
function tableRows(rows: string[], intro: string): Unit[] {
  const hasHeader = rows.length > 1 && isSeparatorRow(rows[1] ?? "");
  const header = hasHeader ? cells(rows[0] ?? "") : [];
  const body = (hasHeader ? rows.slice(2) : rows).filter((row) => !isSeparatorRow(row));
  return body.flatMap((row) => {
    const values = cells(row);
    const text = values
      .map((value, i) => (header[i] && value ? `${header[i]}: ${value}` : value))
      .filter(Boolean)
      .join("; ");
    if (!text) return [];
    return [{ text: bounded(text), stems: stemSet(`${text} ${intro}`) }];
  });
}

/**
 * The quotable sentences of a passage, each with its context: the passage title and the heading it
 * sits under. Headings and questions (FAQ entries) are context, never quoted as answers.
 */
export function passageSentences(passages: readonly PromptPassage[]): PassageSentence[] {
  const out: PassageSentence[] = [];
  passages.forEach((passage, passageIndex) => {
    const title = stemSet(passage.title);
    let context: ReadonlySet<string> = title;
    let previous = "";
    let position = 0;
    const push = (unit: Unit) => {
      out.push({ label: passage.label, passageIndex, position: position++, ...unit, context });
    };
    const lines = passage.text.split(/\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? "";
      const heading = HEADING.exec(line);
      if (heading) {
        context = new Set([...title, ...stemSet(heading[1] ?? heading[2] ?? "")]);
        continue;
      }
      if (line.trim().startsWith("|")) {
        const rows: string[] = [];
        while (i < lines.length && (lines[i] ?? "").trim().startsWith("|")) rows.push(lines[i++] ?? "");
        i -= 1;
        for (const row of tableRows(rows, previous)) push(row);
        continue;
      }
      for (const sentence of lineSentences(cleanLine(line))) {
        previous = sentence;
        if (sentence.endsWith("?")) continue;
        const text = bounded(sentence);
        push({ text, stems: stemSet(text) });
      }
    }
  });
  return out;
}

/**
 * Share of the question's weight a sentence covers, in [0, 1]. Terms found only in the sentence's
 * context (passage title, heading) count half: "25 days per year" under the heading "Vacation" does
 * answer a vacation question, and the lines under an FAQ heading answer its question.
 */
export function coverage(
  terms: QuestionTerms,
  sentence: ReadonlySet<string>,
  context: ReadonlySet<string>,
): number {
  let total = 0;
  let own = 0;
  let fromContext = 0;
  for (const [term, weight] of terms) {
    total += weight;
    if (sentence.has(term)) own += weight;
    else if (context.has(term)) fromContext += weight / 2;
  }
  if (total === 0) return 0;
  return (own + fromContext) / total;
}

/** Jaccard similarity of two stem sets. */
export function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const term of a) if (b.has(term)) shared += 1;
  return shared / (a.size + b.size - shared);
}
