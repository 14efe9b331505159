import type { Container } from "../../src/app/container.js";
import { withTransaction } from "../../src/db/transaction.js";
import { newId } from "../../src/lib/ids.js";
import type { NewChunk } from "../../src/repositories/chunk.repository.js";
import type { Rng } from "./prng.js";
import { textGenerator } from "./synthetic.js";

const CHUNKS_PER_DOCUMENT = 50;
const EMBED_BATCH = 500;

export interface ChatCorpus {
  /** Chunks in the knowledge base now. */
  total: number;
  added: number;
  /** A question of five to eight words taken from a random synthetic chunk (so retrieval finds it). */
  question(rng: Rng): string;
}

/**
 * Grows a knowledge base to `target` chunks with generated workplace text, embedded by the container's
 * own embedder and written through the pipeline's transactional chunk write (one document per 50
 * chunks), so retrieval runs against the same rows and indexes as real ingestion produces.
 */
export async function addSyntheticChunks(
  container: Container,
  options: { knowledgeBaseId: string; target: number; rng: Rng },
): Promise<ChatCorpus> {
  const r = container.repositories;
  const kb = await r.knowledgeBases.findById(options.knowledgeBaseId);
  if (!kb) throw new Error(`knowledge base ${options.knowledgeBaseId} not found`);
  const existing = await r.chunks.count(undefined);
  const wanted = Math.max(0, options.target - existing);
  const text = textGenerator();
  const contents = Array.from({ length: wanted }, () => text.paragraph(options.rng, 4, 8));
  const embedder = container.embedder;
  for (let start = 0; start < contents.length; start += CHUNKS_PER_DOCUMENT) {
    const slice = contents.slice(start, start + CHUNKS_PER_DOCUMENT);
    const vectors: number[][] = [];
    for (let i = 0; i < slice.length; i += EMBED_BATCH)
      vectors.push(...(await embedder.embed(slice.slice(i, i + EMBED_BATCH), "document")));
    const doc = await r.documents.create({
      orgId: kb.orgId,
      departmentId: kb.departmentId,
      knowledgeBaseId: kb.id,
      title: `Synthetic policy ${start / CHUNKS_PER_DOCUMENT + 1}`,
      type: "text",
      sourceKind: "freeform",
      status: "ready",
    });
    const rows: NewChunk[] = slice.map((content, ordinal) => ({
      id: newId(),
      orgId: kb.orgId,
      departmentId: kb.departmentId,
      knowledgeBaseId: kb.id,
      documentId: doc.id,
      ordinal,
      content,
      tokenCount: 80,
      embedding: vectors[ordinal]!,
      embeddingModel: embedder.model,
      syntheticQuestions: [],
      metadata: { headingPath: [] },
    }));
    await withTransaction(container.database.db, (tx) => r.chunks.replaceOfDocument(doc.id, rows, [], tx));
  }
  return {
    total: existing + wanted,
    added: wanted,
    question(rng) {
      const source = contents.length > 0 ? rng.pick(contents) : "annual leave expenses travel policy";
      const words = source.toLowerCase().match(/[a-z]+/g) ?? [];
      const count = Math.min(words.length, rng.range(5, 8));
      const from = rng.int(Math.max(1, words.length - count + 1));
      return `What does the policy say about ${words.slice(from, from + count).join(" ")}?`;
    },
  };
}
