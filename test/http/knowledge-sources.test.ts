import { describe, expect, it } from "vitest";
import { encryptedPdf, handbookDocx, pagedPdf } from "../fixtures-builders/office.js";
import {
  call,
  createKnowledgeBase,
  documentOf,
  drain,
  search,
  signUp,
  upload,
  useKnowledgeApp,
} from "./knowledge-helpers.js";

/** Every source type through the API, the job queue and the worker, then found by search with its citation. */
describe("knowledge sources, end to end", () => {
  const t = useKnowledgeApp();

  it("ingests DOCX, PDF, Markdown, CSV, HTML and TXT uploads and finds each with the right citation", async () => {
    const tenant = await signUp(t);
    const kb = await createKnowledgeBase(t, tenant.token, tenant.generalId);
    const files: [string, Buffer | string, string][] = [
      [
        "handbook.docx",
        await handbookDocx(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      ],
      [
        "travel.pdf",
        await pagedPdf(["Trains are booked by the office.", "Hotels up to 120 euros a night."]),
        "application/pdf",
      ],
      [
        "onboarding.md",
        "# Onboarding\n\n## Laptop\n\nIT hands out laptops on the first morning.\n",
        "text/markdown",
      ],
      ["prices.csv", "item,price\nstapler,7\nprojector,450\n", "text/csv"],
      [
        "security.html",
        "<html><head><title>Security</title></head><body><h1>Badges</h1><p>Wear your visitor badge at reception.</p></body></html>",
        "text/html",
      ],
      ["notes.txt", "The canteen closes at three on Fridays.", "text/plain"],
    ];
    const ids: Record<string, string> = {};
    for (const [name, data, type] of files) {
      const res = await upload(t, tenant.token, kb, name, data, type);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.document).toMatchObject({
        status: "pending",
        title: name,
        progress: { stage: "queued" },
      });
      ids[name] = res.body.document.id;
    }
    expect(await drain(t)).toBeGreaterThanOrEqual(files.length);

    for (const id of Object.values(ids)) {
      const doc = await documentOf(t, tenant.token, id);
      expect(doc, doc.error).toMatchObject({ status: "ready", error: null, progress: { stage: "done" } });
      expect(doc.chunkCount).toBeGreaterThan(0);
      expect(doc.progress.done).toBe(doc.chunkCount);
    }
    const cases: [string, string, (m: { page?: number; headingPath?: string[] }) => void][] = [
      ["paid leave days per year", "handbook.docx", (m) => expect(m.headingPath).toContain("Leave policy")],
      ["hotel euros night", "travel.pdf", (m) => expect(m.page).toBe(2)],
      [
        "laptops first morning",
        "onboarding.md",
        (m) => expect(m.headingPath).toEqual(["Onboarding", "Laptop"]),
      ],
      ["projector price", "prices.csv", () => undefined],
      ["visitor badge reception", "security.html", (m) => expect(m.headingPath).toContain("Badges")],
      ["canteen Fridays", "notes.txt", () => undefined],
    ];
    for (const [query, name, check] of cases) {
      const answer = await search(t, tenant.token, kb, query);
      const top = answer.results[0];
      expect(top?.documentId, `"${query}" should find ${name}`).toBe(ids[name]);
      expect(top?.citation).toBe("[1]");
      expect(top?.title).toBe(name);
      check(top!.metadata);
    }
  });

  it("ingests freeform text and tables (header repeated in every row group)", async () => {
    const tenant = await signUp(t);
    const kb = await createKnowledgeBase(t, tenant.token, tenant.generalId, {
      config: { tableRowsPerChunk: 2 },
    });
    const text = await call(t, "POST", `/knowledge-bases/${kb}/documents/text`, {
      token: tenant.token,
      body: { title: "Parking", body: "Staff park on level minus two. Visitors use the street." },
    });
    expect(text.status).toBe(201);
    const table = await call(t, "POST", `/knowledge-bases/${kb}/documents/table`, {
      token: tenant.token,
      body: {
        title: "Extensions",
        rows: [
          { name: "Alice", extension: 101 },
          { name: "Bob", extension: 102 },
          { name: "Carol", extension: 103 },
        ],
      },
    });
    expect(table.status).toBe(201);
    const csv = await call(t, "POST", `/knowledge-bases/${kb}/documents/table`, {
      token: tenant.token,
      body: { title: "Rooms", csv: "room,seats\nAtlas,12\nBoreal,4\n" },
    });
    expect(csv.status, JSON.stringify(csv.body)).toBe(201);
    await drain(t);

    const parking = await search(t, tenant.token, kb, "where do staff park");
    expect(parking.results[0]?.documentId).toBe(text.body.document.id);
    const tableDoc = await documentOf(t, tenant.token, table.body.document.id);
    expect(tableDoc).toMatchObject({ status: "ready", chunkCount: 2, type: "table" });
    const carol = await search(t, tenant.token, kb, "Carol extension", { mode: "fulltext" });
    const hit = carol.results.find((r) => r.documentId === table.body.document.id)!;
    expect(hit.content).toContain("| name | extension |");
    expect(hit.content).toContain("Carol");
    expect(hit.metadata.rowStart).toBe(3);
    const rooms = await search(t, tenant.token, kb, "Boreal seats", { mode: "fulltext" });
    expect(rooms.results[0]?.documentId).toBe(csv.body.document.id);
  });

  it("answers a malformed or truncated multipart body with 400, never 500", async () => {
    const tenant = await signUp(t);
    const kb = await createKnowledgeBase(t, tenant.token, tenant.generalId);
    for (const payload of [
      '{"filename":"a.txt","contentBase64":"aGk="}',
      "--x\r\n",
      '--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\ncut off',
    ]) {
      const response = await t.app.inject({
        method: "POST",
        url: `/knowledge-bases/${kb}/documents`,
        headers: {
          authorization: `Bearer ${tenant.token}`,
          "content-type": "multipart/form-data; boundary=x",
        },
        payload,
      });
      expect(response.statusCode, payload).toBe(400);
      expect(JSON.parse(response.body).error).toMatchObject({
        code: "VALIDATION",
        message: expect.stringContaining("multipart"),
      });
    }
  });

  it("fails unreadable files with a clear error, refuses unknown types, and re-ingests idempotently", async () => {
    const tenant = await signUp(t);
    const kb = await createKnowledgeBase(t, tenant.token, tenant.generalId);
    const refused = await upload(t, tenant.token, kb, "tool.exe", Buffer.from("MZ"));
    expect(refused.status).toBe(400);
    const locked = await upload(t, tenant.token, kb, "secret.pdf", encryptedPdf(), "application/pdf");
    const notes = await upload(t, tenant.token, kb, "notes.md", "# Notes\n\nThe printer is on floor two.");
    await drain(t);
    const failed = await documentOf(t, tenant.token, locked.body.document.id);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/password|encrypted/i);
    const jobs = await t.context.container.repositories.jobs.findByPayload(
      "document.ingest",
      "documentId",
      failed.id,
    );
    expect(jobs.map((j) => [j.status, j.attempts])).toEqual([["failed", 1]]);

    const ready = await documentOf(t, tenant.token, notes.body.document.id);
    const chunkIds = await chunkIdsOf(ready.id);
    const again = await upload(t, tenant.token, kb, "notes.md", "# Notes\n\nThe printer is on floor two.");
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, document: { id: ready.id } });
    const reingest = await call(t, "POST", `/documents/${ready.id}/reingest`, { token: tenant.token });
    expect(reingest.body).toMatchObject({ status: "pending", revision: 2 });
    await drain(t);
    expect(await documentOf(t, tenant.token, ready.id)).toMatchObject({
      status: "ready",
      chunkCount: ready.chunkCount,
    });
    expect(await chunkIdsOf(ready.id)).toEqual(chunkIds);

    const changed = await upload(
      t,
      tenant.token,
      kb,
      "notes.md",
      "# Notes\n\nThe printer moved to floor five.",
    );
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ created: false, document: { id: ready.id, revision: 3 } });
    await drain(t);
    const after = await chunkIdsOf(ready.id);
    expect(after.some((id) => chunkIds.includes(id))).toBe(false);
    const five = await search(t, tenant.token, kb, "printer floor five", { mode: "fulltext" });
    expect(five.results.map((r) => r.content).join(" ")).not.toContain("floor two");

    expect((await call(t, "DELETE", `/documents/${ready.id}`, { token: tenant.token })).status).toBe(204);
    expect(await chunkIdsOf(ready.id)).toEqual([]);
    expect((await call(t, "GET", `/documents/${ready.id}`, { token: tenant.token })).status).toBe(404);
  });

  async function chunkIdsOf(documentId: string): Promise<string[]> {
    const { chunks } = await import("../../src/db/schema/index.js");
    const { eq } = await import("drizzle-orm");
    const rows = await t.context.container.repositories.chunks.findMany(eq(chunks.documentId, documentId));
    return rows.map((r) => r.id).sort();
  }
});
