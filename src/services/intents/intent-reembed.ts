import type { Db } from "../../db/client.js";
import { withTransaction } from "../../db/transaction.js";
import type { Logger } from "../../lib/logger.js";
import type { Embedder } from "../../providers/embeddings/index.js";
import type { Repositories } from "../../repositories/index.js";

export type IntentReembedRepositories = Pick<
  Repositories,
  "intentExampleSets" | "intentExamples" | "namespaces"
>;

const BATCH = 256;

export type IntentReembedOutcome =
  | { status: "embedded"; model: string; examples: number }
  | { status: "skipped"; reason: "superseded" | "gone" };

/**
 * The `intent_examples.reembed` job: gives every example of a namespace a vector of the current
 * model, in batches, then moves the namespace's version once so trained classifiers everywhere pick
 * the vote back up. A job naming a model this process no longer uses is skipped (a newer job follows).
 */
export function createIntentReembedService(deps: {
  db: Db;
  repositories: IntentReembedRepositories;
  embedder: Embedder;
}) {
  const r = deps.repositories;
  return {
    async reembed(
      input: { orgId: string; namespaceId: string; model: string },
      run: { signal: AbortSignal; logger: Logger },
    ): Promise<IntentReembedOutcome> {
      if (input.model !== deps.embedder.model) return { status: "skipped", reason: "superseded" };
      const ns = await r.namespaces.findInOrg(input.orgId, input.namespaceId, deps.db);
      if (!ns) return { status: "skipped", reason: "gone" };
      let examples = 0;
      for (;;) {
        run.signal.throwIfAborted();
        const batch = await r.intentExamples.toEmbed(ns.id, input.model, BATCH, deps.db);
        if (batch.length === 0) break;
        const vectors = await deps.embedder.embed(
          batch.map((b) => b.phrase),
          "document",
        );
        await withTransaction(deps.db, (tx) =>
          r.intentExamples.setEmbeddings(
            batch.map((b, i) => ({ id: b.id, vector: vectors[i]! })),
            input.model,
            tx,
          ),
        );
        examples += batch.length;
      }
      if (examples > 0) {
        await withTransaction(deps.db, (tx) => r.intentExampleSets.bump(input.orgId, ns.id, tx));
        run.logger.info({ namespaceId: ns.id, model: input.model, examples }, "intent examples re-embedded");
      }
      return { status: "embedded", model: input.model, examples };
    },
  };
}

export type IntentReembedService = ReturnType<typeof createIntentReembedService>;
