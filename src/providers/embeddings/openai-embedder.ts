import { AppError } from "../../lib/errors.js";
import { type Embedder, type EmbeddingPurpose, normalize } from "./embedder.js";
import { DEFAULT_RETRY, postJson, type RetryPolicy } from "./http.js";

export interface OpenAIEmbedderOptions {
  /** Base URL up to and including `/v1`, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`. */
  baseUrl: string;
  apiKey?: string | undefined;
  model: string;
  /** Expected vector size; also sent as `dimensions` to models that can shorten their output. */
  dimensions: number;
  /** Send `dimensions` in the request (only models that support shortening accept it). */
  sendDimensions?: boolean;
  /** Texts per request. */
  batchSize?: number;
  retry?: Partial<RetryPolicy>;
}

interface EmbeddingsResponse {
  data?: { index?: number; embedding?: unknown }[];
}

/**
 * Any OpenAI-compatible `/v1/embeddings` endpoint (OpenAI, Azure OpenAI, Ollama, vLLM, LM Studio, TEI).
 * Batches inputs, retries 429/5xx with back-off, and checks every vector has the configured size so a
 * misconfigured model cannot write vectors of the wrong size into the index.
 */
export class OpenAIEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions: number;
  private readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly batchSize: number;
  private readonly policy: RetryPolicy;

  constructor(private readonly options: OpenAIEmbedderOptions) {
    this.model = options.model;
    this.dimensions = options.dimensions;
    this.url = `${options.baseUrl.replace(/\/+$/, "")}/embeddings`;
    this.headers = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
    this.batchSize = options.batchSize ?? 96;
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
  }

  async embed(texts: string[], _purpose: EmbeddingPurpose): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      out.push(...(await this.embedBatch(texts.slice(i, i + this.batchSize))));
    }
    return out;
  }

  private async embedBatch(input: string[]): Promise<number[][]> {
    // Some servers reject empty strings; a single space embeds to the "nothing" vector instead.
    const body = {
      model: this.model,
      input: input.map((t) => (t.length > 0 ? t : " ")),
      encoding_format: "float",
      ...(this.options.sendDimensions ? { dimensions: this.dimensions } : {}),
    };
    const response = (await postJson(this.url, body, {
      service: `Embedding endpoint (${this.model})`,
      headers: this.headers,
      policy: this.policy,
    })) as EmbeddingsResponse;
    const data = response?.data;
    if (!Array.isArray(data) || data.length !== input.length) {
      throw new AppError(
        "UNAVAILABLE",
        `Embedding endpoint returned ${Array.isArray(data) ? data.length : "no"} vectors for ${input.length} texts`,
      );
    }
    const vectors = new Array<number[]>(input.length);
    for (const [position, item] of data.entries()) {
      const vector = item.embedding;
      if (!Array.isArray(vector) || !vector.every((v) => typeof v === "number")) {
        throw new AppError(
          "UNAVAILABLE",
          "Embedding endpoint returned an embedding that is not a list of numbers",
        );
      }
      if (vector.length !== this.dimensions) {
        throw new AppError(
          "PRECONDITION_FAILED",
          `Embedding model ${this.model} returned ${vector.length} dimensions but EMBEDDING_DIMENSIONS is ${this.dimensions}; set EMBEDDING_DIMENSIONS=${vector.length} (and re-embed) or pick a model of that size`,
          { expected: this.dimensions, actual: vector.length },
        );
      }
      vectors[typeof item.index === "number" ? item.index : position] = normalize(vector as number[]);
    }
    return vectors;
  }
}
