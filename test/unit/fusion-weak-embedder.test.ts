import { describe, expect, it } from "vitest";
import { ndcgAt } from "../../bench/eval-retrieval-data.js";
import { Bm25Index } from "../../bench/lib/bm25.js";
import { createRng } from "../../bench/lib/prng.js";
import type { Embedder } from "../../src/providers/embeddings/embedder.js";
import type { RankedHit } from "../../src/repositories/retrieval.repository.js";
import type { ServiceContext } from "../../src/services/context.js";
import {
  AGREEMENT_DEFAULTS,
  agreementFactor,
  agreementWeighted,
  reciprocalRankFusion,
  topOverlap,
} from "../../src/services/knowledge/search/fusion.js";
import { createRetrievalService, SEMANTIC_WEIGHTS } from "../../src/services/knowledge/search/retrieval.js";

describe("agreement-weighted fusion", () => {
  it("measures the overlap of two top lists", () => {
    expect(topOverlap(["a", "b", "c", "d"], ["d", "c", "x", "y"], 4)).toBe(0.5);
    expect(topOverlap(["a", "b"], ["a", "b", "c"], 20)).toBe(1);
    expect(topOverlap([], ["a"], 20)).toBe(0);
  });

  it("keeps a path's weight when it agrees, shrinks it when it does not, and leaves it when full text found little", () => {
    const fulltext = Array.from({ length: 20 }, (_, i) => `f${i}`);
    const agreeing = [...fulltext.slice(0, 16), ...Array.from({ length: 4 }, (_, i) => `v${i}`)];
    const unrelated = Array.from({ length: 20 }, (_, i) => `v${i}`);
    const { lists, overlap } = agreementWeighted([
      { path: "fulltext", ids: fulltext, weight: 1 },
      { path: "vector", ids: agreeing, weight: 1 },
      { path: "question", ids: [...fulltext.slice(0, 2), ...unrelated.slice(2)], weight: 0.5 },
    ]);
    expect(overlap).toEqual({ vector: 0.8, question: 0.1 });
    // 0.8 ≥ fullAt keeps the whole weight; 0.1 is below the floor.
    expect(lists.map((l) => l.weight)).toEqual([1, 1, 0]);
    expect(agreementFactor(0.6)).toBeCloseTo(
      (0.6 - AGREEMENT_DEFAULTS.floor) / (AGREEMENT_DEFAULTS.fullAt - AGREEMENT_DEFAULTS.floor),
    );
    const none = agreementWeighted([
      { path: "fulltext", ids: fulltext, weight: 1 },
      { path: "vector", ids: unrelated, weight: 1 },
    ]);
    expect(none.lists[1]!.weight).toBe(0);
    // A paraphrase full text barely matches: the vector path is the evidence, nothing is scaled.
    const sparse = agreementWeighted([
      { path: "fulltext", ids: ["f1", "f2"], weight: 1 },
      { path: "vector", ids: unrelated, weight: 1 },
    ]);
    expect(sparse.lists[1]!.weight).toBe(1);
  });
});

/** 1,000 documents of 30 words from a 600-word vocabulary; each query is 4 words of one document + 2 others. */
function syntheticCorpus(seed = 7) {
  const rng = createRng(seed);
  const vocabulary = Array.from({ length: 600 }, (_, i) => `w${i.toString(36)}x`);
  const docs = Array.from({ length: 1000 }, (_, i) => ({
    id: `d${i}`,
    title: "",
    text: Array.from({ length: 30 }, () => vocabulary[Math.floor(rng.next() ** 2 * vocabulary.length)]!).join(
      " ",
    ),
  }));
  const queries = Array.from({ length: 60 }, (_, i) => {
    const target = docs[rng.int(docs.length)]!;
    const words = [...rng.sample(target.text.split(" "), 4), rng.pick(vocabulary), rng.pick(vocabulary)];
    return { id: `q${i}`, text: words.join(" "), relevant: new Map([[target.id, 1]]) };
  });
  return { docs, queries, rng };
}

describe("a random embedder cannot pull hybrid below full text", () => {
  const { docs, queries, rng } = syntheticCorpus();
  const bm25 = new Bm25Index(docs);
  const fulltextHits = (text: string): RankedHit[] =>
    bm25.search(text, 100).map((h) => ({ chunkId: h.id, score: h.score }));
  const randomHits = (): RankedHit[] =>
    rng.sample(docs, 100).map((d, i) => ({ chunkId: d.id, score: 1 - i / 100 }));
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

  it("in the fusion functions (fixed weights would lose more than 0.01 nDCG@10)", () => {
    const fulltext: number[] = [];
    const adaptive: number[] = [];
    const fixed: number[] = [];
    for (const q of queries) {
      const lists = [
        {
          path: "fulltext",
          ids: fulltextHits(q.text).map((h) => h.chunkId),
          weight: SEMANTIC_WEIGHTS.fulltext,
        },
        { path: "vector", ids: randomHits().map((h) => h.chunkId), weight: SEMANTIC_WEIGHTS.vector },
        { path: "question", ids: randomHits().map((h) => h.chunkId), weight: SEMANTIC_WEIGHTS.question },
      ];
      fulltext.push(ndcgAt(lists[0]!.ids, q.relevant));
      adaptive.push(
        ndcgAt(
          reciprocalRankFusion(agreementWeighted(lists).lists).map((f) => f.id),
          q.relevant,
        ),
      );
      fixed.push(
        ndcgAt(
          reciprocalRankFusion(lists).map((f) => f.id),
          q.relevant,
        ),
      );
    }
    expect(mean(fulltext)).toBeGreaterThan(0.7);
    expect(mean(adaptive)).toBeGreaterThanOrEqual(mean(fulltext) - 0.01);
    expect(mean(fixed)).toBeLessThan(mean(fulltext) - 0.01);
  });

  it("through the retrieval service with a semantic-weighted random embedder", async () => {
    const byId = new Map(docs.map((d) => [d.id, d]));
    const embedder: Embedder = {
      model: "random-test",
      dimensions: 4,
      embed: async (texts: string[]) => texts.map(() => [rng.next(), rng.next(), rng.next(), rng.next()]),
    } as unknown as Embedder;
    const retrieval = {
      fulltextSearch: async (_s: unknown, q: { text: string; limit: number }) =>
        fulltextHits(q.text).slice(0, q.limit),
      vectorSearch: async () => randomHits(),
      knowledgeBases: async () => [],
      chunkDetails: async (_s: unknown, ids: readonly string[]) =>
        ids.map((id) => ({
          id,
          documentId: id,
          knowledgeBaseId: "kb",
          departmentId: "dep",
          ordinal: 0,
          content: byId.get(id)!.text,
          metadata: {},
          title: id,
        })),
    };
    const service = createRetrievalService({ repositories: { retrieval } as never, embedder });
    const ctx = {
      orgId: "org",
      actor: { kind: "system", id: "test" },
      access: {
        permissions: new Set(["kb:read"]),
        allDepartments: true,
        departmentIds: new Set<string>(),
        excludedDepartmentIds: new Set<string>(),
      },
      db: {},
      meta: { requestId: "test" },
    } as unknown as ServiceContext;
    const score = async (mode: "fulltext" | "hybrid", q: (typeof queries)[number]) => {
      const response = await service.search(ctx, { query: q.text, mode, limit: 10, dedupe: false });
      return ndcgAt(
        response.results.map((r) => r.documentId),
        q.relevant,
      );
    };
    const fulltext: number[] = [];
    const hybrid: number[] = [];
    for (const q of queries) {
      fulltext.push(await score("fulltext", q));
      hybrid.push(await score("hybrid", q));
    }
    expect(mean(hybrid)).toBeGreaterThanOrEqual(mean(fulltext) - 0.01);
  });
});
