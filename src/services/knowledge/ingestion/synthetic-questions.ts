import { contentStems, isContentWord, words } from "../../../lib/text/words.js";

export interface QuestionSource {
  content: string;
  headingPath?: string[] | undefined;
  /** The document's title. */
  title?: string | undefined;
}

/**
 * Writes questions a chunk answers (seed 000 ChunkQuestion). They are embedded into `chunk_questions`
 * and searched as a separate retrieval path, so a user's question can match a question even when its
 * words differ from the passage. An LLM-backed generator plugs in here once an LLM provider is set.
 */
export interface QuestionGenerator {
  readonly name: string;
  generate(chunk: QuestionSource, max: number): Promise<string[]>;
}

const HOW_TO = /^(how to|how do i|how can i)\s+/i;
const IMPERATIVE =
  /^(add|apply|ask|book|call|cancel|change|check|choose|click|complete|configure|connect|contact|create|delete|download|email|enable|enter|fill|find|follow|get|go|install|log|make|open|pay|print|register|remove|report|request|reset|return|run|select|send|set|sign|submit|update|upload|use|visit|write)\b/i;
const DEFINITION =
  /^(?:(?:the|a|an)\s+)?([\p{L}\p{N}][\p{L}\p{N} \-/]{1,60}?)\s+(?:is|are|means|refers to)\s+/iu;

function clean(text: string): string {
  return text
    .replace(/^#+\s*/, "")
    .replace(/[*_`]+/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[.:;,!]+$/, "");
}

function fromHeading(heading: string): string | undefined {
  const h = clean(heading);
  if (h.length < 3) return undefined;
  if (h.endsWith("?")) return h;
  const howTo = HOW_TO.exec(h);
  if (howTo) return `How do I ${h.slice(howTo[0].length)}?`;
  if (IMPERATIVE.test(h)) return `How do I ${h[0]!.toLowerCase()}${h.slice(1)}?`;
  return `What is ${h}?`;
}

function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map(clean)
    .filter((s) => s.length >= 20 && s.length <= 300 && !s.startsWith("|"));
}

/** The sentence whose content words recur most in the chunk (a cheap centrality score). */
function keySentence(text: string): string | undefined {
  const all = sentences(text);
  const frequency = new Map<string, number>();
  for (const s of contentStems(text)) frequency.set(s, (frequency.get(s) ?? 0) + 1);
  let best: string | undefined;
  let bestScore = 0;
  for (const sentence of all) {
    const stems = contentStems(sentence);
    if (stems.length < 3) continue;
    const score =
      stems.reduce((sum, s) => sum + Math.log(1 + (frequency.get(s) ?? 0)), 0) / Math.sqrt(stems.length);
    if (score > bestScore) [best, bestScore] = [sentence, score];
  }
  return best;
}

function fromSentence(sentence: string): string | undefined {
  if (IMPERATIVE.test(sentence)) return `How do I ${sentence[0]!.toLowerCase()}${sentence.slice(1)}?`;
  const definition = DEFINITION.exec(sentence);
  if (definition && definition[1]!.split(" ").length <= 6) return `What is ${definition[1]!.trim()}?`;
  const subject = words(sentence).filter(isContentWord).slice(0, 8).join(" ");
  return subject ? `What about ${subject}?` : undefined;
}

/** The two most frequent content words, as a topic question. */
function fromKeywords(text: string, title: string | undefined): string | undefined {
  const frequency = new Map<string, number>();
  for (const w of words(text))
    if (isContentWord(w) && w.length > 3) frequency.set(w, (frequency.get(w) ?? 0) + 1);
  const top = [...frequency.entries()]
    .filter(([, n]) => n > 1)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 2)
    .map(([w]) => w);
  if (top.length === 0) return undefined;
  return title
    ? `What does ${clean(title)} say about ${top.join(" and ")}?`
    : `What about ${top.join(" and ")}?`;
}

/**
 * The offline generator: no model, deterministic. Up to three questions per chunk, in this order:
 * 1. from the nearest heading ("What is <heading>?", or "How do I …?" for task headings);
 * 2. from the key sentence (the one whose words recur most): a definition "X is …" gives
 *    "What is X?", an instruction "Submit the form …" gives "How do I submit the form …?";
 * 3. from the two most frequent content words ("What does <title> say about a and b?").
 * Duplicates (case-insensitive) are dropped.
 */
export class HeuristicQuestionGenerator implements QuestionGenerator {
  readonly name = "heuristic";

  async generate(chunk: QuestionSource, max = 3): Promise<string[]> {
    const heading = chunk.headingPath?.at(-1) ?? chunk.title;
    const key = keySentence(chunk.content);
    const candidates = [
      heading ? fromHeading(heading) : undefined,
      key ? fromSentence(key) : undefined,
      fromKeywords(chunk.content, chunk.title),
    ];
    const seen = new Set<string>();
    const out: string[] = [];
    for (const q of candidates) {
      if (!q || seen.has(q.toLowerCase())) continue;
      seen.add(q.toLowerCase());
      out.push(q);
      if (out.length >= Math.max(1, Math.min(3, max))) break;
    }
    return out;
  }
}
