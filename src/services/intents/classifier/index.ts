import { FEATURE_DEFAULTS, type FeatureOptions, type SparseVector, Vectorizer } from "./features.js";
import { KNN_DEFAULTS, type KnnOptions, KnnVoter } from "./knn.js";
import { LINEAR_DEFAULTS, LinearModel, type LinearOptions, softmaxInPlace } from "./linear.js";

export { seededRandom, shuffle } from "./linear.js";

/** The answer when no intent is confident enough. Not allowed as an intent name. */
export const UNKNOWN_INTENT = "unknown";

export interface TrainingExample {
  intent: string;
  phrase: string;
  /** The phrase's embedding (unit length) for the nearest-neighbour vote; omitted → lexical only. */
  embedding?: readonly number[] | null | undefined;
}

export interface ClassifierOptions {
  features: FeatureOptions;
  linear: LinearOptions;
  knn: KnnOptions;
  /** Share of the nearest-neighbour vote in the final distribution (0 = the linear model alone). */
  knnWeight: number;
  /** Below this confidence the answer is `unknown`. */
  threshold: number;
}

export const CLASSIFIER_DEFAULTS: ClassifierOptions = {
  features: FEATURE_DEFAULTS,
  linear: LINEAR_DEFAULTS,
  knn: KNN_DEFAULTS,
  knnWeight: 0.2,
  threshold: 0.3,
};

export interface IntentScore {
  intent: string;
  confidence: number;
}

export interface Classification {
  /** The best intent, or `unknown` when its confidence is below the threshold (or nothing is known). */
  intent: string;
  /** The best intent's probability, whether or not it passed the threshold. */
  confidence: number;
  /** The next best intents (the best included when the answer is `unknown`), most likely first. */
  alternatives: IntentScore[];
}

const ALTERNATIVES = 3;

/**
 * Intent classification trained from a namespace's example phrases: a linear model over TF-IDF word,
 * word-pair and character n-gram features (softmax probabilities), blended with a nearest-neighbour
 * vote over the examples' embeddings when they have them. Pure and deterministic: the same examples
 * and options train the same model. See docs/adr/0004-intent-classifier.md for the measurements.
 */
export class IntentClassifier {
  private constructor(
    readonly intents: readonly string[],
    readonly options: ClassifierOptions,
    private readonly vectorizer: Vectorizer | undefined,
    private readonly linear: LinearModel | undefined,
    private readonly knn: KnnVoter | undefined,
    /** Training vectors, kept only when there is a single intent (its confidence is a similarity). */
    private readonly single: readonly SparseVector[],
  ) {}

  static train(
    examples: readonly TrainingExample[],
    options: Partial<ClassifierOptions> = {},
  ): IntentClassifier {
    const o = { ...CLASSIFIER_DEFAULTS, ...options };
    const intents = [...new Set(examples.map((e) => e.intent))].sort();
    if (examples.length === 0) return new IntentClassifier([], o, undefined, undefined, undefined, []);
    const classOf = new Map(intents.map((intent, i) => [intent, i]));
    const labels = examples.map((e) => classOf.get(e.intent)!);
    const { vectorizer, vectors } = Vectorizer.fit(
      examples.map((e) => e.phrase),
      o.features,
    );
    if (intents.length === 1)
      return new IntentClassifier(intents, o, vectorizer, undefined, undefined, vectors);
    const linear = LinearModel.train(vectors, labels, intents.length, vectorizer.size, o.linear);
    const embedded = examples.every((e) => e.embedding && e.embedding.length > 0);
    const knn =
      o.knnWeight > 0 && embedded
        ? KnnVoter.build(
            examples.map((e) => e.embedding!),
            labels,
            intents.length,
            o.knn,
          )
        : undefined;
    return new IntentClassifier(intents, o, vectorizer, linear, knn, []);
  }

  /** Whether the nearest-neighbour vote takes part (every example had an embedding). */
  get usesEmbeddings(): boolean {
    return this.knn !== undefined;
  }

  /** Dimensions of the embeddings the vote expects, or 0 when it does not take part. */
  get embeddingDimensions(): number {
    return this.knn?.dimensions ?? 0;
  }

  /** Probabilities per intent (in `intents` order) for a phrase and, optionally, its embedding. */
  probabilities(text: string, embedding?: readonly number[]): Float64Array {
    if (!this.vectorizer) return new Float64Array(0);
    const x = this.vectorizer.transform(text);
    if (!this.linear) return Float64Array.of(bestSimilarity(x, this.single));
    const p = softmaxInPlace(this.linear.scores(x));
    if (!this.knn || !embedding || embedding.length !== this.knn.dimensions) return p;
    const w = this.options.knnWeight;
    const short = this.options.knn.candidates;
    const votes = this.knn.vote(embedding, w < 1 && short > 0 ? topClasses(p, short) : undefined);
    for (let k = 0; k < p.length; k++) p[k] = (1 - w) * p[k]! + w * votes[k]!;
    return p;
  }

  classify(text: string, embedding?: readonly number[], threshold = this.options.threshold): Classification {
    const p = this.probabilities(text, embedding);
    const ranked = [...p]
      .map((confidence, i) => ({ intent: this.intents[i]!, confidence }))
      .sort((a, b) => b.confidence - a.confidence || a.intent.localeCompare(b.intent));
    const best = ranked[0];
    if (!best) return { intent: UNKNOWN_INTENT, confidence: 0, alternatives: [] };
    const known = best.confidence >= threshold && best.confidence > 0;
    return {
      intent: known ? best.intent : UNKNOWN_INTENT,
      confidence: best.confidence,
      alternatives: ranked.slice(known ? 1 : 0, (known ? 1 : 0) + ALTERNATIVES),
    };
  }
}

/** Cosine similarity (both unit length) of a phrase to its closest example. */
function bestSimilarity(x: SparseVector, examples: readonly SparseVector[]): number {
  const query = new Map<number, number>();
  for (let j = 0; j < x.index.length; j++) query.set(x.index[j]!, x.value[j]!);
  let best = 0;
  for (const e of examples) {
    let dot = 0;
    for (let j = 0; j < e.index.length; j++) dot += (query.get(e.index[j]!) ?? 0) * e.value[j]!;
    if (dot > best) best = dot;
  }
  return Math.min(1, best);
}

/** Indexes of the `n` largest values. */
function topClasses(p: Float64Array, n: number): number[] {
  return [...p.keys()].sort((a, b) => p[b]! - p[a]!).slice(0, n);
}
