import { LRUCache } from "lru-cache";
import type { Queryable } from "../../db/client.js";
import type { JobQueue } from "../../jobs/queue.js";
import type { Logger } from "../../lib/logger.js";
import type { Embedder } from "../../providers/embeddings/index.js";
import type { Repositories } from "../../repositories/index.js";
import { CLASSIFIER_DEFAULTS, type ClassifierOptions, IntentClassifier } from "./classifier/index.js";

export type IntentModelsRepositories = Pick<Repositories, "intentExamples">;

export interface IntentModelsDeps {
  db: Queryable;
  repositories: IntentModelsRepositories;
  /** The embedder examples are stored with; the vote uses vectors of this model only. */
  embedder: Embedder;
  queue: JobQueue;
  logger: Logger;
  /** Trained models kept per process (least recently used go first). */
  maxModels?: number;
  classifier?: Partial<ClassifierOptions>;
}

/** A namespace's trained classifier, tagged with the version of the examples it was trained on. */
export interface TrainedModel {
  version: number;
  classifier: IntentClassifier;
  examples: number;
  trainingMs: number;
}

export const REEMBED_JOB = "intent_examples.reembed";

/**
 * Per-process cache of trained classifiers, keyed by namespace and tagged with the version of its
 * examples. The caller reads the current version (one indexed read, with the namespace itself) and
 * the model is retrained when it moved — after a write in this process or in any other — so every
 * replica classifies with the examples as committed. Concurrent lookups of one version share
 * one training run. Examples without a vector of the current model (the model changed) are trained
 * lexically and a re-embedding job is queued; when it finishes it moves the version, and the next
 * lookup trains with the vote.
 */
export function createIntentModels(deps: IntentModelsDeps) {
  const r = deps.repositories;
  const models = new LRUCache<string, TrainedModel>({ max: deps.maxModels ?? 64 });
  const training = new Map<string, Promise<TrainedModel>>();
  const options = { ...CLASSIFIER_DEFAULTS, ...deps.classifier };

  async function train(orgId: string, namespaceId: string, version: number): Promise<TrainedModel> {
    const started = performance.now();
    const rows = await r.intentExamples.trainingRows(namespaceId, deps.embedder.model, deps.db);
    const stale = rows.some((row) => row.embedding === null);
    if (stale) {
      await deps.queue.enqueue(
        deps.db,
        REEMBED_JOB,
        { orgId, namespaceId, model: deps.embedder.model },
        { dedupeKey: `${REEMBED_JOB}:${namespaceId}` },
      );
    }
    const loaded = performance.now();
    const classifier = IntentClassifier.train(
      rows.map((row) => ({ intent: row.intentName, phrase: row.phrase, embedding: row.embedding })),
      options,
    );
    const done = performance.now();
    deps.logger.info(
      {
        namespaceId,
        version,
        examples: rows.length,
        loadMs: Math.round(loaded - started),
        trainMs: Math.round(done - loaded),
        lexicalOnly: stale,
      },
      "intent classifier trained",
    );
    return { version, classifier, examples: rows.length, trainingMs: done - started };
  }

  return {
    /** The namespace's classifier for the examples of `version` (trained now if this process lacks it). */
    async current(orgId: string, namespaceId: string, version: number): Promise<TrainedModel> {
      const cached = models.get(namespaceId);
      if (cached?.version === version) return cached;
      const key = `${namespaceId}:${version}`;
      let pending = training.get(key);
      if (!pending) {
        pending = train(orgId, namespaceId, version).finally(() => training.delete(key));
        training.set(key, pending);
      }
      const model = await pending;
      const latest = models.get(namespaceId);
      if (!latest || latest.version < model.version) models.set(namespaceId, model);
      return model;
    },

    /** Embeds a phrase for the vote when the model takes one (the lexical part needs no vector). */
    async embedQuery(model: TrainedModel, text: string): Promise<number[] | undefined> {
      if (!model.classifier.usesEmbeddings) return undefined;
      const [vector] = await deps.embedder.embed([text], "query");
      return vector;
    },
  };
}

export type IntentModels = ReturnType<typeof createIntentModels>;
