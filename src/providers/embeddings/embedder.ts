/** What a text is embedded for: some models (and the hash embedder) treat queries and documents differently. */
export type EmbeddingPurpose = "document" | "query";

/**
 * Turns texts into vectors of one fixed size. `model` is stored on every chunk (`embedding_model`) and
 * selects the per-model HNSW index, so two embedders with the same `model` must produce comparable vectors.
 */
export interface Embedder {
  readonly model: string;
  readonly dimensions: number;
  embed(texts: string[], purpose: EmbeddingPurpose): Promise<number[][]>;
}

/** Scales a vector to unit length in place (cosine distance then equals 1 − dot product). */
export function normalize(vector: number[]): number[] {
  let sum = 0;
  for (const v of vector) sum += v * v;
  if (sum === 0) return vector;
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < vector.length; i++) vector[i] = vector[i]! * scale;
  return vector;
}
