import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { chunkQuestions, chunks } from "../../src/db/schema/index.js";
import { type Embedder, HashEmbedder } from "../../src/providers/embeddings/index.js";
import type { ServiceContext } from "../../src/services/context.js";
import { systemContext } from "../../src/services/orgs/system-context.js";
import { createWorker } from "../../src/worker/index.js";
import { useTestContainer } from "../setup/container.js";

/** An embedder that fails its next `failures` calls (a provider outage), then embeds with hashes. */
class FlakyEmbedder implements Embedder {
  readonly inner = new HashEmbedder();
  readonly model = this.inner.model;
  readonly dimensions = this.inner.dimensions;
  failures = 0;
  async embed(texts: string[], purpose: "document" | "query") {
    if (this.failures > 0) {
      this.failures--;
      throw new Error("embedding provider answered 503");
    }
    return this.inner.embed(texts, purpose);
  }
}

/** The document.ingest pipeline under failure: retries, dead workers, a crash in the middle of a write. */
describe("ingestion pipeline", () => {
  const embedder = new FlakyEmbedder();
  const t = useTestContainer({ infra: { embedder } });
  let ctx: ServiceContext;
  let kbId: string;
  const services = () => t.current.container.services;
  const repos = () => t.current.container.repositories;
  const fast = { backoff: { baseMs: 10, maxMs: 20 } };
  const worker = (workerId?: string) =>
    createWorker(t.current.container, {
      pollMs: 10,
      catalog: { "document.ingest": fast, "knowledge_base.reembed": fast },
      ...(workerId ? { workerId } : {}),
    });
  const drain = () => worker().runUntilIdle({ includeDelayed: true });
  const chunkIds = async (documentId: string) =>
    (await repos().chunks.findMany(eq(chunks.documentId, documentId))).map((c) => c.id).sort();
  const addText = async (title: string, body: string) =>
    (await services().documents.addText(ctx, kbId, { title, body })).document;

  beforeAll(async () => {
    const r = t.current.container.repositories;
    const org = await r.organizations.create({ name: "Pipeline", slug: `pipe-${randomUUID().slice(0, 8)}` });
    const department = await r.departments.create({ orgId: org.id, name: "Ops", slug: "ops" });
    ctx = systemContext(org.id, t.current.container.database.db, t.current.container.logger, "test");
    kbId = (await services().knowledgeBases.create(ctx, { departmentId: department.id, name: "Runbooks" }))
      .id;
  });

  afterEach(() => {
    vi.restoreAllMocks();
    embedder.failures = 0;
  });

  it("retries a transient provider failure with backoff and ends ready", async () => {
    const doc = await addText("Backups", "Backups run nightly at two and are kept for thirty days.");
    embedder.failures = 2;
    await drain();
    const [job] = await repos().jobs.findByPayload("document.ingest", "documentId", doc.id);
    expect(job).toMatchObject({ status: "done", attempts: 3, lastError: "embedding provider answered 503" });
    expect(await services().documents.get(ctx, doc.id)).toMatchObject({ status: "ready", error: null });
  });

  it("keeps the old chunks when a worker crashes in the middle of writing the new ones", async () => {
    const file = (text: string) => ({ filename: "restarts.md", data: Buffer.from(`# Restarts\n\n${text}`) });
    const { document: doc } = await services().documents.upload(ctx, kbId, file("Use the deploy script."));
    await drain();
    const before = await chunkIds(doc.id);
    expect(before.length).toBeGreaterThan(0);
    const chunkRepo = repos().chunks;
    const write = chunkRepo.write.bind(chunkRepo);
    vi.spyOn(chunkRepo, "write").mockImplementationOnce(async (rows, questions, tx) => {
      await write(rows.slice(0, 1), questions?.slice(0, 1), tx);
      throw new Error("worker killed mid-write");
    });
    const replaced = await services().documents.upload(ctx, kbId, file("Use the admin console instead."));
    expect(replaced).toMatchObject({ created: false, document: { id: doc.id, revision: 2 } });
    const run = worker();
    await run.pollOnce();
    while (run.busy > 0) await new Promise((r) => setTimeout(r, 10));
    expect(await chunkIds(doc.id)).toEqual(before);
    const failed = await services().documents.get(ctx, doc.id);
    expect(failed.status).toBe("pending");
    expect(failed.error).toMatch(/worker killed mid-write.*retrying/);
    await drain();
    expect(await services().documents.get(ctx, doc.id)).toMatchObject({ status: "ready", error: null });
    const after = await chunkIds(doc.id);
    expect(after.length).toBeGreaterThan(0);
    expect(after.some((id) => before.includes(id))).toBe(false);
  });

  it("picks up a job whose worker died once its lease expires, and completes it", async () => {
    const doc = await addText("Certificates", "TLS certificates renew automatically every sixty days.");
    const [claimed] = await repos().jobs.claim("crashed-worker", 1, 60_000);
    expect(claimed?.payload.documentId).toBe(doc.id);
    await services().documents.get(ctx, doc.id);
    expect(await worker("survivor").pollOnce()).toBe(0);
    await t.current.container.database.db.execute(
      sql`UPDATE jobs SET locked_until = now() - interval '1 second' WHERE id = ${claimed!.id}`,
    );
    await drain();
    const job = await repos().jobs.findById(claimed!.id);
    expect(job).toMatchObject({ status: "done", attempts: 2 });
    expect(await services().documents.get(ctx, doc.id)).toMatchObject({ status: "ready" });
    expect((await chunkIds(doc.id)).length).toBeGreaterThan(0);
  });

  it("re-embeds with a new model in the background and switches only when every chunk has it", async () => {
    const doc = await addText("Pager", "The on-call engineer carries the pager for one week.");
    await drain();
    const updated = await services().knowledgeBases.update(ctx, kbId, { embeddingModel: "hash-256" });
    expect(updated).toMatchObject({ embeddingModel: "hash-384", pendingEmbeddingModel: "hash-256" });
    const before = await services().search.searchKnowledgeBase(ctx, kbId, { query: "on-call pager week" });
    expect(before.models).toEqual(["hash-384"]);
    expect(before.results[0]?.documentId).toBe(doc.id);

    await drain();
    const kb = await services().knowledgeBases.get(ctx, kbId);
    expect(kb).toMatchObject({ embeddingModel: "hash-256", pendingEmbeddingModel: null });
    const rows = await repos().chunks.findMany(eq(chunks.knowledgeBaseId, kbId));
    expect(rows.every((c) => c.embeddingModel === "hash-256" && c.embedding?.length === 256)).toBe(true);
    expect(rows.every((c) => c.nextEmbedding === null)).toBe(true);
    const questions = await repos().chunkQuestions.findMany(eq(chunkQuestions.knowledgeBaseId, kbId));
    expect(questions.length).toBeGreaterThan(0);
    expect(new Set(questions.map((q) => q.embeddingModel))).toEqual(new Set(["hash-256"]));
    const after = await services().search.searchKnowledgeBase(ctx, kbId, {
      query: "on-call pager week",
      mode: "vector",
    });
    expect(after.models).toEqual(["hash-256"]);
    expect(after.results[0]?.documentId).toBe(doc.id);
  });
});
