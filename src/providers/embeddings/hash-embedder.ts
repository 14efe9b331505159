import { wordRarity } from "../../lib/text/word-rarity.js";
import { isContentWord, stem, words } from "../../lib/text/words.js";
import { type Embedder, type EmbeddingPurpose, normalize } from "./embedder.js";

/** Feature weights of the lexical hash embedding; the defaults were tuned on SciFact's train split. */
export interface HashEmbedderOptions {
  dimensions: number;
  /** Weight of a content-word stem. */
  unigram: number;
  /** Weight of two consecutive content stems (captures phrases like "white matter"). */
  bigram: number;
  /** Total weight of one word's character n-grams (spread over them; catches morphology and typos). */
  charGrams: number;
  /** Character n-gram lengths, taken from the word framed as `#word#`. */
  charGramSizes: readonly number[];
  /** Words shorter than this get proportionally less weight (short words are usually common ones). */
  fullWeightLength: number;
  /** Exponent on the general-English rarity prior (0 turns it off); see word-rarity.ts. */
  rarityPower: number;
  /** Slots each word stem is hashed into (its weight split between them: fewer harmful collisions). */
  probes: number;
}

export const HASH_EMBEDDER_DEFAULTS: HashEmbedderOptions = {
  dimensions: 384,
  unigram: 1,
  bigram: 0.2,
  charGrams: 2,
  charGramSizes: [4],
  fullWeightLength: 1,
  rarityPower: 1,
  probes: 1,
};

/** FNV-1a over UTF-16 code units, with a seed so the type of a feature changes its slot. */
function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Final avalanche (murmur3 fmix) so low bits (slot) and the top bit (sign) are independent.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const UNIGRAM = 1;
const BIGRAM = 2;
const CHARGRAM = 3;

/**
 * The offline default embedder: a deterministic *lexical* embedding. Word stems, stem bigrams and
 * character n-grams are counted, weighted (sublinear term frequency, feature-type weights, a length
 * prior standing in for rarity), hashed into `dimensions` signed slots and L2-normalised. It knows no
 * synonyms: it finds texts that share words with the query, which is why hybrid search pairs it with
 * full text. No corpus statistics, so it needs no training and embeds each text independently.
 */
export class HashEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions: number;
  private readonly options: HashEmbedderOptions;

  constructor(options: Partial<HashEmbedderOptions> = {}) {
    this.options = { ...HASH_EMBEDDER_DEFAULTS, ...options };
    this.dimensions = this.options.dimensions;
    this.model = `hash-${this.dimensions}`;
  }

  async embed(texts: string[], _purpose: EmbeddingPurpose): Promise<number[][]> {
    return texts.map((text) => this.embedOne(text));
  }

  embedOne(text: string): number[] {
    const o = this.options;
    const counts = new Map<string, { kind: number; tf: number; weight: number }>();
    const add = (key: string, kind: number, weight: number) => {
      const entry = counts.get(key);
      if (entry) {
        entry.tf++;
        entry.weight += weight;
      } else counts.set(key, { kind, tf: 1, weight });
    };
    let previous: string | undefined;
    for (const word of words(text)) {
      if (!isContentWord(word)) {
        previous = undefined;
        continue;
      }
      const stemmed = stem(word);
      const prior =
        Math.min(1, word.length / o.fullWeightLength) *
        (o.rarityPower > 0 ? wordRarity(word) ** o.rarityPower : 1);
      add(stemmed, UNIGRAM, o.unigram * prior);
      if (previous !== undefined && o.bigram > 0) add(`${previous} ${stemmed}`, BIGRAM, o.bigram);
      previous = stemmed;
      if (o.charGrams > 0) this.addCharGrams(word, prior, add);
    }
    const vector = new Array<number>(this.dimensions).fill(0);
    const probeScale = 1 / Math.sqrt(o.probes);
    for (const [key, { kind, tf, weight }] of counts) {
      // Sublinear tf: the mean weight of the occurrences times 1 + ln(tf).
      const value = (weight / tf) * (1 + Math.log(tf));
      const probes = kind === UNIGRAM ? o.probes : 1;
      for (let p = 0; p < probes; p++) {
        const h = hash32(key, kind + 16 * p);
        const sign = h & 0x8000_0000 ? -1 : 1;
        vector[h % this.dimensions]! += sign * value * (probes > 1 ? probeScale : 1);
      }
    }
    return normalize(vector);
  }

  private addCharGrams(
    word: string,
    prior: number,
    add: (key: string, kind: number, weight: number) => void,
  ) {
    const framed = `#${word}#`;
    const grams: string[] = [];
    for (const n of this.options.charGramSizes) {
      for (let i = 0; i + n <= framed.length; i++) grams.push(framed.slice(i, i + n));
    }
    if (grams.length === 0) return;
    const weight = (this.options.charGrams * prior) / Math.sqrt(grams.length);
    for (const gram of grams) add(gram, CHARGRAM, weight);
  }
}
