import {
  coverage,
  overlap,
  type PassageSentence,
  passageSentences,
  questionTerms,
} from "./extractive-sentences.js";
import type { PromptPassage } from "./passages.js";

export const EXTRACTIVE_LEAD = "From the documents:";
export const NOTHING_FOUND = "I couldn't find anything about that in the documents available to me.";

export interface ExtractiveOptions {
  /** Most sentences quoted in one answer. */
  maxSentences: number;
  /** Rough length budget of the quoted sentences (the first one is always kept). */
  maxChars: number;
  /** Least share of the question's weight a sentence must cover to count as relevant. */
  minCoverage: number;
  /** Sentences sharing this much of their vocabulary with a chosen one are near-duplicates. */
  duplicateOverlap: number;
}

export const DEFAULT_EXTRACTIVE_OPTIONS: ExtractiveOptions = {
  maxSentences: 4,
  maxChars: 900,
  minCoverage: 0.3,
  duplicateOverlap: 0.7,
};

export interface ExtractiveAnswer {
  text: string;
  /** Whether anything relevant was found (false: the answer is the plain "nothing found" statement). */
  found: boolean;
  /** Labels cited, in order of appearance. */
  cited: number[];
}

interface Scored {
  sentence: PassageSentence;
  score: number;
}

function rank(question: string, passages: readonly PromptPassage[], minCoverage: number): Scored[] {
  const terms = questionTerms(question);
  if (terms.size === 0) return [];
  const scored: Scored[] = [];
  for (const sentence of passageSentences(passages)) {
    // A mild prior for the retrieval order: passages come best first, and ranking saw more than words.
    const prior = 1 - Math.min(0.2, 0.02 * sentence.passageIndex);
    const score = coverage(terms, sentence.stems, sentence.context) * prior;
    if (score >= minCoverage) scored.push({ sentence, score });
  }
  // Ties go to the better-ranked passage, then to the earlier sentence.
  return scored.sort(
    (a, b) =>
      b.score - a.score ||
      a.sentence.passageIndex - b.sentence.passageIndex ||
      a.sentence.position - b.sentence.position,
  );
}

/** The best sentences, within budget, without near-duplicates and without weak tag-alongs. */
function select(ranked: readonly Scored[], options: ExtractiveOptions): Scored[] {
  const best = ranked[0]?.score ?? 0;
  const chosen: Scored[] = [];
  let chars = 0;
  for (const candidate of ranked) {
    if (chosen.length >= options.maxSentences) break;
    if (candidate.score < best / 2) break;
    if (chosen.length > 0 && chars + candidate.sentence.text.length > options.maxChars) continue;
    const duplicate = chosen.some(
      (c) =>
        overlap(c.sentence.stems, candidate.sentence.stems) >= options.duplicateOverlap ||
        c.sentence.text.includes(candidate.sentence.text) ||
        candidate.sentence.text.includes(c.sentence.text),
    );
    if (duplicate) continue;
    chosen.push(candidate);
    chars += candidate.sentence.text.length;
  }
  return chosen;
}

/** Passages in order of their best chosen sentence; sentences in document order within a passage. */
function arrange(chosen: readonly Scored[]): PassageSentence[][] {
  const groups = new Map<number, Scored[]>();
  for (const item of chosen) {
    const group = groups.get(item.sentence.passageIndex) ?? [];
    group.push(item);
    groups.set(item.sentence.passageIndex, group);
  }
  return [...groups.values()].map((group) =>
    group.map((g) => g.sentence).sort((a, b) => a.position - b.position),
  );
}

/** "… per year." → "… per year [2]."; a table row or list item gets its full stop too. */
export function cite(sentence: string, label: number): string {
  const end = /([.!?…]+["'”)]?)$/.exec(sentence);
  if (!end) return `${sentence.replace(/[\s,;:]+$/, "")} [${label}].`;
  return `${sentence.slice(0, end.index).trimEnd()} [${label}]${end[1]}`;
}

/**
 * Answers a question by quoting the passages' most relevant sentences, each cited with its passage's
 * label. Nothing is generated: every sentence after the lead is copied from a passage.
 */
export function extractiveAnswer(
  question: string,
  passages: readonly PromptPassage[],
  options: Partial<ExtractiveOptions> = {},
): ExtractiveAnswer {
  const resolved = { ...DEFAULT_EXTRACTIVE_OPTIONS, ...options };
  const chosen = select(rank(question, passages, resolved.minCoverage), resolved);
  if (chosen.length === 0) return { text: NOTHING_FOUND, found: false, cited: [] };
  const groups = arrange(chosen);
  const paragraphs = groups.map((group) => group.map((s) => cite(s.text, s.label)).join(" "));
  const cited: number[] = [];
  for (const group of groups) {
    for (const s of group) if (!cited.includes(s.label)) cited.push(s.label);
  }
  return { text: `${EXTRACTIVE_LEAD}\n\n${paragraphs.join("\n\n")}`, found: true, cited };
}
