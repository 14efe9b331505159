import { beforeAll, describe, expect, it } from "vitest";
import type { ServiceContext } from "../../src/services/context.js";
import { defaultAgentIdOf } from "../../src/services/orgs/default-agent.js";
import { systemContext } from "../../src/services/orgs/system-context.js";
import { DEMO_CONTENT } from "../../src/services/seed/demo-content.js";
import { readDemoDocuments } from "../../src/services/seed/demo-documents.js";
import type { SeedResult } from "../../src/services/seed/seed-demo.js";
import { demoContentChanged } from "../../src/services/seed/seed-demo-content.js";
import { createWorker } from "../../src/worker/index.js";
import { useTestContainer } from "../setup/container.js";

const SLOW = 180_000;
const PAGE = { page: 1, pageSize: 100 };

/** A fresh database seeded the way `npm start` does it, its ingestion jobs run by the real job runner. */
describe("demo seed", () => {
  const t = useTestContainer();
  let seeded: SeedResult;
  let ctx: ServiceContext;
  const services = () => t.current.container.services;

  /** What the organisation holds, to compare before and after seeding again. */
  async function inventory() {
    const kbs = await services().knowledgeBases.list(ctx, {}, PAGE);
    let documents = 0;
    for (const kb of kbs.items) documents += (await services().documents.list(ctx, kb.id, {}, PAGE)).total;
    return {
      knowledgeBases: kbs.total,
      documents,
      agents: (await services().agents.list(ctx, {}, PAGE)).total,
      namespaces: (await services().namespaces.list(ctx, {}, PAGE)).total,
    };
  }

  beforeAll(async () => {
    seeded = (await services().seed.seedDemoIfEmpty())!;
    ctx = systemContext(seeded.orgId, t.current.container.database.db, t.current.container.logger, "test");
    await createWorker(t.current.container, { pollMs: 10 }).runUntilIdle({ timeoutMs: SLOW });
  }, SLOW);

  it("gives every department a knowledge base of ready documents, a published assistant and a namespace", async () => {
    expect(seeded.content).toMatchObject({
      knowledgeBases: 3,
      agents: 3,
      namespaces: 3,
      defaultAgentSet: true,
    });
    const departments = await t.current.container.repositories.departments.pageVisible(
      seeded.orgId,
      ctx.access,
      { includeArchived: false },
      PAGE,
    );
    for (const content of DEMO_CONTENT) {
      const department = departments.items.find((d) => d.slug === content.department)!;
      const kb = await services().knowledgeBases.findByName(ctx, content.knowledgeBase.name);
      expect(kb?.departmentId).toBe(department.id);

      const bundled = await readDemoDocuments(content.department);
      expect(bundled.length).toBeGreaterThan(0);
      const documents = (await services().documents.list(ctx, kb!.id, {}, PAGE)).items;
      expect(documents.map((d) => d.title).sort()).toEqual(bundled.map((b) => b.filename).sort());
      for (const doc of documents) {
        expect(doc, doc.title).toMatchObject({ status: "ready", type: "md" });
        expect(doc.chunkCount).toBeGreaterThan(2);
      }

      const { agent, resolved } = await services().agents.resolveAgentForChat(ctx, {
        agentName: content.agent.name,
      });
      expect(agent.departmentId).toBe(department.id);
      expect(resolved).toMatchObject({
        version: 1,
        provider: null,
        ragEnabled: [kb!.id],
        toolsEnabled: ["knowledge_search", "current_datetime"],
      });
      expect(resolved.prompt).toContain("cite");

      // Conversations addressed to the department's namespace reach its assistant.
      const namespaces = await services().namespaces.list(ctx, { departmentId: department.id }, PAGE);
      expect(namespaces.items).toHaveLength(1);
      const throughNamespace = await services().agents.resolveAgentForChat(ctx, {
        namespaceId: namespaces.items[0]!.id,
      });
      expect(throughNamespace.agent.id).toBe(agent.id);
    }
    const org = await services().orgs.get(ctx);
    const hr = await services().agents.resolveAgentForChat(ctx, { agentName: "HR Assistant" });
    expect(defaultAgentIdOf(org)).toBe(hr.agent.id);
  });

  it("finds the annual leave section for HR people, and nothing of HR's for IT people", async () => {
    const { actingUsers, search } = services();
    const db = t.current.container.database.db;
    const employee = await actingUsers.contextFor(seeded.orgId, "employee@demo.atrium.local", db, ctx.logger);
    const found = await search.search(employee, { query: "annual leave", mode: "hybrid", limit: 5 });
    const top = found.results[0]!;
    expect(top.title).toBe("leave-and-absence.md");
    expect((top.metadata as { headingPath?: string[] }).headingPath).toContain("Annual leave");
    expect(found.results.some((r) => r.content.includes("25 days of paid annual leave"))).toBe(true);

    const itPerson = await actingUsers.contextFor(
      seeded.orgId,
      "it.employee@demo.atrium.local",
      db,
      ctx.logger,
    );
    const hidden = await search.search(itPerson, { query: "annual leave", mode: "hybrid", limit: 5 });
    expect(hidden.results.map((r) => r.title)).not.toContain("leave-and-absence.md");
  });

  it("holds HR payroll changes for the demo approver, answers leave policy at once, hands complaints to a person", async () => {
    const { actingUsers, conversations, chat, approvals, namespaces } = services();
    const db = t.current.container.database.db;
    const employee = await actingUsers.contextFor(seeded.orgId, "employee@demo.atrium.local", db, ctx.logger);
    const approver = await actingUsers.contextFor(seeded.orgId, "approver@demo.atrium.local", db, ctx.logger);
    const hr = (await namespaces.list(ctx, {}, PAGE)).items.find((n: { slug: string }) => n.slug === "hr")!;
    const trust = await services().trust.trust(ctx, hr.id);
    expect(
      Object.fromEntries(trust.intents.map((i) => [i.intent, i.isAutonomous ? "autonomous" : i.route])),
    ).toEqual({
      complaint: "handoff",
      expense_claim: "auto",
      leave_balance: "auto",
      leave_policy: "autonomous",
      payroll_change: "hold",
    });
    const ask = async (text: string) => {
      const conversation = await conversations.create(employee, { namespaceId: hr.id });
      return chat.sendMessage(employee, conversation.id, { text });
    };
    const payroll = await ask("Please update my bank details for payroll");
    expect(payroll).toMatchObject({ status: "done", held: { mode: "hold" } });
    const inbox = await approvals.list(approver, { status: "pending" }, PAGE);
    expect(inbox.items.map((a) => a.intent)).toContain("payroll_change");
    const policy = await ask("How many days of annual leave do I get?");
    expect(policy.status === "done" && policy.held).toBeUndefined();
    const complaint = await ask("I want to file a complaint about my manager");
    expect(complaint).toMatchObject({ status: "done", held: { mode: "handoff" } });
  });

  it("seeding again duplicates nothing", async () => {
    const before = await inventory();
    let bundled = 0;
    for (const content of DEMO_CONTENT) bundled += (await readDemoDocuments(content.department)).length;
    expect(before).toEqual({ knowledgeBases: 3, documents: bundled, agents: 3, namespaces: 3 });
    expect(await services().seed.seedDemoIfEmpty()).toBeUndefined();
    const again = await services().seed.completeDemo();
    expect(again && demoContentChanged(again)).toBe(false);
    expect(await inventory()).toEqual(before);
  });
});
