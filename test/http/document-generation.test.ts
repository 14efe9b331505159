import { describe, expect, it } from "vitest";
import { extractDocument } from "../../src/services/knowledge/sources/extract/index.js";
import { addMember, type TestApp } from "./identity-helpers.js";
import {
  call,
  createKnowledgeBase,
  documentOf,
  drain,
  search,
  signUp,
  useKnowledgeApp,
} from "./knowledge-helpers.js";

const body = [
  "# Purchase order {{orderNo}}",
  "",
  "Supplier: **{{supplier}}**, due {{formatDate due}}.",
  "",
  "## Lines",
  "",
  "| Item | Quantity | Price |",
  "|---|---|---|",
  "{{#each lines}}",
  "| {{item}} | {{qty}} | {{currency price}} |",
  "{{/each}}",
  "",
  "## Notes",
  "",
  "{{#each notes}}",
  "- {{this}}",
  "{{/each}}",
  "",
  "{{#if urgent}}This order is urgent.{{else}}Standard delivery.{{/if}}",
  "",
].join("\n");

const variables = [
  { name: "orderNo", type: "string", required: true },
  { name: "supplier", type: "string", required: true },
  { name: "due", type: "date", required: true },
  { name: "lines", type: "list", required: true },
  { name: "notes", type: "list", default: [] },
  { name: "urgent", type: "boolean", default: false },
  { name: "priority", type: "string", enum: ["low", "high"], default: "low" },
];

const input = {
  orderNo: "PO-7781",
  supplier: "Zephyr Office Supplies",
  due: "2026-04-30",
  lines: [
    { item: "Quartz stapler", qty: 12, price: 7.5 },
    { item: "Walnut desk", qty: 2, price: 480 },
  ],
  notes: ["Deliver to the loading bay", "Invoice the finance team"],
  urgent: true,
};

async function download(t: TestApp, token: string, id: string) {
  const res = await t.app.inject({
    method: "GET",
    url: `/document-generations/${id}/download`,
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    status: res.statusCode,
    headers: res.headers,
    data: res.rawPayload,
    json: () => JSON.parse(res.body),
  };
}

async function template(t: TestApp, token: string, departmentId: string, outputFormat: string, extra = {}) {
  const res = await call(t, "POST", "/document-templates", {
    token,
    body: {
      name: `Purchase order ${outputFormat}`,
      departmentId,
      templateBody: body,
      variables,
      outputFormat,
      ...extra,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

describe("document generation", () => {
  const t = useKnowledgeApp();

  it("writes real PDF and DOCX files the project's extractors read back with the rendered values", async () => {
    const tenant = await signUp(t, "Northwind Traders");
    for (const format of ["pdf", "docx", "html", "text", "markdown"] as const) {
      const id = await template(t, tenant.token, tenant.generalId, format);
      const gen = await call(t, "POST", `/document-templates/${id}/generate`, {
        token: tenant.token,
        body: { input },
      });
      expect(gen.status, JSON.stringify(gen.body)).toBe(201);
      // PDF and DOCX render in the worker: the generation is pending until it has run.
      const queued = format === "pdf" || format === "docx";
      expect(gen.body.status).toBe(queued ? "pending" : "done");
      if (queued) {
        await drain(t);
        gen.body = (
          await call(t, "GET", `/document-generations/${gen.body.id}`, { token: tenant.token })
        ).body;
      }
      expect(gen.body).toMatchObject({
        status: "done",
        error: null,
        outputFormat: format,
        templateVersion: 1,
      });
      const file = await download(t, tenant.token, gen.body.id);
      expect(file.status).toBe(200);
      expect(file.headers["content-disposition"]).toMatch(/^attachment; filename="Purchase order/);
      const ext = { pdf: ".pdf", docx: ".docx", html: ".html", text: ".txt", markdown: ".md" }[format];
      const extracted = await extractDocument({ filename: `out${ext}`, data: file.data });
      for (const value of [
        "PO-7781",
        "Zephyr Office Supplies",
        "Quartz stapler",
        "Walnut desk",
        "$480.00",
        "April 30, 2026",
        "Deliver to the loading bay",
        "This order is urgent.",
      ]) {
        expect(extracted.text, `${format} should contain ${value}`).toContain(value);
      }
      if (format === "pdf") {
        expect(file.data.subarray(0, 5).toString()).toBe("%PDF-");
        expect(extracted.text).toContain("Northwind Traders");
        expect(extracted.text).toContain("Page 1 of 1");
      }
      if (format === "docx") {
        expect(file.data.subarray(0, 2).toString()).toBe("PK");
        expect((extracted.sections ?? []).map((s) => s.headingPath.at(-1))).toEqual(
          expect.arrayContaining(["Purchase order PO-7781", "Lines", "Notes"]),
        );
      }
    }
  });

  it("lists every input problem at once, writes no history for them", async () => {
    const tenant = await signUp(t);
    const id = await template(t, tenant.token, tenant.generalId, "markdown");
    const bad = await call(t, "POST", `/document-templates/${id}/generate`, {
      token: tenant.token,
      body: { input: { due: "tomorrow", lines: "one", priority: "urgent", extra: 1 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.reason).toBe("INPUT_INVALID");
    const byVariable = Object.fromEntries(
      bad.body.error.details.problems.map((p: { variable: string; message: string }) => [
        p.variable,
        p.message,
      ]),
    );
    expect(byVariable).toEqual({
      extra: "is not a variable of this template",
      orderNo: "is required",
      supplier: "is required",
      due: expect.stringContaining("must be a date"),
      lines: "must be a list",
      priority: 'must be one of "low", "high"',
    });
    const history = await call(t, "GET", "/document-generations", { token: tenant.token });
    expect(history.body.total).toBe(0);
  });

  it("renders PDF in the worker as the person who asked: pending, then done and saved into their knowledge base", async () => {
    const tenant = await signUp(t);
    const kb = await createKnowledgeBase(t, tenant.token, tenant.generalId);
    const id = await template(t, tenant.token, tenant.generalId, "pdf");
    const employee = await addMember(t, tenant.token, tenant.generalId, "employee");
    const asked = await call(t, "POST", `/document-templates/${id}/generate`, {
      token: employee.token,
      body: { input, save: false },
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(asked.body).toMatchObject({ status: "pending", downloadUrl: null });
    expect((await download(t, employee.token, asked.body.id)).status).toBe(409);
    const saved = await call(t, "POST", `/document-templates/${id}/generate`, {
      token: tenant.token,
      body: { input: { ...input, orderNo: "PO-900" }, knowledgeBaseId: kb },
    });
    expect(saved.body.status).toBe("pending");
    await drain(t);
    const done = await call(t, "GET", `/document-generations/${asked.body.id}`, { token: employee.token });
    expect(done.body).toMatchObject({ status: "done", error: null, userId: employee.id });
    const file = await download(t, employee.token, asked.body.id);
    expect(file.status).toBe(200);
    expect((await extractDocument({ filename: "out.pdf", data: file.data })).text).toContain("PO-7781");
    const kept = await call(t, "GET", `/document-generations/${saved.body.id}`, { token: tenant.token });
    expect(kept.body).toMatchObject({ status: "done", knowledgeBaseId: kb });
    const doc = await documentOf(t, tenant.token, kept.body.outputFileId);
    expect(doc, doc.error).toMatchObject({ status: "ready", sourceKind: "generated" });
    // Running the worker again renders nothing twice.
    const again = await drain(t);
    expect(again).toBe(0);

    // Someone deactivated before the worker runs: the generation fails instead of rendering with stale rights.
    const leaver = await addMember(t, tenant.token, tenant.generalId, "employee");
    const queued = await call(t, "POST", `/document-templates/${id}/generate`, {
      token: leaver.token,
      body: { input, save: false },
    });
    expect(queued.body.status).toBe("pending");
    expect((await call(t, "POST", `/users/${leaver.id}/deactivate`, { token: tenant.token })).status).toBe(
      200,
    );
    await drain(t);
    const stopped = await call(t, "GET", `/document-generations/${queued.body.id}`, { token: tenant.token });
    expect(stopped.body).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/can no longer act/),
    });
  });

  it("saves into a knowledge base as a searchable generated document; history lists, filters, re-runs and deletes outputs", async () => {
    const tenant = await signUp(t);
    const kb = await createKnowledgeBase(t, tenant.token, tenant.generalId);
    const id = await template(t, tenant.token, tenant.generalId, "html", { defaultKnowledgeBaseId: kb });
    const gen = await call(t, "POST", `/document-templates/${id}/generate`, {
      token: tenant.token,
      body: { input },
    });
    expect(gen.status, JSON.stringify(gen.body)).toBe(201);
    expect(gen.body).toMatchObject({ status: "done", knowledgeBaseId: kb });
    expect(gen.body.outputFileId).toEqual(expect.any(String));
    await drain(t);
    const doc = await documentOf(t, tenant.token, gen.body.outputFileId);
    expect(doc, doc.error).toMatchObject({ status: "ready", sourceKind: "generated", knowledgeBaseId: kb });
    expect(doc.metadata).toMatchObject({
      source: "document_generation",
      generationId: gen.body.id,
      templateId: id,
    });
    const found = await search(t, tenant.token, kb, "Zephyr Office Supplies walnut desk");
    expect(found.results[0]?.documentId).toBe(gen.body.outputFileId);

    const unsaved = await call(t, "POST", `/document-templates/${id}/generate`, {
      token: tenant.token,
      body: { input: { ...input, orderNo: "PO-2" }, save: false },
    });
    expect(unsaved.body).toMatchObject({ status: "done", knowledgeBaseId: null, outputFileId: null });

    const employee = await addMember(t, tenant.token, tenant.generalId, "employee");
    const own = await call(t, "POST", `/document-templates/${id}/generate`, {
      token: employee.token,
      body: { input: { ...input, orderNo: "PO-3" }, save: false },
    });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    const employeeView = await call(t, "GET", "/document-generations", { token: employee.token });
    expect(employeeView.body.items.map((g: { id: string }) => g.id)).toEqual([own.body.id]);
    const notTheirs = await call(t, "GET", `/document-generations/${gen.body.id}`, { token: employee.token });
    expect(notTheirs.status).toBe(404);

    const all = await call(t, "GET", `/document-generations?templateId=${id}&status=done`, {
      token: tenant.token,
    });
    expect(all.body.total).toBe(3);
    const failed = await call(t, "GET", "/document-generations?status=failed", { token: tenant.token });
    expect(failed.body.total).toBe(0);

    const rerun = await call(t, "POST", `/document-generations/${unsaved.body.id}/rerun`, {
      token: tenant.token,
    });
    expect(rerun.status, JSON.stringify(rerun.body)).toBe(201);
    expect(rerun.body).toMatchObject({ status: "done", input: unsaved.body.input, knowledgeBaseId: null });
    expect(rerun.body.id).not.toBe(unsaved.body.id);

    const deleted = await call(t, "DELETE", `/document-generations/${unsaved.body.id}/output`, {
      token: tenant.token,
    });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ downloadUrl: null, sizeBytes: null, status: "done" });
    const gone = await download(t, tenant.token, unsaved.body.id);
    expect(gone.status).toBe(404);
    expect(gone.json().error.message).toBe("The output was deleted");
  });
});
