import { createHash } from "node:crypto";
import { plainWords } from "../../../lib/text/words.js";

/** One ranked list from one retrieval path; ids in rank order (best first). */
export interface RankedList {
  path: string;
  ids: readonly string[];
  /** Multiplies this path's RRF contribution (default 1). */
  weight?: number;
}

export interface FusedItem {
  id: string;
  score: number;
  /** 1-based rank of the id in each path that returned it. */
  ranks: Record<string, number>;
}

/**
 * Weighted reciprocal rank fusion (Cormack et al. 2009): score(d) = Σ_path w_path / (k + rank_path(d)).
 * Ranks, not scores, are combined, so paths with incomparable scores (cosine, ts_rank_cd) mix fairly.
 * Ties are broken by the best single rank, then by id, so the order is deterministic.
 */
export function reciprocalRankFusion(lists: readonly RankedList[], k = 60): FusedItem[] {
  const items = new Map<string, FusedItem & { best: number }>();
  for (const list of lists) {
    const weight = list.weight ?? 1;
    if (weight <= 0) continue;
    list.ids.forEach((id, index) => {
      const rank = index + 1;
      let item = items.get(id);
      if (!item) {
        item = { id, score: 0, ranks: {}, best: rank };
        items.set(id, item);
      }
      if (item.ranks[list.path] !== undefined) return;
      item.ranks[list.path] = rank;
      item.score += weight / (k + rank);
      item.best = Math.min(item.best, rank);
    });
  }
  return [...items.values()]
    .sort((a, b) => b.score - a.score || a.best - b.best || (a.id < b.id ? -1 : 1))
    .map(({ best: _best, ...item }) => item);
}

/**
 * Share of the top `depth` ids of `list` that are also in the top `depth` of `anchor` (0..1). Two
 * unrelated rankings of n candidates overlap by about depth/n by chance.
 */
export function topOverlap(anchor: readonly string[], list: readonly string[], depth: number): number {
  const d = Math.min(depth, anchor.length, list.length);
  if (d <= 0) return 0;
  const top = new Set(anchor.slice(0, d));
  let shared = 0;
  for (const id of list.slice(0, d)) if (top.has(id)) shared++;
  return shared / d;
}

export interface AgreementOptions {
  /** The path the others are checked against (full text: exact words, never "weak" on the query's terms). */
  anchor: string;
  /** How many top ids are compared. */
  depth: number;
  /**
   * Overlap at or below which a path gets weight 0. Two random top-20s of a few hundred candidates share
   * 1–2 ids; a rank-fusion weight of even 0.1 on noise reorders full text's top (adjacent RRF ranks
   * differ by only about 1/(k+r)²), and a weaker list that shares words with full text hurts as well.
   * 0.4 / 0.8 were chosen on SciFact's train split (ADR 0018).
   */
  floor: number;
  /** Overlap at which a path keeps its whole weight; between `floor` and this the weight grows linearly. */
  fullAt: number;
  /** With fewer anchor hits than this the anchor says too little: weights are left as they are. */
  minAnchorHits: number;
}

export const AGREEMENT_DEFAULTS: AgreementOptions = {
  anchor: "fulltext",
  depth: 20,
  floor: 0.4,
  fullAt: 0.8,
  minAnchorHits: 10,
};

/** The share of its weight a path keeps at this overlap with the anchor (0..1). */
export function agreementFactor(overlap: number, options: AgreementOptions = AGREEMENT_DEFAULTS): number {
  return Math.max(0, Math.min(1, (overlap - options.floor) / (options.fullAt - options.floor)));
}

/**
 * Per-query adaptive weights (ADR 0018): each path other than the anchor keeps
 *   w · clamp((overlap@depth(anchor, path) − floor) / (fullAt − floor), 0, 1)
 * of its weight. An embedder that does not understand the query's language or domain ranks candidates
 * almost at random with respect to the query's words, so its top ids barely overlap full text's and it
 * loses its say for that query; a good embedder agrees with full text on part of the top and keeps
 * (most of) its weight, so it can still promote the passages words miss. Inter-list agreement as a
 * signal of a ranker's quality for one query is the idea of Aslam & Pavlu (ECIR 2007, query hardness
 * from the agreement of several rankers). When the anchor found (almost) nothing, for example a
 * paraphrase with none of the document's words, nothing is scaled: the vector paths are then the only
 * evidence. Returns the lists with adjusted weights and each path's overlap.
 */
export function agreementWeighted(
  lists: readonly RankedList[],
  options: AgreementOptions = AGREEMENT_DEFAULTS,
): { lists: RankedList[]; overlap: Record<string, number> } {
  const anchor = lists.find((l) => l.path === options.anchor);
  const overlap: Record<string, number> = {};
  if (!anchor || anchor.ids.length < options.minAnchorHits) return { lists: [...lists], overlap };
  return {
    overlap,
    lists: lists.map((list) => {
      if (list === anchor) return list;
      const o = topOverlap(anchor.ids, list.ids, options.depth);
      overlap[list.path] = o;
      return { ...list, weight: (list.weight ?? 1) * agreementFactor(o, options) };
    }),
  };
}

/** Whitespace- and case-insensitive fingerprint of a text. */
export function contentFingerprint(text: string): string {
  return createHash("sha256").update(text.toLowerCase().replace(/\s+/g, " ").trim()).digest("hex");
}

function shingles(text: string, size = 5): Set<string> {
  const tokens = plainWords(text);
  const out = new Set<string>();
  if (tokens.length < size) {
    if (tokens.length > 0) out.add(tokens.join(" "));
    return out;
  }
  for (let i = 0; i + size <= tokens.length; i++) out.add(tokens.slice(i, i + size).join(" "));
  return out;
}

/** Jaccard similarity of word 5-shingles. */
export function shingleSimilarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const s of a) if (b.has(s)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * Keeps the first (best-ranked) of near-duplicate items: identical normalised text, or word 5-shingle
 * Jaccard ≥ `threshold` (the same paragraph ingested twice, a page and its printable copy, overlapping
 * crawl results). Quadratic in the list size, which is bounded by the candidate limit.
 */
export function suppressNearDuplicates<T>(
  items: readonly T[],
  text: (item: T) => string,
  threshold = 0.8,
): { kept: T[]; dropped: T[] } {
  const kept: T[] = [];
  const dropped: T[] = [];
  const seen = new Set<string>();
  const keptShingles: Set<string>[] = [];
  for (const item of items) {
    const content = text(item);
    const fingerprint = contentFingerprint(content);
    const own = shingles(content);
    // Jaccard ≤ min/max of the set sizes, so only comparable sizes need the full comparison.
    const similar = (other: Set<string>) =>
      Math.min(own.size, other.size) >= threshold * Math.max(own.size, other.size) &&
      shingleSimilarity(own, other) >= threshold;
    if (seen.has(fingerprint) || keptShingles.some(similar)) {
      dropped.push(item);
      continue;
    }
    seen.add(fingerprint);
    keptShingles.push(own);
    kept.push(item);
  }
  return { kept, dropped };
}
