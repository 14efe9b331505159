/**
 * BEIR-format data, standard metrics (as trec_eval / pytrec_eval compute them for BEIR) and the
 * ingestion step of the retrieval evaluation. The ingestion is one function, `ingestCorpus`, so the
 * jobs pipeline can replace it without touching the evaluation.
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Container } from "../src/app/container.js";
import { newId } from "../src/lib/ids.js";
import type { Embedder } from "../src/providers/embeddings/embedder.js";
import type { NewChunk } from "../src/repositories/chunk.repository.js";
import { chunkDocument } from "../src/services/knowledge/ingestion/chunking.js";
import type { QuestionGenerator } from "../src/services/knowledge/ingestion/synthetic-questions.js";

export interface BeirDoc {
  id: string;
  title: string;
  text: string;
}

export type Qrels = Map<string, Map<string, number>>;

/**
 * JSON Lines: one JSON value per "\n"-terminated line. Only "\n" ends a line: U+2028/U+2029 (legal
 * inside JSON strings, and line breaks to `node:readline`) and a lone "\r" stay part of the value.
 */
export function parseJsonLines(text: string, path = "input"): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch (error) {
      throw new Error(`${path}:${i + 1}: not JSON (${(error as Error).message})`);
    }
  });
  return out;
}

async function jsonLines(path: string): Promise<Record<string, unknown>[]> {
  return parseJsonLines(await readFile(path, "utf8"), path);
}

export async function readCorpus(dir: string): Promise<BeirDoc[]> {
  const docs: BeirDoc[] = [];
  for (const d of await jsonLines(join(dir, "corpus.jsonl"))) {
    docs.push({ id: String(d._id), title: String(d.title ?? ""), text: String(d.text ?? "") });
  }
  return docs;
}

export async function readQueries(dir: string): Promise<Map<string, string>> {
  const queries = new Map<string, string>();
  for (const q of await jsonLines(join(dir, "queries.jsonl"))) queries.set(String(q._id), String(q.text));
  return queries;
}

export function readQrels(dir: string, split: string): Qrels {
  const path = join(dir, "qrels", `${split}.tsv`);
  if (!existsSync(path)) throw new Error(`no qrels file ${path}`);
  const qrels: Qrels = new Map();
  for (const line of readFileSync(path, "utf8").split(/\r?\n/).slice(1)) {
    const [q, d, score] = line.split("\t");
    if (!q || !d || score === undefined) continue;
    if (!qrels.has(q)) qrels.set(q, new Map());
    qrels.get(q)!.set(d, Number(score));
  }
  return qrels;
}

/** nDCG@k with linear gains (trec_eval `ndcg_cut`, which BEIR reports). */
export function ndcgAt(ranked: readonly string[], relevant: Map<string, number>, k = 10): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((id, i) => {
    dcg += (relevant.get(id) ?? 0) / Math.log2(i + 2);
  });
  const ideal = [...relevant.values()].filter((g) => g > 0).sort((a, b) => b - a);
  let idcg = 0;
  ideal.slice(0, k).forEach((g, i) => {
    idcg += g / Math.log2(i + 2);
  });
  return idcg > 0 ? dcg / idcg : 0;
}

export function recallAt(ranked: readonly string[], relevant: Map<string, number>, k = 100): number {
  const wanted = [...relevant].filter(([, g]) => g > 0).map(([id]) => id);
  if (wanted.length === 0) return 0;
  const top = new Set(ranked.slice(0, k));
  return wanted.filter((id) => top.has(id)).length / wanted.length;
}

export function mrrAt(ranked: readonly string[], relevant: Map<string, number>, k = 10): number {
  const index = ranked.slice(0, k).findIndex((id) => (relevant.get(id) ?? 0) > 0);
  return index < 0 ? 0 : 1 / (index + 1);
}

export interface IngestTarget {
  orgId: string;
  departmentId: string;
  knowledgeBaseId: string;
}

export interface IngestStats {
  documents: number;
  chunks: number;
  questions: number;
  /** Milliseconds spent in each step. */
  ms: { chunk: number; embed: number; write: number };
}

/**
 * Writes a corpus into a knowledge base: documents, chunks (title + text through the chunker),
 * embeddings, synthetic questions. Returns the stats and fills `documentIds` (BEIR id → document id).
 */
export async function ingestCorpus(
  container: Container,
  target: IngestTarget,
  corpus: readonly BeirDoc[],
  options: {
    embedder: Embedder;
    questions?: QuestionGenerator | undefined;
    chunkSize?: number;
    batch?: number;
  },
  documentIds: Map<string, string>,
): Promise<IngestStats> {
  const repos = container.repositories;
  const stats: IngestStats = { documents: 0, chunks: 0, questions: 0, ms: { chunk: 0, embed: 0, write: 0 } };
  const batch = options.batch ?? 500;
  const time = async <T>(step: keyof IngestStats["ms"], run: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    try {
      return await run();
    } finally {
      stats.ms[step] += performance.now() - t0;
    }
  };
  for (let i = 0; i < corpus.length; i += batch) {
    const docs = corpus.slice(i, i + batch);
    const rows = docs.map((d) => ({ id: newId(), doc: d }));
    for (const { id, doc } of rows) documentIds.set(doc.id, id);
    const prepared = await time("chunk", () =>
      rows.flatMap(({ id, doc }) =>
        chunkDocument(
          { kind: "text", text: doc.title ? `${doc.title}\n\n${doc.text}` : doc.text, markdown: false },
          { chunkSize: options.chunkSize ?? 512, overlap: 64 },
        ).map((c, ordinal) => ({ ...c, documentId: id, ordinal, title: doc.title })),
      ),
    );
    const vectors = await time("embed", () =>
      options.embedder.embed(
        prepared.map((c) => c.content),
        "document",
      ),
    );
    const chunkRows: NewChunk[] = prepared.map((c, j) => ({
      id: newId(),
      ...target,
      documentId: c.documentId,
      ordinal: c.ordinal,
      content: c.content,
      tokenCount: c.tokenCount,
      embedding: vectors[j]!,
      embeddingModel: options.embedder.model,
      metadata: c.metadata,
    }));
    const questionRows = options.questions
      ? await time("chunk", async () => {
          const out: { chunkId: string; question: string }[] = [];
          for (const [j, c] of prepared.entries()) {
            for (const question of await options.questions!.generate(
              { content: c.content, title: c.title },
              3,
            )) {
              out.push({ chunkId: chunkRows[j]!.id!, question });
            }
          }
          return out;
        })
      : [];
    const byChunk = new Map<string, string[]>();
    for (const q of questionRows) byChunk.set(q.chunkId, [...(byChunk.get(q.chunkId) ?? []), q.question]);
    for (const row of chunkRows) row.syntheticQuestions = byChunk.get(row.id!) ?? [];
    const questionVectors = await time("embed", () =>
      options.embedder.embed(
        questionRows.map((q) => q.question),
        "document",
      ),
    );
    await time("write", async () => {
      await repos.documents.createMany(
        rows.map(({ id, doc }) => ({
          id,
          ...target,
          title: doc.title || doc.id,
          type: "text",
          status: "ready",
        })),
      );
      await repos.chunks.write(chunkRows);
      if (questionRows.length > 0) {
        await repos.chunks.write(
          [],
          questionRows.map((q, j) => ({
            ...target,
            chunkId: q.chunkId,
            question: q.question,
            embedding: questionVectors[j]!,
            embeddingModel: options.embedder.model,
          })),
        );
      }
    });
    stats.documents += docs.length;
    stats.chunks += chunkRows.length;
    stats.questions += questionRows.length;
  }
  return stats;
}
