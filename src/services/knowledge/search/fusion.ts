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
