/**
 * A small, deterministic sample of a BEIR-format dataset for quick runs (CI): `queries` judged queries
 * (seeded shuffle) and a corpus of at most `docs` documents made of, in this order, every document
 * judged for those queries, the reference BM25's top `hardNegatives` for each of them over the FULL
 * corpus (so the sample keeps the confusable documents that make ranking hard), then random documents.
 */
import type { BeirDoc, Qrels } from "../eval-retrieval-data.js";
import type { Bm25Index } from "./bm25.js";
import { createRng } from "./prng.js";

export interface BeirSample {
  corpus: BeirDoc[];
  queryIds: string[];
}

export function sampleBeir(
  corpus: readonly BeirDoc[],
  queries: ReadonlyMap<string, string>,
  qrels: Qrels,
  options: { queries: number; docs: number; hardNegatives?: number; seed?: number; bm25: Bm25Index },
): BeirSample {
  const rng = createRng(options.seed ?? 16);
  const judged = [...qrels.keys()].filter((q) => queries.has(q)).sort();
  const queryIds = rng.sample(judged, Math.min(options.queries, judged.length));
  const wanted = new Set<string>();
  for (const q of queryIds) for (const d of qrels.get(q)!.keys()) wanted.add(d);
  for (const q of queryIds) {
    for (const hit of options.bm25.search(queries.get(q)!, options.hardNegatives ?? 20)) {
      if (wanted.size >= options.docs) break;
      wanted.add(hit.id);
    }
  }
  const rest = corpus.filter((d) => !wanted.has(d.id));
  for (const d of rng.sample(rest, Math.max(0, options.docs - wanted.size))) wanted.add(d.id);
  return { corpus: corpus.filter((d) => wanted.has(d.id)), queryIds };
}
