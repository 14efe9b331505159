import {
  coverage,
  passageSentences,
  questionTerms,
  stemSet,
} from "../../providers/llm/extractive-sentences.js";
import type { PromptPassage } from "../../providers/llm/passages.js";

/**
 * The relevance gate's judgement of one question against the passages retrieval found (ADR 0017):
 * how much of the question's weight (its content words, each weighted by how rare it is in English)
 * the best passage sentence covers — the sentence's own words in full, its title and heading at half,
 * as the extractive model scores them. Retrieval always returns *something*; this says whether what
 * it returned is about the question at all.
 */
export interface Relevance {
  /** Best coverage of the question's weight by one sentence (with its heading), in [0, 1]. */
  score: number;
  /** Share of the question's weight found anywhere in the passages (words, titles, headings). */
  anywhere: number;
  /** How many content words the question has. */
  terms: number;
  /** The question's informative words no passage contains (stems), rarest first. */
  missing: string[];
  /** Share of the question's weight those missing words carry. */
  missingShare: number;
  /** Best share of the question's weight one passage holds (all its words, its title, word families). */
  passage: number;
  /** `answer`: go on; `off-topic`: nothing retrieved is about the question. */
  decision: "answer" | "off-topic";
}

export interface RelevanceThresholds {
  /** Least best-sentence coverage for a question to be answered at all (the extractive model's own floor). */
  minScore: number;
  /**
   * Question words no passage contains (nor a word of their family): at this share of the question's
   * weight, or one of them this rare (0–1, lib/text/word-rarity.ts), the passages are not about the
   * question — "France" in "What is the capital of France?", "dental" in "What is the dental plan?".
   * A common word or two may be missing: people ask in their own words ("fly" for "flights").
   */
  maxMissingShare: number;
  missingRarity: number;
  /** Below this rarity a missing word is common and does not count towards `maxMissingShare`. */
  commonWord: number;
  /**
   * Every word found, but scattered: when no sentence covers this much of the question and no passage
   * holds `weakPassage` of it, the words belong to different topics ("data protection officer").
   */
  weakScore: number;
  weakPassage: number;
}

/** Calibrated on eval/answers/demo (docs/architecture.md, "Answer quality"). */
export const DEFAULT_RELEVANCE: RelevanceThresholds = {
  minScore: 0.3,
  maxMissingShare: 0.25,
  missingRarity: 0.7,
  commonWord: 0.5,
  weakScore: 0.55,
  weakPassage: 0.8,
};

const MIN_PREFIX = 4;

function prefixesOf(vocabulary: ReadonlySet<string>): Set<string> {
  const prefixes = new Set<string>();
  for (const word of vocabulary) {
    for (let n = MIN_PREFIX; n < word.length; n++) prefixes.add(word.slice(0, n));
  }
  return prefixes;
}

/**
 * Whether a passage vocabulary holds the stem, or a word of the same family: one stem a prefix of the
 * other, at least 4 letters ("leaver" ~ "leav", "forgotten" ~ "forgot", "larg" ~ "larger").
 */
function holds(vocabulary: ReadonlySet<string>, prefixes: ReadonlySet<string>, stem: string): boolean {
  if (vocabulary.has(stem) || prefixes.has(stem)) return true;
  for (let n = stem.length - 1; n >= MIN_PREFIX; n--) if (vocabulary.has(stem.slice(0, n))) return true;
  return false;
}

/**
 * A token of letters and digits is a reference ("case k7x2", "INC-4711", "PO/2291"): it says which case
 * is meant, not what is asked, so it is not weighed against the documents. Plain numbers stay.
 */
function withoutReferences(question: string): string {
  return question.replace(/[\p{L}\p{N}]+(?:[-_/.#][\p{L}\p{N}]+)*/gu, (token) =>
    /\p{L}/u.test(token) && /\p{N}/u.test(token) ? " " : token,
  );
}

/** Judges a question against the turn's passages (best first). */
export function judgeRelevance(
  question: string,
  passages: readonly PromptPassage[],
  thresholds: RelevanceThresholds = DEFAULT_RELEVANCE,
): Relevance {
  const terms = questionTerms(withoutReferences(question));
  if (terms.size === 0 || passages.length === 0) {
    return {
      score: 0,
      anywhere: 0,
      terms: terms.size,
      missing: [],
      missingShare: 1,
      passage: 0,
      decision: "off-topic",
    };
  }
  let score = 0;
  for (const sentence of passageSentences(passages)) {
    score = Math.max(score, coverage(terms, sentence.stems, sentence.context));
  }
  const all = new Set<string>();
  const total = [...terms.values()].reduce((a, b) => a + b, 0);
  let passage = 0;
  for (const p of passages) {
    const vocabulary = stemSet(`${p.title}\n${p.text}`);
    for (const s of vocabulary) all.add(s);
    const prefixes = prefixesOf(vocabulary);
    let held = 0;
    for (const [stem, weight] of terms) if (holds(vocabulary, prefixes, stem)) held += weight;
    passage = Math.max(passage, held / total);
  }
  const anywhere = coverage(terms, all, new Set());
  const prefixes = prefixesOf(all);
  const missing = [...terms]
    .filter(([stem]) => !/^\p{N}+$/u.test(stem) && !holds(all, prefixes, stem))
    .sort((a, b) => b[1] - a[1]);
  // A common word may be missing whatever its share: people ask in their own words ("case", "rules").
  const missingShare =
    missing.filter(([, w]) => w >= thresholds.commonWord).reduce((a, [, w]) => a + w, 0) / total;
  const unmatched =
    missingShare >= thresholds.maxMissingShare || missing.some(([, w]) => w >= thresholds.missingRarity);
  const scattered = score < thresholds.weakScore && passage < thresholds.weakPassage;
  return {
    score: Math.round(score * 1000) / 1000,
    anywhere: Math.round(anywhere * 1000) / 1000,
    terms: terms.size,
    missing: missing.map(([stem, w]) => `${stem}:${w.toFixed(2)}`),
    missingShare: Math.round(missingShare * 1000) / 1000,
    passage: Math.round(passage * 1000) / 1000,
    decision: score >= thresholds.minScore && !unmatched && !scattered ? "answer" : "off-topic",
  };
}

/** What an assistant covers, for its refusal: its knowledge bases, by name and description. */
export interface Scope {
  name: string;
  description: string | null;
}

/** "I can only help with questions about the HR Handbook (Employee handbook: leave, …)." */
export function refusalText(scopes: readonly Scope[]): string {
  const named = scopes.map((s) => (s.description?.trim() ? `${s.name} (${s.description.trim()})` : s.name));
  const list =
    named.length <= 1
      ? (named[0] ?? "its documents")
      : `${named.slice(0, -1).join(", ")} and ${named[named.length - 1]}`;
  return `I can only help with questions about ${list}. I couldn't find anything about that in the documents available to me.`;
}
