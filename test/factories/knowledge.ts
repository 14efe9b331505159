import type { Queryable } from "../../src/db/client.js";
import type * as s from "../../src/db/schema/index.js";
import { DEFAULT_EMBEDDING_MODEL } from "../../src/db/schema/index.js";
import { newId } from "../../src/lib/ids.js";
import type { NewChunkQuestion } from "../../src/repositories/chunk.repository.js";
import type { DepartmentRow } from "./identity.js";
import type { Overrides, Repositories, Row, Values } from "./types.js";
import { unique, uniqueNumber } from "./unique.js";

export type KnowledgeBaseRow = Row<typeof s.knowledgeBases>;
export type DocumentRow = Row<typeof s.documents>;
export type ChunkRow = Row<typeof s.chunks>;
type DepartmentRef = Pick<DepartmentRow, "id" | "orgId">;
type KnowledgeBaseRef = Pick<KnowledgeBaseRow, "id" | "orgId" | "departmentId">;
/** A document filed in a knowledge base (chunks need one). */
type DocumentRef = Pick<DocumentRow, "id" | "orgId" | "departmentId"> & { knowledgeBaseId: string | null };

export const EMBEDDING_DIMENSIONS = 384;

/**
 * A deterministic pseudo-random vector in [-1, 1] (four decimals). With `exact`, every value is a multiple
 * of 1/64 so it survives halfvec's 16-bit floats unchanged and can be compared with toEqual.
 */
export function testEmbedding(
  seed: number,
  options: { dimensions?: number; exact?: boolean } = {},
): number[] {
  const dimensions = options.dimensions ?? EMBEDDING_DIMENSIONS;
  let state = (seed * 2_654_435_761) >>> 0 || 1;
  const values: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const unit = state / 0xffff_ffff;
    const value = unit * 2 - 1;
    // Four decimals are more than halfvec keeps and keep SQL payloads small; `|| 0` drops -0, which the
    // database does not give back.
    values.push((options.exact ? Math.round(value * 64) / 64 : Math.round(value * 10_000) / 10_000) || 0);
  }
  return values;
}

export function knowledgeBaseValues(
  department: DepartmentRef,
  overrides: Overrides<typeof s.knowledgeBases> = {},
): Values<typeof s.knowledgeBases> {
  return {
    orgId: department.orgId,
    departmentId: department.id,
    name: unique("kb"),
    config: { chunkSize: 800, overlap: 100 },
    ...overrides,
  };
}

export function makeKnowledgeBase(
  repos: Repositories,
  department: DepartmentRef,
  overrides: Overrides<typeof s.knowledgeBases> = {},
  tx?: Queryable,
) {
  return repos.knowledgeBases.create(knowledgeBaseValues(department, overrides), tx);
}

export function webSourceValues(
  kb: KnowledgeBaseRef,
  overrides: Overrides<typeof s.webSources> = {},
): Values<typeof s.webSources> {
  return {
    orgId: kb.orgId,
    departmentId: kb.departmentId,
    knowledgeBaseId: kb.id,
    rootUrl: `https://${unique("site")}.example.test/`,
    includePatterns: ["/docs/*"],
    ...overrides,
  };
}

export function makeWebSource(
  repos: Repositories,
  kb: KnowledgeBaseRef,
  overrides: Overrides<typeof s.webSources> = {},
  tx?: Queryable,
) {
  return repos.webSources.create(webSourceValues(kb, overrides), tx);
}

export function documentValues(
  kb: KnowledgeBaseRef,
  overrides: Overrides<typeof s.documents> = {},
): Values<typeof s.documents> {
  return {
    orgId: kb.orgId,
    departmentId: kb.departmentId,
    knowledgeBaseId: kb.id,
    title: unique("Document"),
    type: "md",
    content: "# Handbook\n\nSome text.",
    metadata: { source: "factory" },
    ...overrides,
  };
}

export function makeDocument(
  repos: Repositories,
  kb: KnowledgeBaseRef,
  overrides: Overrides<typeof s.documents> = {},
  tx?: Queryable,
) {
  return repos.documents.create(documentValues(kb, overrides), tx);
}

export function chunkValues(
  doc: DocumentRef,
  overrides: Overrides<typeof s.chunks> = {},
): Values<typeof s.chunks> {
  if (!doc.knowledgeBaseId) throw new Error("chunks need a document filed in a knowledge base");
  const ordinal = overrides.ordinal ?? uniqueNumber();
  return {
    orgId: doc.orgId,
    departmentId: doc.departmentId,
    knowledgeBaseId: doc.knowledgeBaseId,
    documentId: doc.id,
    ordinal,
    content: `Chunk ${ordinal} of the handbook.`,
    tokenCount: 6,
    embedding: testEmbedding(ordinal, { exact: true }),
    embeddingModel: DEFAULT_EMBEDDING_MODEL,
    syntheticQuestions: ["What does the handbook say?"],
    metadata: { page: 1 },
    ...overrides,
  };
}

/**
 * Writes chunks (and synthetic questions) through the production writer, `ChunkRepository.write` (COPY
 * on server PostgreSQL, INSERTs on PGlite), and returns the chunk rows in the order given.
 */
export async function writeChunks(
  repos: Repositories,
  rows: Values<typeof s.chunks>[],
  questions: NewChunkQuestion[] = [],
  tx?: Queryable,
): Promise<ChunkRow[]> {
  const withIds = rows.map((row) => ({ ...row, id: row.id ?? newId() }));
  await repos.chunks.write(withIds, questions, tx);
  const written = new Map(
    (
      await repos.chunks.findByIds(
        withIds.map((row) => row.id),
        tx,
      )
    ).map((c) => [c.id, c]),
  );
  return withIds.map((row) => {
    const chunk = written.get(row.id);
    if (!chunk) throw new Error(`chunk ${row.id} was not written`);
    return chunk;
  });
}

export async function makeChunk(
  repos: Repositories,
  doc: DocumentRef,
  overrides: Overrides<typeof s.chunks> = {},
  tx?: Queryable,
): Promise<ChunkRow> {
  const [chunk] = await writeChunks(repos, [chunkValues(doc, overrides)], [], tx);
  return chunk!;
}

export function chunkQuestionValues(
  chunk: Pick<ChunkRow, "id" | "orgId" | "departmentId" | "knowledgeBaseId">,
  overrides: Overrides<typeof s.chunkQuestions> = {},
): Values<typeof s.chunkQuestions> {
  return {
    orgId: chunk.orgId,
    departmentId: chunk.departmentId,
    knowledgeBaseId: chunk.knowledgeBaseId,
    chunkId: chunk.id,
    question: "How many days of leave do I get?",
    embedding: testEmbedding(7, { exact: true }),
    embeddingModel: DEFAULT_EMBEDDING_MODEL,
    ...overrides,
  };
}
