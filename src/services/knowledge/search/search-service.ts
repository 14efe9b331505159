import { requirePermission } from "../../../core/access.js";
import { AppError } from "../../../lib/errors.js";
import type { Reranker } from "../../../providers/rerank/reranker.js";
import type { Repositories } from "../../../repositories/index.js";
import type { KnowledgeBaseRow } from "../../../repositories/knowledge-base.repository.js";
import type { ServiceContext } from "../../context.js";
import type { EmbedderRegistry } from "../bases/index.js";
import { loadKnowledgeBase, resolveConfig } from "../bases/index.js";
import {
  createRetrievalService,
  type RetrievalMode,
  type RetrievalService,
  type SearchResponse,
  type SearchResult,
} from "./retrieval.js";

export interface SearchInput {
  query: string;
  /** The query as outside services receive it (see `SearchRequest.outsideQuery`). */
  outsideQuery?: string | undefined;
  mode?: RetrievalMode | undefined;
  limit?: number | undefined;
  /** Only these knowledge bases (each must be readable); default every one the caller can read. */
  knowledgeBaseIds?: string[] | undefined;
}

export interface SearchAnswer {
  mode: RetrievalMode;
  /** The embedding models queried (one per group of knowledge bases sharing a model). */
  models: string[];
  results: SearchResult[];
}

/**
 * The search API over the retrieval service. Each knowledge base is searched with its *active*
 * embedding model (a pending model serves only after the switch), so bases are grouped by model,
 * each group goes through a retrieval service built for that model, and the groups' fused lists are
 * merged by fused score with citation labels renumbered.
 */
export function createSearchService(deps: {
  repositories: Pick<Repositories, "knowledgeBases" | "retrieval">;
  embedders: EmbedderRegistry;
  reranker?: Reranker | undefined;
}) {
  const r = deps.repositories;
  const services = new Map<string, RetrievalService>();
  const retrievalFor = (model: string) => {
    let service = services.get(model);
    if (!service) {
      service = createRetrievalService({
        repositories: r,
        embedder: deps.embedders.get(model),
        reranker: deps.reranker,
      });
      services.set(model, service);
    }
    return service;
  };

  async function searchBases(
    ctx: ServiceContext,
    bases: KnowledgeBaseRow[],
    input: SearchInput,
    mode: RetrievalMode,
    limit: number,
  ): Promise<SearchAnswer> {
    const groups = new Map<string, string[]>();
    for (const kb of bases) groups.set(kb.embeddingModel, [...(groups.get(kb.embeddingModel) ?? []), kb.id]);
    if (groups.size === 0) return { mode, models: [], results: [] };
    const responses: SearchResponse[] = await Promise.all(
      [...groups].map(([model, ids]) =>
        retrievalFor(model).search(ctx, {
          query: input.query,
          outsideQuery: input.outsideQuery,
          mode,
          limit,
          knowledgeBaseIds: ids,
        }),
      ),
    );
    const merged = responses
      .flatMap((response) => response.results)
      .sort((a, b) => (b.scores.rerank ?? b.scores.fused) - (a.scores.rerank ?? a.scores.fused))
      .slice(0, limit)
      .map((result, i) => ({ ...result, citation: `[${i + 1}]` }));
    return { mode, models: [...groups.keys()], results: merged };
  }

  return {
    /** Searches one knowledge base; its retrieval defaults fill what the request leaves out. */
    async searchKnowledgeBase(ctx: ServiceContext, knowledgeBaseId: string, input: SearchInput) {
      const kb = await loadKnowledgeBase(r, ctx, knowledgeBaseId);
      const defaults = resolveConfig(kb.config).retrieval;
      return searchBases(ctx, [kb], input, input.mode ?? defaults.mode, input.limit ?? defaults.limit);
    },

    /**
     * Searches the candidates the caller can read and skips the others (an assistant's knowledge bases
     * seen by a narrower caller), with one visibility query for all of them; says which were searched.
     */
    async searchReadable(
      ctx: ServiceContext,
      input: Omit<SearchInput, "knowledgeBaseIds"> & { candidateIds: readonly string[] },
    ): Promise<{ knowledgeBaseIds: string[]; answer: SearchAnswer }> {
      requirePermission(ctx, "kb:read");
      const wanted = new Set(input.candidateIds);
      const bases = (await r.knowledgeBases.listVisible(ctx.orgId, ctx.access, ctx.db)).filter((kb) =>
        wanted.has(kb.id),
      );
      const mode = input.mode ?? "hybrid";
      const limit = input.limit ?? 10;
      const answer =
        bases.length === 0 || limit === 0 || !input.query.trim()
          ? { mode, models: [], results: [] }
          : await searchBases(ctx, bases, input, mode, limit);
      return { knowledgeBaseIds: bases.map((kb) => kb.id), answer };
    },

    /** Searches every knowledge base the caller can read, or the ones named (each must be readable). */
    async search(ctx: ServiceContext, input: SearchInput): Promise<SearchAnswer> {
      requirePermission(ctx, "kb:read");
      if (!input.query.trim()) throw new AppError("VALIDATION", "The search query is empty");
      const bases = input.knowledgeBaseIds
        ? await Promise.all([...new Set(input.knowledgeBaseIds)].map((id) => loadKnowledgeBase(r, ctx, id)))
        : await r.knowledgeBases.listVisible(ctx.orgId, ctx.access, ctx.db);
      return searchBases(ctx, bases, input, input.mode ?? "hybrid", input.limit ?? 10);
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
