/**
 * A plain BM25 reference for the retrieval evaluation, computed in memory (no database): the
 * Robertson/Spärck Jones weighting as Lucene and Anserini score it (BEIR's "BM25 flat" baseline):
 *   score(d, q) = Σ_{t ∈ q} idf(t) · tf·(k1 + 1) / (tf + k1·(1 − b + b·|d|/avgdl)),
 *   idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5)),
 * with k1 0.9, b 0.4, the document's title + text, lower-cased, Lucene's English stop words removed
 * and Porter-stemmed. Each query term counts once per occurrence in the query, as in Lucene's BooleanQuery.
 */
import { stemmer } from "stemmer";

/** Lucene's EnglishAnalyzer default stop set (the one Anserini uses). */
const STOP_WORDS = new Set(
  (
    "a an and are as at be but by for if in into is it no not of on or such that the their then there " +
    "these they this to was will with"
  ).split(" "),
);

/** Lower-cased letter/digit runs (Unicode-aware), stop words removed, Porter-stemmed (English words only). */
export function analyze(text: string): string[] {
  const out: string[] = [];
  for (const match of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    const token = match[0];
    if (STOP_WORDS.has(token)) continue;
    out.push(/^[a-z]+$/.test(token) ? stemmer(token) : token);
  }
  return out;
}

export interface Bm25Params {
  k1: number;
  b: number;
}

export const BM25_DEFAULTS: Bm25Params = { k1: 0.9, b: 0.4 };

export interface Bm25Doc {
  id: string;
  title: string;
  text: string;
}

export class Bm25Index {
  private readonly ids: string[] = [];
  private readonly lengths: number[] = [];
  /** term → postings as [doc index, term frequency]. */
  private readonly postings = new Map<string, [number, number][]>();
  private avgdl = 0;

  constructor(
    docs: readonly Bm25Doc[],
    private readonly params: Bm25Params = BM25_DEFAULTS,
  ) {
    let total = 0;
    docs.forEach((doc, index) => {
      const tokens = analyze(doc.title ? `${doc.title} ${doc.text}` : doc.text);
      this.ids.push(doc.id);
      this.lengths.push(tokens.length);
      total += tokens.length;
      const tf = new Map<string, number>();
      for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const [t, f] of tf) {
        let list = this.postings.get(t);
        if (!list) {
          list = [];
          this.postings.set(t, list);
        }
        list.push([index, f]);
      }
    });
    this.avgdl = docs.length > 0 ? total / docs.length : 0;
  }

  get size(): number {
    return this.ids.length;
  }

  idf(term: string): number {
    const df = this.postings.get(term)?.length ?? 0;
    return Math.log(1 + (this.ids.length - df + 0.5) / (df + 0.5));
  }

  /** The top `limit` documents for a query, best first (ties by id), with their scores. */
  search(query: string, limit = 100): { id: string; score: number }[] {
    const { k1, b } = this.params;
    const scores = new Map<number, number>();
    for (const term of analyze(query)) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.idf(term);
      for (const [doc, tf] of list) {
        const norm = k1 * (1 - b + (b * this.lengths[doc]!) / this.avgdl);
        scores.set(doc, (scores.get(doc) ?? 0) + (idf * tf * (k1 + 1)) / (tf + norm));
      }
    }
    return [...scores]
      .map(([doc, score]) => ({ id: this.ids[doc]!, score }))
      .sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
      .slice(0, limit);
  }
}
