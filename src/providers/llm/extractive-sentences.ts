import { isContentWord, stem, words } from "../embeddings/text-features.js";
import { wordRarity } from "../embeddings/word-rarity.js";
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
}

/** Stems a question is made of, each weighted by how rare (informative) its word is. */
export type QuestionTerms = ReadonlyMap<string, number>;

// Words that frame a request rather than name its topic ("can you tell me about …").
const REQUEST_WORDS = new Set(
  "tell explain describe know please find show give need want help question answer hi hello hey thanks thank say let".split(
    " ",
  ),
);

const MIN_WORDS = 4;
const MAX_SENTENCE_CHARS = 360;

export function questionTerms(question: string): QuestionTerms {
  const terms = new Map<string, number>();
  for (const word of words(question)) {
    if (!isContentWord(word) || REQUEST_WORDS.has(word)) continue;
    const key = stem(word);
    // A floor keeps very common words from vanishing entirely when they are all a question has.
    terms.set(key, Math.max(terms.get(key) ?? 0, wordRarity(word), 0.05));
  }
  return terms;
}

export function stemSet(text: string): Set<string> {
  const out = new Set<string>();
  for (const word of words(text)) if (isContentWord(word)) out.add(stem(word));
  return out;
}

/** Markdown furniture that reads badly inside a quoted sentence. */
function cleanLine(line: string): string {
  let text = line.trim();
  if (text.startsWith("|")) {
    // A table row: keep its cells, drop separator rows.
    if (/^\|[\s|:-]*\|?$/.test(text)) return "";
    text = text
      .split("|")
      .map((cell) => cell.trim())
      .filter(Boolean)
      .join(", ");
  }
  return text
    .replace(/^(#{1,6}\s+|[-*+•]\s+|\d{1,3}[.)]\s+|>\s*)/, "")
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

/** Sentences of a text: lines first, then sentence ends followed by a capital, digit or quote. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\n+/)) {
    const cleaned = cleanLine(line);
    if (!cleaned) continue;
    for (const piece of cleaned.split(/(?<=[.!?])\s+(?=["'“([]?[\p{Lu}\p{N}])/u)) {
      const sentence = piece.trim();
      if (words(sentence).length >= MIN_WORDS) out.push(bounded(sentence));
    }
  }
  return out;
}

export function passageSentences(passages: readonly PromptPassage[]): PassageSentence[] {
  const out: PassageSentence[] = [];
  passages.forEach((passage, passageIndex) => {
    splitSentences(passage.text).forEach((text, position) => {
      out.push({ label: passage.label, passageIndex, position, text, stems: stemSet(text) });
    });
  });
  return out;
}

/**
 * Share of the question's weight a sentence covers, in [0, 1]. Terms found only in the passage's title
 * count half: "25 days per year" under the title "Vacation policy" does answer a vacation question.
 * Zero when the sentence itself matches nothing.
 */
export function coverage(
  terms: QuestionTerms,
  sentence: ReadonlySet<string>,
  title: ReadonlySet<string>,
): number {
  let total = 0;
  let own = 0;
  let fromTitle = 0;
  for (const [term, weight] of terms) {
    total += weight;
    if (sentence.has(term)) own += weight;
    else if (title.has(term)) fromTitle += weight / 2;
  }
  if (total === 0 || own === 0) return 0;
  return (own + fromTitle) / total;
}

/** Jaccard similarity of two stem sets. */
export function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const term of a) if (b.has(term)) shared += 1;
  return shared / (a.size + b.size - shared);
}
