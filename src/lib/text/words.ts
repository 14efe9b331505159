import { stemmer } from "stemmer";

/**
 * English stop words (the Snowball list PostgreSQL's `english` configuration uses, plus a few
 * contractions). They carry no topic, so the lexical embedder and the question heuristic ignore them.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
  herself it its itself they them their theirs themselves what which who whom this that these those am is are
  was were be been being have has had having do does did doing a an the and but if or because as until while
  of at by for with about against between into through during before after above below to from up down in out
  on off over under again further then once here there when where why how all any both each few more most
  other some such no nor not only own same so than too very s t can will just don should now d ll m o re ve y
  ain aren couldn didn doesn hadn hasn haven isn ma mightn mustn needn shan shouldn wasn weren won wouldn also
  could would may might must shall us via per`.split(/\s+/),
);

/** Lower-cased words as written (diacritics kept); letters and digits only (hyphens and dots split words). */
export function plainWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Lower-cased words with diacritics removed; letters and digits only (hyphens and dots split words). */
export function words(text: string): string[] {
  return plainWords(text.normalize("NFKD").replace(/\p{M}+/gu, ""));
}

const stemCache = new Map<string, string>();

/** Porter stem, memoised (stemming dominates the cost of the hash embedder otherwise). */
export function stem(word: string): string {
  let stemmed = stemCache.get(word);
  if (stemmed === undefined) {
    stemmed = /^\p{N}+$/u.test(word) ? word : stemmer(word);
    if (stemCache.size > 200_000) stemCache.clear();
    stemCache.set(word, stemmed);
  }
  return stemmed;
}

/** A token that carries meaning: not a stop word, not a lone character. */
export function isContentWord(word: string): boolean {
  return word.length > 1 && !STOP_WORDS.has(word);
}

/** The stems of a text's content words, in order. */
export function contentStems(text: string): string[] {
  const out: string[] = [];
  for (const word of words(text)) if (isContentWord(word)) out.push(stem(word));
  return out;
}
