import { AppError } from "../../lib/errors.js";
import { DEFAULT_RETRY, postJson, type RetryPolicy } from "../embeddings/http.js";

/** Scores how well each document answers the query; higher is better. */
export interface Reranker {
  readonly model: string;
  /** One score per document, in the documents' order. */
  rerank(query: string, documents: string[]): Promise<number[]>;
}

export interface HttpRerankerOptions {
  /** Full endpoint URL, e.g. `https://api.cohere.com/v2/rerank`, `https://api.jina.ai/v1/rerank`, `http://tei:8080/rerank`. */
  url: string;
  apiKey?: string | undefined;
  model?: string | undefined;
  retry?: Partial<RetryPolicy>;
}

type RerankItem = { index?: number; relevance_score?: number; score?: number };

/**
 * Cohere / Jina style `POST /rerank` with `{query, documents}` (every result returned); reads
 * `{results: [{index, relevance_score}]}` (Cohere, Jina) or a bare `[{index, score}]` (TEI).
 * No offline implementation: without RERANK_URL retrieval simply skips this step.
 */
export class HttpReranker implements Reranker {
  readonly model: string;
  private readonly policy: RetryPolicy;

  constructor(private readonly options: HttpRerankerOptions) {
    this.model = options.model ?? "rerank";
    this.policy = { ...DEFAULT_RETRY, retries: 2, timeoutMs: 15_000, ...options.retry };
  }

  async rerank(query: string, documents: string[]): Promise<number[]> {
    if (documents.length === 0) return [];
    const body = {
      query,
      documents,
      ...(this.options.model ? { model: this.options.model } : {}),
    };
    const headers: Record<string, string> = this.options.apiKey
      ? { authorization: `Bearer ${this.options.apiKey}` }
      : {};
    const answer = (await postJson(this.options.url, body, {
      service: "Rerank endpoint",
      headers,
      policy: this.policy,
    })) as { results?: RerankItem[] } | RerankItem[];
    const items = Array.isArray(answer) ? answer : answer?.results;
    if (!Array.isArray(items)) throw new AppError("UNAVAILABLE", "Rerank endpoint returned no results list");
    const scores = new Array<number>(documents.length).fill(Number.NEGATIVE_INFINITY);
    for (const item of items) {
      const score = item.relevance_score ?? item.score;
      if (typeof item.index === "number" && typeof score === "number" && item.index < documents.length) {
        scores[item.index] = score;
      }
    }
    return scores;
  }
}

export function createReranker(config: {
  url: string | undefined;
  apiKey: string | undefined;
  model: string | undefined;
}): Reranker | undefined {
  return config.url
    ? new HttpReranker({ url: config.url, apiKey: config.apiKey, model: config.model })
    : undefined;
}
