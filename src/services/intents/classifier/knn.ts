/** How the nearest-neighbour vote over the examples' embeddings is taken. */
export interface KnnOptions {
  /** Neighbours that vote. */
  k: number;
  /** Each vote weighs similarity^power: close neighbours count much more than distant ones. */
  power: number;
  /** When blended with the linear model: how many of its best classes the vote re-ranks (0 = all). */
  candidates: number;
}

export const KNN_DEFAULTS: KnnOptions = { k: 10, power: 4, candidates: 5 };

/**
 * Nearest-neighbour vote over unit-length embeddings (cosine = dot product). Vectors are kept in one
 * Float32Array (row-major), so a vote is one linear pass: about 4 M multiply-adds for 10,000 examples
 * of 384 dimensions, a few milliseconds.
 */
export class KnnVoter {
  private constructor(
    private readonly matrix: Float32Array,
    private readonly labels: Int32Array,
    /** Row numbers of each class's examples. */
    private readonly rowsByClass: readonly Int32Array[],
    readonly dimensions: number,
    private readonly classes: number,
    private readonly options: KnnOptions,
  ) {}

  static build(
    vectors: readonly (readonly number[])[],
    labels: readonly number[],
    classes: number,
    options: KnnOptions = KNN_DEFAULTS,
  ): KnnVoter {
    const dimensions = vectors[0]?.length ?? 0;
    const matrix = new Float32Array(vectors.length * dimensions);
    vectors.forEach((v, i) => {
      if (v.length !== dimensions) throw new Error("Example embeddings differ in size");
      matrix.set(v, i * dimensions);
    });
    const rowsByClass = Array.from({ length: classes }, (_, c) =>
      Int32Array.from(labels.flatMap((label, row) => (label === c ? [row] : []))),
    );
    return new KnnVoter(matrix, Int32Array.from(labels), rowsByClass, dimensions, classes, options);
  }

  /**
   * Votes per class, summing to 1 (all zero when no neighbour is similar at all). With `candidates`,
   * only those classes' examples are compared: the vote then re-ranks a short list (a few hundred
   * rows instead of every example), which keeps it well under a millisecond.
   */
  vote(query: readonly number[], candidates?: readonly number[]): Float64Array {
    const d = this.dimensions;
    const { k, power } = this.options;
    const topSim = new Float64Array(k).fill(Number.NEGATIVE_INFINITY);
    const topIdx = new Int32Array(k).fill(-1);
    const q = Float32Array.from(query);
    const visit = (i: number) => {
      let dot = 0;
      const base = i * d;
      for (let j = 0; j < d; j++) dot += q[j]! * this.matrix[base + j]!;
      if (dot <= topSim[k - 1]!) return;
      let p = k - 1;
      while (p > 0 && topSim[p - 1]! < dot) {
        topSim[p] = topSim[p - 1]!;
        topIdx[p] = topIdx[p - 1]!;
        p--;
      }
      topSim[p] = dot;
      topIdx[p] = i;
    };
    if (candidates) {
      for (const c of candidates) for (const row of this.rowsByClass[c] ?? []) visit(row);
    } else {
      for (let i = 0; i < this.labels.length; i++) visit(i);
    }
    const votes = new Float64Array(this.classes);
    let total = 0;
    for (let p = 0; p < k; p++) {
      if (topIdx[p]! < 0 || topSim[p]! <= 0) continue;
      const weight = topSim[p]! ** power;
      const label = this.labels[topIdx[p]!]!;
      votes[label] = votes[label]! + weight;
      total += weight;
    }
    if (total > 0) for (let c = 0; c < votes.length; c++) votes[c] = votes[c]! / total;
    return votes;
  }
}
