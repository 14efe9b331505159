import type { Queryable } from "../../../db/client.js";
import type { IngestProgress } from "../../../db/schema/knowledge.js";
import { withTransaction } from "../../../db/transaction.js";
import { AppError } from "../../../lib/errors.js";
import { sha256 } from "../../../lib/hash.js";
import { newId } from "../../../lib/ids.js";
import type { Logger } from "../../../lib/logger.js";
import type { Embedder } from "../../../providers/embeddings/index.js";
import type { BlobStorage } from "../../../providers/storage/index.js";
import type { NewChunk, NewChunkQuestion } from "../../../repositories/chunk.repository.js";
import type { DocumentRow } from "../../../repositories/document.repository.js";
import type { Repositories } from "../../../repositories/index.js";
import type { EmbedderRegistry } from "../bases/index.js";
import { type KnowledgeBaseConfig, resolveConfig } from "../bases/index.js";
import type { TextChunk } from "./chunking.js";
import { type PreparedSource, prepareSource } from "./prepare-source.js";
import type { QuestionGenerator } from "./synthetic-questions.js";

export interface IngestRun {
  revision: number;
  attempt: number;
  /** No retry follows a failure of this attempt. */
  final: boolean;
  signal: AbortSignal;
  logger: Logger;
}

export type IngestOutcome =
  | { status: "ready"; chunks: number; questions: number; unchanged: boolean }
  | { status: "skipped"; reason: "gone" | "superseded" };

const EMBED_BATCH = 64;

export interface IngestDeps {
  db: Queryable;
  repositories: Pick<Repositories, "documents" | "chunks" | "knowledgeBases">;
  storage: BlobStorage;
  embedders: EmbedderRegistry;
  questions: QuestionGenerator;
  /** Told once when a document fails for good (the notification centre, once it exists). */
  onFailed?: (() => IngestFailureListener | undefined) | undefined;
}

/** Hears of a document whose ingestion failed for good (no retry follows). */
export type IngestFailureListener = (doc: DocumentRow, message: string) => Promise<void>;

/**
 * The `document.ingest` pipeline: source → extract → chunk → embed (batches, the knowledge base's
 * model) → synthetic questions → store. Storing deletes the old chunks and writes the new ones in one
 * transaction, so a worker that dies mid-document leaves the old chunks or the new, never a mix.
 * Idempotent: when the extracted text and settings hash to the stored `contentHash`, nothing is written.
 */
export function createIngestService(deps: IngestDeps) {
  const r = deps.repositories;

  const progress = (id: string, value: IngestProgress) =>
    r.documents.setProgress(id, { ...value, at: new Date().toISOString() });

  async function embedAll(
    embedder: Embedder,
    texts: string[],
    signal: AbortSignal,
    onBatch: (done: number) => Promise<void>,
  ): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let i = 0; i < texts.length; i += EMBED_BATCH) {
      signal.throwIfAborted();
      vectors.push(...(await embedder.embed(texts.slice(i, i + EMBED_BATCH), "document")));
      await onBatch(Math.min(texts.length, i + EMBED_BATCH));
    }
    return vectors;
  }

  async function buildRows(
    doc: DocumentRow,
    chunks: TextChunk[],
    embedder: Embedder,
    config: KnowledgeBaseConfig,
    run: IngestRun,
  ): Promise<{ rows: NewChunk[]; questions: NewChunkQuestion[] }> {
    const owner = { orgId: doc.orgId, departmentId: doc.departmentId, knowledgeBaseId: doc.knowledgeBaseId! };
    const total = chunks.length;
    await progress(doc.id, { stage: "embedding", done: 0, total });
    const vectors = await embedAll(
      embedder,
      chunks.map((c) => c.content),
      run.signal,
      (done) => progress(doc.id, { stage: "embedding", done, total }),
    );
    const rows: NewChunk[] = chunks.map((c, ordinal) => ({
      id: newId(),
      ...owner,
      documentId: doc.id,
      ordinal,
      content: c.content,
      tokenCount: c.tokenCount,
      embedding: vectors[ordinal]!,
      embeddingModel: embedder.model,
      syntheticQuestions: [],
      metadata: c.metadata,
    }));
    if (!config.syntheticQuestions) return { rows, questions: [] };
    await progress(doc.id, { stage: "questions", done: 0, total });
    const pending: { chunkId: string; question: string }[] = [];
    for (const [i, c] of chunks.entries()) {
      const generated = await deps.questions.generate(
        { content: c.content, headingPath: c.metadata.headingPath, title: doc.title },
        3,
      );
      rows[i]!.syntheticQuestions = generated;
      for (const question of generated) pending.push({ chunkId: rows[i]!.id!, question });
    }
    const questionVectors = await embedAll(
      embedder,
      pending.map((q) => q.question),
      run.signal,
      async () => {},
    );
    const questions = pending.map((q, i) => ({
      ...owner,
      chunkId: q.chunkId,
      question: q.question,
      embedding: questionVectors[i]!,
      embeddingModel: embedder.model,
    }));
    return { rows, questions };
  }

  /** Writes the result if the document and its model are still what this run started from. */
  async function store(
    doc: DocumentRow,
    run: IngestRun,
    embedder: Embedder,
    prepared: PreparedSource,
    hash: string,
    built: { rows: NewChunk[]; questions: NewChunkQuestion[] },
  ): Promise<IngestOutcome> {
    await progress(doc.id, { stage: "storing", done: 0, total: built.rows.length });
    return withTransaction(deps.db, async (tx) => {
      const kb = await r.knowledgeBases.lock(doc.knowledgeBaseId!, "share", tx);
      const current = await r.documents.lock(doc.id, tx);
      if (!kb || !current) return { status: "skipped", reason: "gone" } as const;
      if (current.revision > run.revision) return { status: "skipped", reason: "superseded" } as const;
      if (kb.embeddingModel !== embedder.model) {
        throw new AppError(
          "UNAVAILABLE",
          "The knowledge base switched embedding models during ingestion; retrying",
        );
      }
      run.signal.throwIfAborted();
      await r.chunks.replaceOfDocument(doc.id, built.rows, built.questions, tx);
      const total = built.rows.length;
      await r.documents.update(
        doc.id,
        {
          status: "ready",
          error: null,
          contentHash: hash,
          chunkCount: total,
          tokenCount: built.rows.reduce((sum, c) => sum + (c.tokenCount ?? 0), 0),
          processedAt: new Date(),
          ...(prepared.type ? { type: prepared.type } : {}),
          metadata: { ...current.metadata, ...prepared.metadata },
          ingestedRevision: run.revision,
          progress: { stage: "done", done: total, total, at: new Date().toISOString() },
        },
        tx,
      );
      return { status: "ready", chunks: total, questions: built.questions.length, unchanged: false } as const;
    });
  }

  return {
    async ingest(documentId: string, run: IngestRun): Promise<IngestOutcome> {
      const doc = await r.documents.findById(documentId);
      if (!doc?.knowledgeBaseId) return { status: "skipped", reason: "gone" };
      if (doc.revision > run.revision) return { status: "skipped", reason: "superseded" };
      const kb = await r.knowledgeBases.findById(doc.knowledgeBaseId);
      if (!kb) return { status: "skipped", reason: "gone" };
      const config = resolveConfig(kb.config);
      const embedder = deps.embedders.get(kb.embeddingModel);
      await r.documents.update(doc.id, { status: "processing" });
      await progress(doc.id, { stage: "extracting", attempt: run.attempt });
      const prepared = await prepareSource(doc, config, deps.storage, run.signal);
      const settings = `${config.chunkSize}/${config.chunkOverlap}/${config.tableRowsPerChunk}/${config.syntheticQuestions}`;
      const hash = sha256(`${prepared.text}\u0000${settings}\u0000${embedder.model}`);
      if (doc.contentHash === hash && doc.processedAt) {
        const total = doc.chunkCount;
        await r.documents.update(doc.id, { status: "ready", error: null });
        await progress(doc.id, { stage: "done", done: total, total });
        return { status: "ready", chunks: total, questions: 0, unchanged: true };
      }
      if (prepared.chunks.length === 0)
        throw new AppError("VALIDATION", "The document produced no text to index");
      const built = await buildRows(doc, prepared.chunks, embedder, config, run);
      const outcome = await store(doc, run, embedder, prepared, hash, built);
      run.logger.info({ documentId, outcome }, "document ingested");
      return outcome;
    },

    /** Records a failed attempt: failed for good (message kept) or pending again until the retry. */
    async recordFailure(documentId: string, message: string, options: { final: boolean; attempt?: number }) {
      const doc = await r.documents.findById(documentId);
      if (!doc) return;
      const newlyFailed = options.final && doc.status !== "failed";
      await r.documents.update(documentId, {
        status: options.final ? "failed" : "pending",
        error: options.final ? message : `Attempt ${options.attempt ?? "?"} failed (${message}); retrying`,
      });
      await progress(
        documentId,
        options.final ? { stage: "failed" } : { stage: "retrying", attempt: options.attempt },
      );
      if (newlyFailed) await deps.onFailed?.()?.(doc, message);
    },
  };
}

export type IngestService = ReturnType<typeof createIngestService>;
