import { basename, dirname, resolve } from "node:path";
import { AppError } from "../../lib/errors.js";
import type { Embedder, EmbeddingPurpose } from "./embedder.js";

export interface LocalEmbedderOptions {
  /** Folder in the layout @huggingface/transformers loads (config.json, tokenizer.json, onnx/…). */
  path: string;
  /** Name stored on chunks; defaults to `local-<folder name>`. */
  model?: string | undefined;
  dimensions: number;
  /** ONNX weights variant: "q8" loads onnx/model_quantized.onnx, "fp32" onnx/model.onnx. */
  dtype?: "fp32" | "fp16" | "q8" | "int8" | "uint8" | "q4";
  batchSize?: number;
}

type FeatureExtractor = (
  texts: string[],
  options: { pooling: "mean"; normalize: boolean },
) => Promise<{ tolist(): number[][]; dims: number[] }>;

/** The part of @huggingface/transformers used here (typed locally: the package is optional). */
interface Transformers {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string; useFSCache: boolean };
  pipeline(task: "feature-extraction", model: string, options: Record<string, unknown>): Promise<unknown>;
}

const PACKAGE = "@huggingface/transformers";

/** Loads the optional package; a clear error when it is not installed. */
async function loadTransformers(): Promise<Transformers> {
  try {
    // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
    return (await import(PACKAGE)) as Transformers;
  } catch (error) {
    throw new AppError(
      "UNAVAILABLE",
      `EMBEDDING_PROVIDER=local needs the optional package ${PACKAGE}; install it with \`npm install ${PACKAGE}\``,
      undefined,
      { cause: error },
    );
  }
}

/**
 * ONNX sentence-embedding model run in-process from a local folder, strictly offline (remote model
 * downloads are disabled). Mean pooling over tokens, then L2 normalisation (the sentence-transformers
 * recipe for MiniLM-style models). The model is loaded on first use.
 */
export class LocalEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions: number;
  private extractor: Promise<FeatureExtractor> | undefined;

  constructor(private readonly options: LocalEmbedderOptions) {
    this.model = options.model ?? `local-${basename(resolve(options.path))}`;
    this.dimensions = options.dimensions;
  }

  private load(): Promise<FeatureExtractor> {
    this.extractor ??= (async () => {
      const transformers = await loadTransformers();
      const folder = resolve(this.options.path);
      transformers.env.allowRemoteModels = false;
      transformers.env.allowLocalModels = true;
      transformers.env.localModelPath = `${dirname(folder)}/`;
      transformers.env.useFSCache = false;
      try {
        const pipe = await transformers.pipeline("feature-extraction", basename(folder), {
          dtype: this.options.dtype ?? "q8",
          device: "cpu",
        });
        return pipe as unknown as FeatureExtractor;
      } catch (error) {
        throw new AppError(
          "UNAVAILABLE",
          `Could not load the local embedding model from ${folder}: ${(error as Error).message}`,
          undefined,
          { cause: error },
        );
      }
    })();
    // A failed load is not cached, so a fixed folder works without a restart.
    this.extractor.catch(() => {
      this.extractor = undefined;
    });
    return this.extractor;
  }

  async embed(texts: string[], _purpose: EmbeddingPurpose): Promise<number[][]> {
    if (texts.length === 0) return [];
    const extract = await this.load();
    const batchSize = this.options.batchSize ?? 32;
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += batchSize) {
      const output = await extract(texts.slice(i, i + batchSize), { pooling: "mean", normalize: true });
      const vectors = output.tolist();
      const size = vectors[0]?.length;
      if (size !== this.dimensions) {
        throw new AppError(
          "PRECONDITION_FAILED",
          `Local model ${this.model} produces ${size} dimensions but EMBEDDING_DIMENSIONS is ${this.dimensions}`,
          { expected: this.dimensions, actual: size },
        );
      }
      out.push(...vectors);
    }
    return out;
  }
}
