import { canSeeDepartment, requirePermission } from "../../../core/access.js";
import { chunkQuestions, chunks } from "../../../db/schema/index.js";
import { AppError } from "../../../lib/errors.js";
import type { Embedder } from "../../../providers/embeddings/embedder.js";
import { HashEmbedder } from "../../../providers/embeddings/hash-embedder.js";
import type { Reranker } from "../../../providers/rerank/reranker.js";
import type { Repositories } from "../../../repositories/index.js";
import type { ChunkDetail, RankedHit, RetrievalScope } from "../../../repositories/retrieval.repository.js";
import type { ServiceContext } from "../../context.js";
import {
  AGREEMENT_DEFAULTS,
  type AgreementOptions,
  agreementWeighted,
  type RankedList,
  reciprocalRankFusion,
  suppressNearDuplicates,
} from "./fusion.js";

export type RetrievalMode = "vector" | "fulltext" | "hybrid";

export interface FusionWeights {
  vector: number;
  fulltext: number;
  question: number;
}

export interface SearchRequest {
  query: string;
  /**
   * The query as outside services (an embedding API, a reranker) receive it, when it must differ from
   * `query` (a chat turn's question with its personal data masked, ADR 0007). The in-process lexical
   * embedder and full-text search keep `query`.
   */
  outsideQuery?: string | undefined;
  mode?: RetrievalMode;
  /** Only these knowledge bases (each must be visible); default every one the caller can read. */
  knowledgeBaseIds?: string[] | undefined;
  limit?: number;
  /** Candidates taken from each path before fusion. */
  candidates?: number;
  weights?: Partial<FusionWeights>;
  /** Use the configured reranker (default true when one is configured). */
  rerank?: boolean;
  /** Drop near-duplicate passages (default true). */
  dedupe?: boolean;
  /**
   * Scale each vector path's weight by its agreement with full text (default true; ADR 0018); an object
   * overrides the agreement thresholds (evaluations).
   */
  adaptive?: boolean | Partial<AgreementOptions>;
}

export interface SearchScores {
  vector?: number;
  fulltext?: number;
  question?: number;
  fused: number;
  rerank?: number;
}

export interface SearchResult {
  chunkId: string;
  documentId: string;
  knowledgeBaseId: string;
  departmentId: string;
  title: string;
  content: string;
  metadata: Record<string, unknown>;
  /** Label the answer cites, e.g. "[1]"; numbered in result order. */
  citation: string;
  scores: SearchScores;
}

export interface SearchResponse {
  mode: RetrievalMode;
  model: string;
  results: SearchResult[];
}

/**
 * Fusion weights. With a semantic embedder (openai, local) the vector paths find what words miss, so
 * they weigh like full text. The offline hash embedder is lexical, like full text but without IDF,
 * and on SciFact's train split any sizeable weight on it lowers nDCG@10 (equal weights: 0.563 vs
 * full text alone 0.685); small weights act as tie-breakers and add recall: 0.686 with these.
 */
export const SEMANTIC_WEIGHTS: FusionWeights = { vector: 1, fulltext: 1, question: 0.5 };
export const LEXICAL_WEIGHTS: FusionWeights = { vector: 0.02, fulltext: 1, question: 0.05 };

export const RETRIEVAL_DEFAULTS = {
  limit: 10,
  candidates: 100,
  rerankCandidates: 30,
  /** The RRF constant of Cormack et al. */
  k: 60,
};

type Path = "vector" | "fulltext" | "question";

export interface RetrievalDeps {
  /** The SQL of every path; queries run on the caller's `ctx.db`. */
  repositories: Pick<Repositories, "retrieval">;
  embedder: Embedder;
  reranker?: Reranker | undefined;
}

export function createRetrievalService(deps: RetrievalDeps) {
  const repo = deps.repositories.retrieval;

  async function visibleKnowledgeBases(ctx: ServiceContext, ids: string[]): Promise<string[]> {
    const rows = await repo.knowledgeBases(ids, ctx.db);
    for (const id of ids) {
      const row = rows.find((r) => r.id === id);
      if (!row || row.orgId !== ctx.orgId || !canSeeDepartment(ctx.access, row.departmentId)) {
        throw AppError.notFound("Knowledge base", id);
      }
    }
    return ids;
  }

  async function runPaths(
    ctx: ServiceContext,
    scope: RetrievalScope,
    request: SearchRequest,
    mode: RetrievalMode,
  ) {
    const candidates = Math.min(500, request.candidates ?? RETRIEVAL_DEFAULTS.candidates);
    const lexical = deps.embedder instanceof HashEmbedder;
    const weights = { ...(lexical ? LEXICAL_WEIGHTS : SEMANTIC_WEIGHTS), ...request.weights };
    const hits: Partial<Record<Path, RankedHit[]>> = {};
    // Quotes or `-term` ask for websearch semantics (phrases, exclusions): then candidates must match them.
    const strict = /"|(^|\s)-[\p{L}\p{N}]/u.test(request.query);
    const tasks: Promise<void>[] = [];
    if (mode !== "vector" && weights.fulltext > 0) {
      tasks.push(
        repo.fulltextSearch(scope, { text: request.query, limit: candidates, strict }, ctx.db).then((h) => {
          hits.fulltext = h;
        }),
      );
    }
    if (mode !== "fulltext") {
      const embedded = lexical ? request.query : (request.outsideQuery ?? request.query);
      const [vector] = await deps.embedder.embed([embedded], "query");
      const query = {
        model: deps.embedder.model,
        dimensions: deps.embedder.dimensions,
        vector: vector!,
        limit: candidates,
      };
      // Nothing to embed (e.g. only punctuation for the lexical hash embedder) gives the zero vector,
      // whose cosine distance is NaN: skip the vector paths rather than rank by NaN.
      const embeddable = vector!.some((v) => v !== 0);
      if (embeddable && (weights.vector > 0 || mode === "vector")) {
        tasks.push(
          repo.vectorSearch(chunks, scope, query, ctx.db).then((h) => {
            hits.vector = h;
          }),
        );
      }
      if (embeddable && mode === "hybrid" && weights.question > 0) {
        tasks.push(
          repo.vectorSearch(chunkQuestions, scope, query, ctx.db).then((h) => {
            hits.question = h;
          }),
        );
      }
    }
    await Promise.all(tasks);
    return { hits, weights };
  }

  return {
    /**
     * Searches the knowledge the caller can read. Every path filters by organisation and department
     * reach in SQL, so another department's chunk can never be returned, whatever the ids asked for.
     */
    async search(ctx: ServiceContext, request: SearchRequest): Promise<SearchResponse> {
      requirePermission(ctx, "kb:read");
      const query = request.query.trim();
      if (!query) throw new AppError("VALIDATION", "The search query is empty");
      const mode = request.mode ?? "hybrid";
      const limit = Math.max(1, Math.min(100, request.limit ?? RETRIEVAL_DEFAULTS.limit));
      const knowledgeBaseIds = request.knowledgeBaseIds
        ? await visibleKnowledgeBases(ctx, [...new Set(request.knowledgeBaseIds)])
        : undefined;
      const scope: RetrievalScope = { orgId: ctx.orgId, access: ctx.access, knowledgeBaseIds };
      const { hits, weights } = await runPaths(ctx, scope, { ...request, query }, mode);

      const lists: RankedList[] = (Object.entries(hits) as [Path, RankedHit[]][]).map(([path, list]) => ({
        path,
        ids: list.map((h) => h.chunkId),
        weight: weights[path],
      }));
      // Each vector path's weight follows its agreement with full text for this query (fusion.ts,
      // ADR 0018): a weak embedder cannot drag hybrid below full text alone.
      const agreement =
        typeof request.adaptive === "object" ? { ...AGREEMENT_DEFAULTS, ...request.adaptive } : undefined;
      const adaptive = request.adaptive === false ? lists : agreementWeighted(lists, agreement).lists;
      const fused = reciprocalRankFusion(adaptive, RETRIEVAL_DEFAULTS.k);
      const useReranker = deps.reranker && request.rerank !== false;
      const wanted = useReranker ? Math.max(limit, RETRIEVAL_DEFAULTS.rerankCandidates) : limit * 2;
      const top = fused.slice(0, wanted);
      const details = new Map(
        (
          await repo.chunkDetails(
            scope,
            top.map((f) => f.id),
            ctx.db,
          )
        ).map((d) => [d.id, d]),
      );
      const scoreOf = (path: Path, id: string) => hits[path]?.find((h) => h.chunkId === id)?.score;
      let items = top
        .filter((f) => details.has(f.id))
        .map((f) => ({
          detail: details.get(f.id)!,
          fused: f.score,
          rerank: undefined as number | undefined,
        }));
      if (request.dedupe !== false) items = suppressNearDuplicates(items, (i) => i.detail.content).kept;
      if (useReranker && items.length > 0) {
        const scores = await deps.reranker!.rerank(
          request.outsideQuery?.trim() || query,
          items.map((i) => i.detail.content),
        );
        items.forEach((item, i) => {
          item.rerank = scores[i];
        });
        items.sort((a, b) => (b.rerank ?? -Infinity) - (a.rerank ?? -Infinity));
      }
      const results = items.slice(0, limit).map((item, i) =>
        toResult(item.detail, i, {
          vector: scoreOf("vector", item.detail.id),
          fulltext: scoreOf("fulltext", item.detail.id),
          question: scoreOf("question", item.detail.id),
          fused: item.fused,
          rerank: item.rerank,
        }),
      );
      return { mode, model: deps.embedder.model, results };
    },
  };
}

function toResult(
  detail: ChunkDetail,
  index: number,
  scores: Record<string, number | undefined>,
): SearchResult {
  const clean = Object.fromEntries(
    Object.entries(scores).filter(([, v]) => v !== undefined),
  ) as unknown as SearchScores;
  return {
    chunkId: detail.id,
    documentId: detail.documentId,
    knowledgeBaseId: detail.knowledgeBaseId,
    departmentId: detail.departmentId,
    title: detail.title,
    content: detail.content,
    metadata: detail.metadata,
    citation: `[${index + 1}]`,
    scores: clean,
  };
}

export type RetrievalService = ReturnType<typeof createRetrievalService>;
