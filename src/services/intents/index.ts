import type { Db } from "../../db/client.js";
import type { JobQueue } from "../../jobs/queue.js";
import { AppError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { Embedder } from "../../providers/embeddings/index.js";
import type { Repositories } from "../../repositories/index.js";
import { canSeeScope, requireAssistantRead } from "../assistants/assistant-access.js";
import type { ServiceContext } from "../context.js";
import {
  CLASSIFIER_DEFAULTS,
  type Classification,
  type ClassifierOptions,
  UNKNOWN_INTENT,
} from "./classifier/index.js";
import { createIntentModels } from "./intent-models.js";
import { createIntentReembedService } from "./intent-reembed.js";
import { createIntentExampleService } from "./intent-service.js";

export type IntentsRepositories = Pick<
  Repositories,
  "auditLogs" | "departments" | "intentExampleSets" | "intentExamples" | "namespaces"
>;

export type { Classification, IntentScore } from "./classifier/index.js";
export { UNKNOWN_INTENT } from "./classifier/index.js";
export type { IntentReembedService } from "./intent-reembed.js";

export interface ClassifyInput {
  namespaceId: string;
  text: string;
  /** Overrides the namespace's threshold for this call (testing thresholds from the API). */
  threshold?: number | undefined;
  /** Answer at once (`noExamples: true`) when the namespace has never had examples (chat turns). */
  skipWithoutExamples?: boolean | undefined;
}

/**
 * Intent classification by examples: the examples API, the per-process trained models, and
 * `classify`, the verb a chat turn calls (see docs/architecture.md, "Intents").
 */
export function createIntentServices(deps: {
  db: Db;
  repositories: IntentsRepositories;
  embedder: Embedder;
  queue: JobQueue;
  logger: Logger;
  classifier?: Partial<ClassifierOptions>;
}) {
  const models = createIntentModels(deps);
  const threshold = deps.classifier?.threshold ?? CLASSIFIER_DEFAULTS.threshold;
  const examples = createIntentExampleService({
    repositories: deps.repositories,
    embedder: deps.embedder,
    defaultThreshold: threshold,
  });
  return {
    intents: {
      ...examples,
      /**
       * The namespace's intent for `text`: `{ intent, confidence, alternatives }`, `intent` being
       * "unknown" below the namespace's threshold. Costs one indexed read (namespace, version and
       * threshold together) when the trained model is current; retrains (once per process and
       * change) when the namespace's examples changed.
       */
      async classify(
        ctx: ServiceContext,
        input: ClassifyInput,
      ): Promise<Classification & { noExamples?: boolean }> {
        requireAssistantRead(ctx);
        const state = await deps.repositories.intentExampleSets.forClassification(
          ctx.orgId,
          input.namespaceId,
          ctx.db,
        );
        if (!state || !canSeeScope(ctx.access, state.departmentId)) {
          throw AppError.notFound("Namespace", input.namespaceId);
        }
        // A namespace that never had examples has nothing to classify: no training, no embedding.
        if (state.version === 0 && input.skipWithoutExamples) {
          return { intent: UNKNOWN_INTENT, confidence: 0, alternatives: [], noExamples: true };
        }
        const model = await models.current(ctx.orgId, input.namespaceId, state.version);
        const vector = await models.embedQuery(model, input.text);
        return model.classifier.classify(input.text, vector, input.threshold ?? state.threshold ?? threshold);
      },
    },
    intentReembed: createIntentReembedService(deps),
  };
}
