import type { EmbeddingConfig } from "../../config/env.js";
import type { Embedder } from "./embedder.js";
import { HashEmbedder } from "./hash-embedder.js";
import { LocalEmbedder } from "./local-embedder.js";
import { OpenAIEmbedder } from "./openai-embedder.js";

export type { Embedder, EmbeddingPurpose } from "./embedder.js";
export { HashEmbedder } from "./hash-embedder.js";
export { LocalEmbedder } from "./local-embedder.js";
export { OpenAIEmbedder } from "./openai-embedder.js";

/** Builds the configured embedder; `hash` (offline, deterministic) unless configured otherwise. */
export function createEmbedder(config: EmbeddingConfig): Embedder {
  switch (config.provider) {
    case "openai":
      return new OpenAIEmbedder({
        baseUrl: config.baseUrl ?? "https://api.openai.com/v1",
        apiKey: config.apiKey,
        model: config.model ?? "text-embedding-3-small",
        dimensions: config.dimensions ?? 1536,
        // Only OpenAI's text-embedding-3 models accept `dimensions`; others answer 400 to it.
        sendDimensions: (config.model ?? "").startsWith("text-embedding-3"),
      });
    case "local":
      if (!config.localPath) throw new Error("EMBEDDING_LOCAL_PATH is required for the local embedder");
      return new LocalEmbedder({
        path: config.localPath,
        model: config.model,
        dimensions: config.dimensions ?? 384,
      });
    default:
      return new HashEmbedder(config.dimensions ? { dimensions: config.dimensions } : {});
  }
}
