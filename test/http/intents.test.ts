import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { useTestApp } from "../setup/container.js";
import { addMember, audits, call, createDepartment, ok, signUp, uniq } from "./assistants-helpers.js";
import type { TestApp } from "./identity-helpers.js";

const MINI = new URL("../fixtures/intents-mini/", import.meta.url);
const trainCsv = readFileSync(new URL("train.csv", MINI), "utf8");

async function namespaceIn(t: TestApp, token: string, departmentId: string): Promise<string> {
  const ns = await ok(
    t,
    "POST",
    "/namespaces",
    token,
    { departmentId, name: "HR desk", slug: uniq("hr") },
    201,
  );
  return ns.id;
}

describe("intent examples API", () => {
  const t = useTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "1000" } });

  it("creates, lists, edits and deletes examples; the summary and the audit follow", async () => {
    const tenant = await signUp(t);
    const ns = await namespaceIn(t, tenant.token, tenant.generalId);
    const base = `/namespaces/${ns}/intent-examples`;
    const first = await ok(
      t,
      "POST",
      base,
      tenant.token,
      { intent: " leave_balance ", phrase: "Days left?" },
      201,
    );
    expect(first).toMatchObject({ namespaceId: ns, intent: "leave_balance", phrase: "Days left?" });
    expect(first.embeddingModel).toBe(t.context.container.embedder.model);
    for (let i = 0; i < 3; i++) {
      await ok(
        t,
        "POST",
        base,
        tenant.token,
        { intent: "expense_claim", phrase: `Receipt number ${i}` },
        201,
      );
    }
    const page = await ok(t, "GET", `${base}?intent=expense_claim&pageSize=2`, tenant.token);
    expect(page).toMatchObject({ total: 3, totalPages: 2, pageSize: 2 });
    expect(page.items.every((e: { intent: string }) => e.intent === "expense_claim")).toBe(true);
    expect(
      (await ok(t, "GET", `${base}?q=DAYS`, tenant.token)).items.map((e: { id: string }) => e.id),
    ).toEqual([first.id]);

    const before = await ok(t, "GET", `/namespaces/${ns}/intents`, tenant.token);
    expect(before).toMatchObject({
      examples: 4,
      threshold: 0.3,
      intents: [
        { intent: "expense_claim", examples: 3 },
        { intent: "leave_balance", examples: 1 },
      ],
    });
    const edited = await ok(t, "PATCH", `/intent-examples/${first.id}`, tenant.token, {
      phrase: "How many days off remain?",
    });
    expect(edited.phrase).toBe("How many days off remain?");
    const after = await ok(t, "GET", `/namespaces/${ns}/intents`, tenant.token);
    expect(after.version).toBeGreaterThan(before.version);

    expect((await call(t, "DELETE", `/intent-examples/${first.id}`, { token: tenant.token })).status).toBe(
      204,
    );
    expect((await call(t, "GET", `/intent-examples/${first.id}`, { token: tenant.token })).status).toBe(404);
    expect(await ok(t, "DELETE", `/namespaces/${ns}/intents/expense_claim`, tenant.token)).toEqual({
      deleted: 3,
    });
    expect((await ok(t, "GET", `/namespaces/${ns}/intents`, tenant.token)).examples).toBe(0);

    const threshold = await ok(t, "PATCH", `/namespaces/${ns}/intents`, tenant.token, { threshold: 0.55 });
    expect(threshold.threshold).toBeCloseTo(0.55);
    const actions = (await audits(t, tenant.orgId)).map((a) => a.action);
    for (const action of [
      "intents.example_created",
      "intents.example_updated",
      "intents.example_deleted",
      "intents.intent_deleted",
      "intents.threshold_changed",
    ]) {
      expect(actions).toContain(action);
    }
  });

  it("refuses bad names and phrases with the problem, and the reserved intent 'unknown'", async () => {
    const tenant = await signUp(t);
    const ns = await namespaceIn(t, tenant.token, tenant.generalId);
    const bad = await call(t, "POST", `/namespaces/${ns}/intent-examples`, {
      token: tenant.token,
      body: { intent: "Unknown", phrase: "   " },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION");
    expect(bad.body.error.details.problems.map((p: { field: string }) => p.field).sort()).toEqual([
      "intent",
      "phrase",
    ]);
    expect(
      (await call(t, "PATCH", `/namespaces/${ns}/intents`, { token: tenant.token, body: { threshold: 2 } }))
        .status,
    ).toBe(400);
  });

  it("imports CSV and JSON all or nothing, listing every problem by row", async () => {
    const tenant = await signUp(t);
    const ns = await namespaceIn(t, tenant.token, tenant.generalId);
    const url = `/namespaces/${ns}/intent-examples/import`;
    const csv = [
      "text,category",
      "How many days off?,leave_balance",
      ",leave_balance",
      "Who am I?,unknown",
      `${"x".repeat(1001)},expense_claim`,
      "only one column",
      "Fine row,expense_claim",
    ].join("\n");
    const refused = await call(t, "POST", url, { token: tenant.token, body: { csv } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.problems).toEqual([
      { row: 3, field: "phrase", message: "the phrase is empty" },
      { row: 4, field: "intent", message: '"unknown" is the classifier\'s own answer' },
      { row: 5, field: "phrase", message: "the phrase is longer than 1000 characters" },
      { row: 6, message: "expected 2 columns, found 1" },
    ]);
    const json = await call(t, "POST", url, {
      token: tenant.token,
      body: {
        examples: [
          { intent: "a", phrase: "fine" },
          { intent: "", phrase: "no intent" },
        ],
      },
    });
    expect(json.status).toBe(400);
    expect(json.body.error.details.problems).toEqual([
      { row: 2, field: "intent", message: "the intent is empty" },
    ]);
    const header = await call(t, "POST", url, { token: tenant.token, body: { csv: "question,label\nhi,x" } });
    expect(header.status).toBe(400);
    const unclosed = await call(t, "POST", url, {
      token: tenant.token,
      body: { csv: 'text,category\n"open,x' },
    });
    expect(unclosed.status).toBe(400);
    expect((await call(t, "POST", url, { token: tenant.token, body: {} })).status).toBe(400);
    expect(
      (await call(t, "POST", url, { token: tenant.token, body: { csv: trainCsv, examples: [] } })).status,
    ).toBe(400);
    expect((await ok(t, "GET", `/namespaces/${ns}/intents`, tenant.token)).examples).toBe(0);

    const imported = await ok(t, "POST", url, tenant.token, { csv: trainCsv });
    expect(imported).toMatchObject({ imported: 32, replaced: 0, intents: 4 });
    const replaced = await ok(t, "POST", url, tenant.token, {
      mode: "replace",
      examples: [
        { intent: "greeting", phrase: "hello there" },
        { intent: "farewell", phrase: "goodbye", metadata: { source: "json" } },
      ],
    });
    expect(replaced).toMatchObject({ imported: 2, replaced: 32, intents: 2 });
    const summary = await ok(t, "GET", `/namespaces/${ns}/intents`, tenant.token);
    expect(summary.intents.map((i: { intent: string }) => i.intent)).toEqual(["farewell", "greeting"]);
    expect((await audits(t, tenant.orgId, "intents.imported")).length).toBe(2);
  });

  it("keeps intents inside the namespace's department; employees read and classify, only managers write", async () => {
    const tenant = await signUp(t);
    const sales = await createDepartment(t, tenant.token, "Sales");
    const ns = await namespaceIn(t, tenant.token, tenant.generalId);
    await ok(t, "POST", `/namespaces/${ns}/intent-examples/import`, tenant.token, { csv: trainCsv });
    const example = (await ok(t, "GET", `/namespaces/${ns}/intent-examples?pageSize=1`, tenant.token))
      .items[0];

    const employee = await addMember(t, tenant.token, tenant.generalId, "employee");
    const classified = await ok(t, "POST", `/namespaces/${ns}/intents/classify`, employee.token, {
      text: "I need to reset my password",
    });
    expect(classified.intent).toBe("password_reset");
    expect((await ok(t, "GET", `/intent-examples/${example.id}`, employee.token)).id).toBe(example.id);
    const write = await call(t, "POST", `/namespaces/${ns}/intent-examples`, {
      token: employee.token,
      body: { intent: "x", phrase: "y" },
    });
    expect(write.status).toBe(403);
    expect(
      (await call(t, "DELETE", `/intent-examples/${example.id}`, { token: employee.token })).status,
    ).toBe(403);

    const outsider = await addMember(t, tenant.token, sales, "dept_head");
    for (const [method, url, body] of [
      ["GET", `/namespaces/${ns}/intents`, undefined],
      ["GET", `/namespaces/${ns}/intent-examples`, undefined],
      ["POST", `/namespaces/${ns}/intents/classify`, { text: "hello" }],
      ["POST", `/namespaces/${ns}/intent-examples`, { intent: "x", phrase: "y" }],
      ["GET", `/intent-examples/${example.id}`, undefined],
      ["PATCH", `/intent-examples/${example.id}`, { phrase: "z" }],
      ["DELETE", `/intent-examples/${example.id}`, undefined],
    ] as const) {
      const res = await call(t, method, url, { token: outsider.token, body });
      expect(res.status, `${method} ${url}`).toBe(404);
    }
    expect((await ok(t, "GET", `/namespaces/${ns}/intents`, tenant.token)).examples).toBe(32);
  });
});
