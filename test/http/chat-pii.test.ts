import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentRuns, agentTasks, messages, piiRedactionMaps } from "../../src/db/schema/index.js";
import { type FakeToolApi, startFakeToolApi } from "../fakes/tool-api.js";
import {
  addMember,
  ask,
  askStreaming,
  call,
  createAgent,
  listen,
  parseSse,
  signUp,
  useChatApp,
} from "./chat-helpers.js";
import { audits } from "./identity-helpers.js";

const EMAIL = "ines.garcia@example.org";
const PHONE = "+44 20 7946 0958";
const IBAN = "DE89 3704 0044 0532 0130 00";

describe("PII masking in chat turns", () => {
  const t = useChatApp({ TOOLS_ALLOW_PRIVATE_NETWORKS: "true" });
  const db = () => t.context.container.database.db;
  let api: FakeToolApi;
  beforeAll(async () => {
    api = await startFakeToolApi();
  });
  afterAll(async () => {
    await api.close();
  });

  /** Everything every model call of this test app was sent, as text. */
  const promptsSince = (from: number) =>
    t.models.scripted.calls
      .slice(from)
      .map((c) => JSON.stringify(c.prompt))
      .join("\n");

  async function namespaceFor(
    token: string,
    departmentId: string,
    agentId: string,
    extra: Record<string, unknown> = {},
  ) {
    const res = await call(t, "POST", "/namespaces", {
      token,
      body: {
        departmentId,
        name: `NS ${Math.random().toString(36).slice(2, 7)}`,
        slug: `ns-${Math.random().toString(36).slice(2, 9)}`,
        config: { defaultAgentId: agentId },
        ...extra,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; piiPolicy: string };
  }

  async function conversationIn(token: string, namespaceId: string) {
    const res = await call(t, "POST", "/conversations", { token, body: { namespaceId } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  }

  it("masks what the model sees, rehydrates what the person sees, and keeps placeholders stable", async () => {
    const tenant = await signUp(t);
    const agentId = await createAgent(t, tenant.token, { departmentId: tenant.generalId });
    const ns = await namespaceFor(tenant.token, tenant.generalId, agentId);
    expect(ns.piiPolicy).toBe("mask");
    const conversationId = await conversationIn(tenant.token, ns.id);
    const from = t.models.scripted.calls.length;
    // The model answers with a placeholder split over three tokens and one it invented.
    t.models.scripted.script({
      text: "I will write to <EMAIL_1> and call <PHONE_1>; <PERSON_9> is unknown.",
      chunks: ["I will write to <EM", "AIL", "_1> and call <PHONE_1>; <PERSON_9", "> is unknown."],
    });
    const base = await listen(t);
    const response = await askStreaming(
      base,
      tenant.token,
      conversationId,
      `Please email ${EMAIL} or call ${PHONE} about my payslip.`,
    );
    expect(response.status).toBe(200);
    const events = parseSse(await response.text());
    const tokens = events.filter((e) => e.event === "token").map((e) => e.data.text as string);
    const streamed = tokens.join("");
    expect(streamed).toBe(`I will write to ${EMAIL} and call ${PHONE}; <PERSON_9> is unknown.`);
    // No token carries a piece of a placeholder the rehydrator should have held back.
    expect(tokens.some((x) => x.endsWith("<EM"))).toBe(false);
    const done = events.find((e) => e.event === "done")!.data;
    expect(done.text).toBe(streamed);

    const sent = promptsSince(from);
    expect(sent).not.toContain(EMAIL);
    expect(sent).not.toContain("7946");
    expect(sent).toContain("<EMAIL_1>");
    expect(sent).toContain("<PHONE_1>");

    // Stored: the question as written, the answer masked, the task's input and the title masked.
    const stored = await db().select().from(messages).where(eq(messages.conversationId, conversationId));
    const question = stored.find((m) => m.role === "user")!;
    const answer = stored.find((m) => m.role === "assistant")!;
    expect(question.content).toContain(EMAIL);
    expect(answer.content).toBe("I will write to <EMAIL_1> and call <PHONE_1>; <PERSON_9> is unknown.");
    const [task] = await db().select().from(agentTasks).where(eq(agentTasks.id, done.taskId));
    expect(JSON.stringify(task!.input)).not.toContain(EMAIL);
    const conversation = await call(t, "GET", `/conversations/${conversationId}`, { token: tenant.token });
    expect(conversation.body.title).not.toContain(EMAIL);

    // The map: sealed values, one row per placeholder.
    const rows = await db()
      .select()
      .from(piiRedactionMaps)
      .where(eq(piiRedactionMaps.conversationId, conversationId));
    expect(rows.map((r) => r.placeholder).sort()).toEqual(["<EMAIL_1>", "<PHONE_1>"]);
    for (const row of rows) {
      expect(row.encryptedValue).toMatch(/^v1\./);
      expect(row.encryptedValue).not.toContain("example.org");
      expect(row.messageId).toBe(question.id);
    }

    // The run counts the invented placeholder; no value is in its metadata.
    const [run] = await db().select().from(agentRuns).where(eq(agentRuns.id, done.runId));
    expect(run!.metadata).toMatchObject({
      pii: { policy: "mask", unknownPlaceholders: 1, kinds: ["EMAIL", "PHONE"] },
    });
    expect(JSON.stringify(run!.metadata)).not.toContain(EMAIL);
    const trace = await call(t, "GET", `/runs/${done.runId}`, { token: tenant.token });
    expect(trace.body.run.pii).toMatchObject({ policy: "mask", unknownPlaceholders: 1, placeholders: 2 });

    // Reading the conversation shows the answer whole.
    const listed = await call(t, "GET", `/conversations/${conversationId}/messages`, { token: tenant.token });
    expect(listed.body.items.at(-1).content).toBe(streamed);

    // A second turn: the same address (written differently) keeps its placeholder, a new one is added;
    // the history the model gets is masked too.
    const next = t.models.scripted.calls.length;
    t.models.scripted.script({ text: "Noted <EMAIL_1> and <EMAIL_2>." });
    const second = await ask(
      t,
      tenant.token,
      conversationId,
      `Also cc ${EMAIL.toUpperCase()} and bob@example.net`,
    );
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.message.text).toBe(`Noted ${EMAIL} and bob@example.net.`);
    const secondPrompt = promptsSince(next);
    expect(secondPrompt).not.toMatch(/ines\.garcia|INES\.GARCIA|bob@example/);
    expect(secondPrompt).toContain("<EMAIL_2>");
    const after = await db()
      .select()
      .from(piiRedactionMaps)
      .where(eq(piiRedactionMaps.conversationId, conversationId));
    expect(after.map((r) => r.placeholder).sort()).toEqual(["<EMAIL_1>", "<EMAIL_2>", "<PHONE_1>"]);
  });

  it("sends HTTP tools placeholders only and masks what they return", async () => {
    const tenant = await signUp(t);
    const tool = await call(t, "POST", "/tools", {
      token: tenant.token,
      body: {
        name: "lookup_contact",
        description: "Looks a contact up",
        kind: "http",
        inputSchema: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
        // The tool's answer echoes its path: a raw address of the tool's own comes back with it.
        config: { url: `${api.base}/echo/desk@helpdesk.example/{{id}}`, allowedHosts: ["127.0.0.1"] },
      },
    });
    expect(tool.status, JSON.stringify(tool.body)).toBe(201);
    const agentId = await createAgent(t, tenant.token, {
      departmentId: tenant.generalId,
      toolsEnabled: ["lookup_contact"],
    });
    const ns = await namespaceFor(tenant.token, tenant.generalId, agentId);
    const conversationId = await conversationIn(tenant.token, ns.id);
    const from = t.models.scripted.calls.length;
    const seenBefore = api.seen.length;
    t.models.scripted.script(
      // The model passes the placeholder it was given, and (as a model may) a raw value it guessed.
      { toolCalls: [{ name: "lookup_contact", arguments: { id: `<EMAIL_1> ${EMAIL}` } }] },
      { text: "Done: <EMAIL_2> handles it." },
    );
    const res = await ask(t, tenant.token, conversationId, `Who handles ${EMAIL}?`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const received = api.seen
      .slice(seenBefore)
      .map((s) => decodeURIComponent(s.url))
      .join("\n");
    expect(received).toContain("<EMAIL_1>");
    expect(received).not.toContain(EMAIL);
    // The tool's own address came back masked: the model never saw it, the person does.
    expect(promptsSince(from)).not.toContain("desk@helpdesk.example");
    expect(res.body.message.text).toBe("Done: desk@helpdesk.example handles it.");
  });

  it("refuses a turn under block, naming the kinds, and stores nothing", async () => {
    const tenant = await signUp(t);
    const agentId = await createAgent(t, tenant.token, { departmentId: tenant.generalId });
    const ns = await namespaceFor(tenant.token, tenant.generalId, agentId, { piiPolicy: "block" });
    const conversationId = await conversationIn(tenant.token, ns.id);
    const from = t.models.scripted.calls.length;
    const res = await ask(t, tenant.token, conversationId, `Pay my refund to ${IBAN}, mail ${EMAIL}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION");
    expect(res.body.error.message).toMatch(/IBAN/);
    expect(res.body.error.message).toMatch(/e-mail address/);
    expect(res.body.error.details).toMatchObject({ reason: "pii_blocked", kinds: ["IBAN", "EMAIL"] });
    expect(JSON.stringify(res.body)).not.toContain("3704");
    expect(t.models.scripted.calls.length).toBe(from);
    const stored = await db().select().from(messages).where(eq(messages.conversationId, conversationId));
    expect(stored).toEqual([]);
    // A clean question goes through.
    t.models.scripted.script({ text: "Fine." });
    expect((await ask(t, tenant.token, conversationId, "What is the refund policy?")).status).toBe(200);
  });

  it("leaves turns alone under off, and refuses bad policies and rules", async () => {
    const tenant = await signUp(t);
    const agentId = await createAgent(t, tenant.token, { departmentId: tenant.generalId });
    const ns = await namespaceFor(tenant.token, tenant.generalId, agentId);
    for (const body of [
      { piiPolicy: "redact" },
      { piiRules: { patterns: [{ kind: "EMPLOYEE_ID", pattern: "(a+)+$" }] } },
      { piiRules: { patterns: [{ kind: "EMPLOYEE_ID", pattern: "[" }] } },
      { piiRules: { patterns: [{ kind: "employee", pattern: "EMP-\\d+" }] } },
      { piiRules: { dictionaries: [{ kind: "PROJECT", terms: [] }] } },
    ]) {
      const res = await call(t, "PATCH", `/namespaces/${ns.id}`, { token: tenant.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const patched = await call(t, "PATCH", `/namespaces/${ns.id}`, {
      token: tenant.token,
      body: {
        piiPolicy: "mask",
        piiRules: {
          patterns: [{ kind: "EMPLOYEE_ID", pattern: "EMP-\\d{6}" }],
          dictionaries: [{ kind: "PROJECT", terms: ["Project Bluebird"] }],
        },
      },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const conversationId = await conversationIn(tenant.token, ns.id);
    let from = t.models.scripted.calls.length;
    t.models.scripted.script({ text: "ok" });
    await ask(t, tenant.token, conversationId, "Is EMP-123456 on project bluebird?");
    expect(promptsSince(from)).toContain("<EMPLOYEE_ID_1>");
    expect(promptsSince(from)).toContain("<PROJECT_1>");
    expect(promptsSince(from)).not.toContain("EMP-123456");

    const off = await call(t, "PATCH", `/namespaces/${ns.id}`, {
      token: tenant.token,
      body: { piiPolicy: "off" },
    });
    expect(off.body.piiPolicy).toBe("off");
    from = t.models.scripted.calls.length;
    t.models.scripted.script({ text: "ok" });
    await ask(t, tenant.token, conversationId, `Mail ${EMAIL}`);
    expect(promptsSince(from)).toContain(EMAIL);

    // The organisation's national-id catalogue takes known ids only.
    const bad = await call(t, "PATCH", "/org", {
      token: tenant.token,
      body: { settings: { piiNationalIds: ["US_SSN", "XX_ID"] } },
    });
    expect(bad.status).toBe(400);
  });

  it("reveals a conversation's map only with pii:reveal, auditing every view", async () => {
    const tenant = await signUp(t);
    const agentId = await createAgent(t, tenant.token, { departmentId: tenant.generalId });
    const ns = await namespaceFor(tenant.token, tenant.generalId, agentId);
    const employee = await addMember(t, tenant.token, tenant.generalId, "employee");
    const conversationId = await conversationIn(employee.token, ns.id);
    t.models.scripted.script({ text: "ok" });
    expect((await ask(t, employee.token, conversationId, `My number is ${PHONE}`)).status).toBe(200);

    // The owner of the conversation has no pii:reveal; neither has an admin whose grant was revoked.
    expect(
      (await call(t, "GET", `/conversations/${conversationId}/pii-map`, { token: employee.token })).status,
    ).toBe(403);
    const otherAdmin = await addMember(t, tenant.token, tenant.generalId, "admin");
    const revoked = await call(t, "PATCH", `/users/${otherAdmin.id}`, {
      token: tenant.token,
      body: { revokedPermissions: ["pii:reveal"] },
    });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    const refused = await call(t, "GET", `/conversations/${conversationId}/pii-map`, {
      token: otherAdmin.token,
    });
    expect(refused.status).toBe(403);

    const map = await call(t, "GET", `/conversations/${conversationId}/pii-map`, { token: tenant.token });
    expect(map.status, JSON.stringify(map.body)).toBe(200);
    expect(map.body.items).toEqual([
      expect.objectContaining({ placeholder: "<PHONE_1>", kind: "PHONE", value: PHONE }),
    ]);
    const views = await audits(t, tenant.orgId, "conversation.pii_map_viewed");
    expect(views).toHaveLength(1);
    expect(views[0]!).toMatchObject({ entityId: conversationId, userId: tenant.adminId });
    expect(JSON.stringify(views[0]!.changes)).not.toContain("7946");
  });
  it("masks the OpenAI-compatible API too: client history, system messages and the answer", async () => {
    const tenant = await signUp(t);
    const agentName = `Desk ${Math.random().toString(36).slice(2, 7)}`;
    await createAgent(t, tenant.token, { departmentId: tenant.generalId, name: agentName });
    const from = t.models.scripted.calls.length;
    t.models.scripted.script({ text: "Sure, <PERSON_1>: I will mail <EMAIL_1>." });
    const res = await call(t, "POST", "/v1/chat/completions", {
      token: tenant.token,
      body: {
        model: agentName,
        messages: [
          { role: "system", content: `The caller may also be reached at ${PHONE}.` },
          { role: "user", content: "Hi, my name is Xiomara Quispe." },
          { role: "assistant", content: "Hello!" },
          { role: "user", content: `Please mail ${EMAIL}` },
        ],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.choices[0].message.content).toBe(`Sure, Xiomara Quispe: I will mail ${EMAIL}.`);
    const sent = promptsSince(from);
    for (const value of [EMAIL, "Xiomara", "7946"]) expect(sent).not.toContain(value);
  });
});
