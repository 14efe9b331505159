import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Access } from "../../src/core/access.js";
import { HashEmbedder } from "../../src/providers/embeddings/hash-embedder.js";
import type { ServiceContext } from "../../src/services/context.js";
import {
  createRetrievalService,
  type RetrievalMode,
  type RetrievalService,
} from "../../src/services/knowledge/search/retrieval.js";
import { makeDepartment, makeDocument, makeKnowledgeBase, makeOrg, writeChunks } from "../factories/index.js";
import { useTestContainer } from "../setup/container.js";

const embedder = new HashEmbedder();
const MODES: RetrievalMode[] = ["vector", "fulltext", "hybrid"];

const A_TEXTS = [
  "Parental leave: employees receive sixteen weeks of paid parental leave after the birth or adoption of a child.",
  "Mileage claims: staff driving a private car on business claim 0.30 EUR per kilometre through the expense portal.",
  "The cafeteria opens at eight and serves breakfast until ten.",
  "The cafeteria opens at eight and serves breakfast until ten.",
];
const B_TEXTS = [
  "Confidential merger plan: parental leave budget for the acquired subsidiary, sixteen weeks, codename Zephyr.",
  "Zephyr acquisition payroll spreadsheet with salaries of the board.",
];

function access(departmentIds: string[], options: Partial<Access> = {}): Access {
  return {
    permissions: new Set(["kb:read"]),
    allDepartments: false,
    departmentIds: new Set(departmentIds),
    excludedDepartmentIds: new Set(),
    ...options,
  };
}

describe("retrieval service", () => {
  const t = useTestContainer({ infra: { embedder } });
  let service: RetrievalService;
  let orgId: string;
  let deptA: string;
  let deptB: string;
  let kbA: string;
  let kbB: string;
  const chunkIds: Record<string, string> = {};
  const ctx = (a: Access): ServiceContext => ({
    orgId,
    actor: { kind: "user", id: "00000000-0000-7000-8000-000000000001" },
    access: a,
    db: t.current.container.database.db,
    meta: { requestId: "test" },
    logger: t.current.container.logger,
  });

  beforeAll(async () => {
    const repos = t.current.container.repositories;
    service = createRetrievalService({ repositories: repos, embedder });
    const org = await makeOrg(repos);
    orgId = org.id;
    const [a, b] = [await makeDepartment(repos, org.id), await makeDepartment(repos, org.id)];
    [deptA, deptB] = [a.id, b.id];
    const [baseA, baseB] = [await makeKnowledgeBase(repos, a), await makeKnowledgeBase(repos, b)];
    [kbA, kbB] = [baseA.id, baseB.id];
    for (const [kb, texts, prefix] of [
      [baseA, A_TEXTS, "a"],
      [baseB, B_TEXTS, "b"],
    ] as const) {
      const doc = await makeDocument(repos, kb, { title: `Handbook ${prefix.toUpperCase()}` });
      const vectors = await embedder.embed([...texts], "document");
      const rows = await writeChunks(
        repos,
        texts.map((content, i) => ({
          orgId: kb.orgId,
          departmentId: kb.departmentId,
          knowledgeBaseId: kb.id,
          documentId: doc.id,
          ordinal: i,
          content,
          embedding: vectors[i]!,
          embeddingModel: embedder.model,
        })),
      );
      rows.forEach((row, i) => {
        chunkIds[`${prefix}${i}`] = row.id;
      });
    }
    const [question] = await embedder.embed(
      ["How do I get reimbursed for driving my own vehicle?"],
      "document",
    );
    await repos.chunks.write(
      [],
      [
        {
          orgId,
          departmentId: deptA,
          knowledgeBaseId: kbA,
          chunkId: chunkIds.a1!,
          question: "How do I get reimbursed for driving my own vehicle?",
          embedding: question!,
          embeddingModel: embedder.model,
        },
      ],
    );
  });

  it.each(MODES)("%s search finds the passage, with title, citation and per-path scores", async (mode) => {
    const { results } = await service.search(ctx(access([deptA])), {
      query: "how many weeks of parental leave",
      mode,
    });
    expect(results[0]).toMatchObject({
      chunkId: chunkIds.a0,
      knowledgeBaseId: kbA,
      title: "Handbook A",
      citation: "[1]",
    });
    expect(results[0]!.scores.fused).toBeGreaterThan(0);
    if (mode !== "fulltext") expect(results[0]!.scores.vector).toBeGreaterThan(0);
    if (mode !== "vector") expect(results[0]!.scores.fulltext).toBeGreaterThan(0);
  });

  it("the synthetic-question path finds a chunk that shares few words with the query", async () => {
    const { results } = await service.search(ctx(access([deptA])), {
      query: "reimbursed for driving my own vehicle",
      mode: "hybrid",
      weights: { vector: 0, fulltext: 0, question: 1 },
    });
    expect(results[0]).toMatchObject({ chunkId: chunkIds.a1 });
    expect(results[0]!.scores.question).toBeGreaterThan(0.5);
  });

  it("suppresses near-duplicate passages", async () => {
    const { results } = await service.search(ctx(access([deptA])), {
      query: "cafeteria breakfast",
      mode: "fulltext",
    });
    expect(results.filter((r) => r.content.startsWith("The cafeteria"))).toHaveLength(1);
  });

  it.each(MODES)("%s search never returns a chunk of a department the caller cannot see", async (mode) => {
    const queries = ["Zephyr merger parental leave sixteen weeks", "payroll salaries board", "confidential"];
    const callers = [
      access([deptA]),
      access([], { allDepartments: true, excludedDepartmentIds: new Set([deptB]) }),
      access([deptA], { excludedDepartmentIds: new Set([deptA]) }),
    ];
    for (const caller of callers) {
      for (const query of queries) {
        const { results } = await service.search(ctx(caller), { query, mode, limit: 50 });
        expect(results.every((r) => r.departmentId === deptA)).toBe(true);
      }
    }
    const all = await service.search(ctx(access([], { allDepartments: true })), { query: queries[0]!, mode });
    expect(all.results.map((r) => r.chunkId)).toContain(chunkIds.b0);
  });

  it("refuses another department's knowledge base as not found, and callers without kb:read", async () => {
    await expect(
      service.search(ctx(access([deptA])), { query: "Zephyr", knowledgeBaseIds: [kbB] }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      service.search(ctx({ ...access([deptA, deptB]), permissions: new Set() }), { query: "Zephyr" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const own = await service.search(ctx(access([deptA, deptB])), {
      query: "Zephyr",
      knowledgeBaseIds: [kbA],
    });
    expect(own.results.every((r) => r.knowledgeBaseId === kbA)).toBe(true);
  });

  it("creates the partial HNSW indexes of a new model once, idempotently", async () => {
    const repo = t.current.container.repositories.retrieval;
    await repo.ensureModelIndex("text-embedding-3-small", 1536);
    await repo.ensureModelIndex("text-embedding-3-small", 1536);
    const result = await t.current.container.database.db.execute(
      sql`SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%textembedding3small%' ORDER BY indexname`,
    );
    const rows = (result as unknown as { rows: { indexname: string; indexdef: string }[] }).rows;
    expect(rows.map((r) => r.indexname)).toEqual([
      "chunk_questions_embedding_textembedding3small_hnsw_idx",
      "chunks_embedding_textembedding3small_hnsw_idx",
    ]);
    expect(rows[1]!.indexdef).toMatch(/hnsw \(\(\(embedding\)::halfvec\(1536\)\) halfvec_cosine_ops\)/);
    expect(rows[1]!.indexdef).toContain("WHERE (embedding_model = 'text-embedding-3-small'::text)");
  });
});
