import { formatPassages } from "../../../providers/llm/passages.js";
import type { SearchService } from "../../knowledge/index.js";
import type { RuntimeTool } from "../runtime-tool.js";

const MAX_LIMIT = 20;

/**
 * Hybrid search over the agent's knowledge bases. Every result is registered in the turn's citation
 * registry, and the passages come back in the prompt passage format with their turn-wide labels, so
 * both a generating model and the offline extractive model can cite them as `[n]`.
 */
export function knowledgeSearchTool(search: SearchService): RuntimeTool {
  return {
    name: "knowledge_search",
    description:
      "Search the assistant's knowledge bases. Returns passages labelled [n]; cite a passage by its label.",
    inputSchema: {
      type: "object",
      properties: {
        query: { type: "string", minLength: 1, maxLength: 2000, description: "What to look for" },
        limit: {
          type: "integer",
          minimum: 1,
          maximum: MAX_LIMIT,
          description: "How many passages (default 5)",
        },
      },
      required: ["query"],
      additionalProperties: false,
    },
    requiresApproval: false,
    async execute(input, run) {
      const { query, limit } = input as { query: string; limit?: number };
      if (run.knowledgeBaseIds.length === 0) {
        return { passages: formatPassages([]), results: [], note: "This assistant has no knowledge bases." };
      }
      const answer = await search.search(run.ctx, {
        query,
        limit: Math.min(limit ?? 5, MAX_LIMIT),
        knowledgeBaseIds: run.knowledgeBaseIds,
      });
      const cited = answer.results.map((result) => run.citations.add(result, "knowledge_search"));
      return {
        passages: formatPassages(run.citations.forPrompt(cited)),
        results: cited.map((p) => ({
          label: p.label,
          title: p.title,
          documentId: p.documentId,
          knowledgeBaseId: p.knowledgeBaseId,
          chunkId: p.chunkId,
          score: p.score,
        })),
      };
    },
  };
}
