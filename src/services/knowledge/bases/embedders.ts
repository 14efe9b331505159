import { AppError } from "../../../lib/errors.js";
import { type Embedder, HashEmbedder } from "../../../providers/embeddings/index.js";

const HASH_MODEL = /^hash-(\d{2,4})$/;

/**
 * The embedders a deployment can run, by model name: the configured one, plus the offline hash
 * embedder at any size (`hash-<dimensions>`), so a knowledge base can switch models without a key.
 * A knowledge base naming a model this server cannot produce is refused (VALIDATION) when it is set.
 */
export function createEmbedderRegistry(configured: Embedder) {
  const byModel = new Map<string, Embedder>([[configured.model, configured]]);
  const build = (model: string): Embedder | undefined => {
    const hash = HASH_MODEL.exec(model);
    if (!hash) return undefined;
    const dimensions = Number(hash[1]);
    return dimensions >= 32 && dimensions <= 2048 ? new HashEmbedder({ dimensions }) : undefined;
  };
  return {
    /** The model new knowledge bases get. */
    defaultModel: configured.model,
    has(model: string): boolean {
      return byModel.has(model) || build(model) !== undefined;
    },
    get(model: string): Embedder {
      let embedder = byModel.get(model);
      if (!embedder) {
        embedder = build(model);
        if (!embedder) {
          throw new AppError(
            "VALIDATION",
            `The embedding model "${model}" is not available here; use "${configured.model}" or hash-<dimensions> (32–2048)`,
            { model },
          );
        }
        byModel.set(model, embedder);
      }
      return embedder;
    },
  };
}

export type EmbedderRegistry = ReturnType<typeof createEmbedderRegistry>;
