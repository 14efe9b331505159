import type { Db } from "../../../db/client.js";
import { withTransaction } from "../../../db/transaction.js";
import type { Logger } from "../../../lib/logger.js";
import type { Repositories } from "../../../repositories/index.js";
import type { EmbedderRegistry } from "../bases/index.js";

const BATCH = 256;

export interface ReembedDeps {
  db: Db;
  repositories: Pick<Repositories, "documents" | "chunks" | "knowledgeBases">;
  embedders: EmbedderRegistry;
  /** Creates the model's partial HNSW indexes if missing (retrieval repository). */
  ensureIndex(model: string, dimensions: number): Promise<void>;
}

export type ReembedOutcome =
  | { status: "switched"; model: string; chunks: number }
  | { status: "skipped"; reason: "gone" | "superseded" };

/**
 * The `knowledge_base.reembed` job. Chunks get `next_embedding` (and their synthetic questions new
 * rows) from the pending model in batches while searches keep using the current model; when no chunk
 * is left without one, a single transaction (holding the base FOR UPDATE, which chunk writers take
 * FOR SHARE) moves every chunk over and names the new model. Documents ingested meanwhile are picked
 * up by the loop before the switch.
 */
export function createReembedService(deps: ReembedDeps) {
  const r = deps.repositories;

  async function embedBatch(knowledgeBaseId: string, model: string): Promise<number | "superseded"> {
    const embedder = deps.embedders.get(model);
    const batch = await r.knowledgeBases.chunksToReembed(knowledgeBaseId, BATCH);
    if (batch.length === 0) return 0;
    const vectors = await embedder.embed(
      batch.map((c) => c.content),
      "document",
    );
    const questions = batch.flatMap((c) => c.syntheticQuestions.map((question) => ({ chunk: c, question })));
    const questionVectors =
      questions.length > 0
        ? await embedder.embed(
            questions.map((q) => q.question),
            "document",
          )
        : [];
    return withTransaction(deps.db, async (tx) => {
      const kb = await r.knowledgeBases.lock(knowledgeBaseId, "share", tx);
      if (kb?.pendingEmbeddingModel !== model) return "superseded" as const;
      await r.knowledgeBases.setNextEmbeddings(
        batch.map((c, i) => ({ id: c.id, vector: vectors[i]! })),
        tx,
      );
      await r.chunks.write(
        [],
        questions.map((q, i) => ({
          orgId: q.chunk.orgId,
          departmentId: q.chunk.departmentId,
          knowledgeBaseId,
          chunkId: q.chunk.id,
          question: q.question,
          embedding: questionVectors[i]!,
          embeddingModel: model,
        })),
        tx,
      );
      return batch.length;
    });
  }

  return {
    async reembed(
      knowledgeBaseId: string,
      model: string,
      run: { signal: AbortSignal; logger: Logger },
    ): Promise<ReembedOutcome> {
      const kb = await r.knowledgeBases.findById(knowledgeBaseId);
      if (!kb) return { status: "skipped", reason: "gone" };
      if (kb.pendingEmbeddingModel !== model) return { status: "skipped", reason: "superseded" };
      const embedder = deps.embedders.get(model);
      await deps.ensureIndex(model, embedder.dimensions);
      let embedded = 0;
      for (;;) {
        run.signal.throwIfAborted();
        const done = await embedBatch(knowledgeBaseId, model);
        if (done === "superseded") return { status: "skipped", reason: "superseded" };
        embedded += done;
        if (done > 0) continue;
        const switched = await withTransaction(deps.db, async (tx) => {
          const locked = await r.knowledgeBases.lock(knowledgeBaseId, "update", tx);
          if (locked?.pendingEmbeddingModel !== model) return "superseded" as const;
          if ((await r.knowledgeBases.countToReembed(knowledgeBaseId, tx)) > 0) return false;
          await r.knowledgeBases.switchModel(knowledgeBaseId, model, tx);
          return true;
        });
        if (switched === "superseded") return { status: "skipped", reason: "superseded" };
        if (switched) {
          run.logger.info({ knowledgeBaseId, model, embedded }, "knowledge base switched embedding model");
          return { status: "switched", model, chunks: embedded };
        }
      }
    },
  };
}

export type ReembedService = ReturnType<typeof createReembedService>;
