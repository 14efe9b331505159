import type { SparseVector } from "./features.js";

/** How the linear model is trained. */
export interface LinearOptions {
  /** `softmax`: multinomial logistic regression; `hinge`: Crammer–Singer multiclass SVM. */
  loss: "softmax" | "hinge";
  epochs: number;
  /**
   * At least this many updates in all: a small example set gets more epochs, so it is fitted as
   * closely as a large one and its confidences mean the same (a threshold works for both).
   */
  minSteps: number;
  /** Most epochs, whatever `minSteps` asks. */
  maxEpochs: number;
  /** L2 penalty per example (λ); smaller fits the examples more closely. */
  l2: number;
  /** Initial learning rate; decays with each epoch as η₀ / (1 + t/N) (t steps taken, N examples). */
  learningRate: number;
  /** Seed of the example order, so the same examples always train the same model. */
  seed: number;
}

export const LINEAR_DEFAULTS: LinearOptions = {
  loss: "softmax",
  epochs: 8,
  minSteps: 80_000,
  maxEpochs: 200,
  l2: 1e-6,
  learningRate: 2,
  seed: 1,
};

/** Softmax gradients smaller than this are skipped (see train). */
const GRADIENT_FLOOR = 1e-3;

/** Mulberry32: a small seeded PRNG (deterministic shuffles). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * A linear model over sparse features, `classes` scores per phrase. Weights are stored feature-major
 * (`weights[f·K + k]`) so a phrase's few features read contiguous rows. L2 decay is applied lazily
 * through one shared scale (w = scale · stored), so an update costs only the phrase's features.
 */
export class LinearModel {
  private constructor(
    readonly classes: number,
    private readonly weights: Float32Array,
    private readonly bias: Float64Array,
  ) {}

  static train(
    vectors: readonly SparseVector[],
    labels: readonly number[],
    classes: number,
    features: number,
    options: LinearOptions = LINEAR_DEFAULTS,
  ): LinearModel {
    const K = classes;
    const w = new Float64Array(features * K);
    const bias = new Float64Array(K);
    const scores = new Float64Array(K);
    const active = new Int32Array(K);
    const gradient = new Float64Array(K);
    const random = seededRandom(options.seed);
    const order = vectors.map((_, i) => i);
    let scale = 1;
    let t = 0;
    const { l2, learningRate: eta0 } = options;
    const epochs = Math.min(
      options.maxEpochs,
      Math.max(options.epochs, Math.ceil(options.minSteps / Math.max(1, vectors.length))),
    );
    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffle(order, random);
      for (const n of order) {
        const x = vectors[n]!;
        const y = labels[n]!;
        const eta = eta0 / (1 + t++ / vectors.length);
        scoreInto(scores, x, w, bias, K, scale);
        scale *= 1 - eta * l2;
        if (scale < 1e-6) {
          for (let i = 0; i < w.length; i++) w[i] = w[i]! * scale;
          scale = 1;
        }
        const step = eta / scale;
        if (options.loss === "softmax") {
          softmaxInPlace(scores);
          scores[y] = scores[y]! - 1;
          // Classes the model already rules out have a negligible gradient: skipping them makes a
          // step cost the few plausible classes instead of all of them once training has settled.
          let m = 0;
          for (let k = 0; k < K; k++) {
            const g = scores[k]!;
            if (g > GRADIENT_FLOOR || g < -GRADIENT_FLOOR) {
              active[m] = k;
              gradient[m++] = g;
            }
          }
          for (let j = 0; j < x.index.length; j++) {
            const row = x.index[j]! * K;
            const xv = x.value[j]! * step;
            for (let a = 0; a < m; a++) {
              const at = row + active[a]!;
              w[at] = w[at]! - xv * gradient[a]!;
            }
          }
          for (let a = 0; a < m; a++) bias[active[a]!] = bias[active[a]!]! - eta * gradient[a]!;
        } else {
          let rival = -1;
          for (let k = 0; k < K; k++) if (k !== y && (rival < 0 || scores[k]! > scores[rival]!)) rival = k;
          if (rival < 0 || scores[y]! - scores[rival]! >= 1) continue;
          for (let j = 0; j < x.index.length; j++) {
            const row = x.index[j]! * K;
            const xv = x.value[j]! * step;
            w[row + y] = w[row + y]! + xv;
            w[row + rival] = w[row + rival]! - xv;
          }
          bias[y] = bias[y]! + eta;
          bias[rival] = bias[rival]! - eta;
        }
      }
    }
    if (scale !== 1) for (let i = 0; i < w.length; i++) w[i] = w[i]! * scale;
    return new LinearModel(K, Float32Array.from(w), bias);
  }

  /** Raw scores, one per class. */
  scores(x: SparseVector): Float64Array {
    const out = new Float64Array(this.classes);
    scoreInto(out, x, this.weights, this.bias, this.classes, 1);
    return out;
  }
}

function scoreInto(
  out: Float64Array,
  x: SparseVector,
  w: Float32Array | Float64Array,
  bias: Float64Array,
  K: number,
  scale: number,
): void {
  for (let k = 0; k < K; k++) out[k] = 0;
  for (let j = 0; j < x.index.length; j++) {
    const row = x.index[j]! * K;
    const xv = x.value[j]!;
    for (let k = 0; k < K; k++) out[k] = out[k]! + xv * w[row + k]!;
  }
  for (let k = 0; k < K; k++) out[k] = out[k]! * scale + bias[k]!;
}

/** Turns scores into probabilities in place (max-shifted for stability). */
export function softmaxInPlace(scores: Float64Array, temperature = 1): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  for (let k = 0; k < scores.length; k++) {
    const e = Math.exp((scores[k]! - max) / temperature);
    scores[k] = e;
    sum += e;
  }
  for (let k = 0; k < scores.length; k++) scores[k] = scores[k]! / sum;
  return scores;
}
