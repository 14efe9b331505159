import type { Access } from "../../src/core/access.js";
import type { Embedder } from "../../src/providers/embeddings/embedder.js";
import type { Dataset } from "./atrium-data.js";
import type { Rng } from "./prng.js";
import { normalize, vectorArray } from "./synthetic.js";

/** One benchmark query: a vector near a stored chunk, a department to filter by, and words of that chunk. */
export interface RetrievalQuery {
  /** Unit vector: a random chunk's embedding plus Gaussian noise. */
  vector: number[];
  /** A random department, independent of the chunk's (so the filter is a true random subset). */
  departmentId: string;
  /** A few words of the same chunk, as a person would type them (for the hybrid path). */
  text: string;
}

/**
 * Queries near random chunks: each chunk's vector plus isotropic noise of total norm `noise`
 * (renormalised), filtered by a random department, with `words` distinct words of the chunk's text.
 */
export function retrievalQueries(
  data: Dataset,
  rng: Rng,
  count: number,
  options: { noise?: number; words?: number } = {},
): RetrievalQuery[] {
  const noise = options.noise ?? 0.3;
  const words = options.words ?? 6;
  const sigma = noise / Math.sqrt(data.options.dim);
  return Array.from({ length: count }, () => {
    const index = rng.int(data.chunks.length);
    const source = data.vectors[index]!;
    const v = new Float32Array(source.length);
    for (let i = 0; i < v.length; i++) v[i] = source[i]! + sigma * rng.gaussian();
    const chunkWords = [...new Set(data.chunks[index]!.content.toLowerCase().match(/[a-z]+/g) ?? [])];
    return {
      vector: vectorArray(normalize(v)),
      departmentId: rng.pick(data.departments).id,
      text: rng.sample(chunkWords, words).join(" "),
    };
  });
}

/** Read access to exactly these departments (what a department member's token carries). */
export function departmentAccess(departmentIds: readonly string[]): Access {
  return {
    permissions: new Set(["kb:read"]),
    allDepartments: false,
    departmentIds: new Set(departmentIds),
    excludedDepartmentIds: new Set(),
  };
}

/** Read access to every department of the organisation (an org-wide administrator). */
export const orgWideAccess: Access = {
  permissions: new Set(["kb:read"]),
  allDepartments: true,
  departmentIds: new Set(),
  excludedDepartmentIds: new Set(),
};

/**
 * An embedder that answers with the prepared vector of each query text: the corpus holds synthetic
 * vectors, so the service's hybrid path must see the query's synthetic vector, not an embedding of
 * its words. Unknown texts are an error (the benchmark asked for something it did not prepare).
 */
export class PreparedEmbedder implements Embedder {
  private readonly vectors = new Map<string, number[]>();

  constructor(
    readonly model: string,
    readonly dimensions: number,
  ) {}

  add(text: string, vector: number[]): void {
    this.vectors.set(text, vector);
  }

  async embed(texts: string[]): Promise<number[][]> {
    return texts.map((text) => {
      const vector = this.vectors.get(text);
      if (!vector) throw new Error(`no prepared vector for query "${text}"`);
      return vector;
    });
  }
}
