import { STOP_WORDS, stem, words } from "../../../lib/text/words.js";

/** A sparse vector: feature indexes (ascending is not required) and their values. */
export interface SparseVector {
  readonly index: Int32Array;
  readonly value: Float32Array;
}

/** Which lexical features a phrase contributes, and how much each kind weighs. */
export interface FeatureOptions {
  /** Weight of word stems (stop words included: "how do I" and "why did" tell intents apart). */
  unigram: number;
  /** Weight of consecutive stem pairs. */
  bigram: number;
  /** Weight of character n-grams of each word framed as `#word#` (typos, morphology, compounds). */
  charGrams: number;
  charGramSizes: readonly number[];
  /** Drop features seen in fewer training phrases than this (noise, and memory per namespace). */
  minDf: number;
}

export const FEATURE_DEFAULTS: FeatureOptions = {
  unigram: 1,
  bigram: 0.8,
  charGrams: 0.8,
  charGramSizes: [3, 5],
  minDf: 1,
};

const GROUPS = 3;
const UNIGRAM = 0;
const BIGRAM = 1;
const CHARGRAM = 2;

/** The raw features of one text, by group: key → term frequency. */
function rawFeatures(text: string, options: FeatureOptions): Map<string, number>[] {
  const groups = Array.from({ length: GROUPS }, () => new Map<string, number>());
  // Keys carry their group's mark, so one vocabulary holds every group without collisions.
  const add = (group: number, key: string) => {
    const map = groups[group]!;
    map.set(key, (map.get(key) ?? 0) + 1);
  };
  let previous = "^";
  for (const word of words(text)) {
    const stemmed = stem(word);
    if (options.unigram > 0) add(UNIGRAM, `w ${stemmed}`);
    if (options.bigram > 0) add(BIGRAM, `b ${previous} ${stemmed}`);
    previous = stemmed;
    // Stop words' character grams only repeat their unigram.
    if (options.charGrams > 0 && !STOP_WORDS.has(word)) {
      const framed = `#${word}#`;
      for (const n of options.charGramSizes) {
        for (let i = 0; i + n <= framed.length; i++) add(CHARGRAM, `c ${framed.slice(i, i + n)}`);
      }
    }
  }
  return groups;
}

function groupWeight(options: FeatureOptions, group: number): number {
  return group === UNIGRAM ? options.unigram : group === BIGRAM ? options.bigram : options.charGrams;
}

/**
 * TF-IDF over the training phrases' vocabulary: sublinear term frequency, smoothed IDF, each feature
 * group L2-normalised and scaled by its weight, the whole vector normalised again. Features unseen in
 * training are dropped at classification time.
 */
export class Vectorizer {
  private constructor(
    private readonly options: FeatureOptions,
    private readonly vocabulary: Map<string, number>,
    private readonly idf: Float32Array,
  ) {}

  get size(): number {
    return this.idf.length;
  }

  /** Learns the vocabulary and IDF of `texts` and returns their vectors (features extracted once). */
  static fit(
    texts: readonly string[],
    options: FeatureOptions = FEATURE_DEFAULTS,
  ): { vectorizer: Vectorizer; vectors: SparseVector[] } {
    const raw = texts.map((text) => rawFeatures(text, options));
    const df = new Map<string, number>();
    for (const groups of raw) {
      for (const group of groups) for (const key of group.keys()) df.set(key, (df.get(key) ?? 0) + 1);
    }
    const vocabulary = new Map<string, number>();
    const idfs: number[] = [];
    for (const [key, count] of df) {
      if (count < options.minDf) continue;
      vocabulary.set(key, idfs.length);
      idfs.push(Math.log((1 + texts.length) / (1 + count)) + 1);
    }
    const vectorizer = new Vectorizer(options, vocabulary, Float32Array.from(idfs));
    return { vectorizer, vectors: raw.map((groups) => vectorizer.vectorOf(groups)) };
  }

  transform(text: string): SparseVector {
    return this.vectorOf(rawFeatures(text, this.options));
  }

  private vectorOf(groups: Map<string, number>[]): SparseVector {
    const index: number[] = [];
    const value: number[] = [];
    let total = 0;
    for (let g = 0; g < GROUPS; g++) {
      const start = index.length;
      let norm = 0;
      for (const [key, tf] of groups[g]!) {
        const i = this.vocabulary.get(key);
        if (i === undefined) continue;
        const v = (1 + Math.log(tf)) * this.idf[i]!;
        index.push(i);
        value.push(v);
        norm += v * v;
      }
      if (norm === 0) continue;
      const scale = groupWeight(this.options, g) / Math.sqrt(norm);
      for (let j = start; j < value.length; j++) {
        value[j] = value[j]! * scale;
        total += value[j]! * value[j]!;
      }
    }
    const scale = total > 0 ? 1 / Math.sqrt(total) : 0;
    return { index: Int32Array.from(index), value: Float32Array.from(value, (v) => v * scale) };
  }
}
