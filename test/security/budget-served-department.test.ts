import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { agentRuns } from "../../src/db/schema/index.js";
import { makeAgentRun } from "../factories/index.js";
import {
  addMember,
  ask,
  call,
  createAgent,
  createDepartment,
  seedKnowledge,
  signUp,
  startConversation,
  TestChatModels,
} from "../http/chat-helpers.js";
import type { Member, Tenant } from "../http/identity-helpers.js";
import { useTestApp } from "../setup/container.js";

/**
 * Budgets follow the department a turn serves. An organisation-wide assistant's conversations belong
 * to no department, so its turns were charged to, and limited by, the organisation only: it kept
 * answering from Sales' knowledge base after Sales had spent its monthly budget, and a Sales employee
 * kept spending on it. Now a turn is charged to the conversation's department or, for an org-wide
 * assistant, the asker's; and the bases of a department whose budget is spent are left out.
 */

const SALES_DOC =
  "Discount policy. The quarterly partner discount code is ZEBRA-42 and it applies to renewals only.";
const GENERAL_DOC = "Office policy. The office opens at eight in the morning and closes at six.";

describe("attack: an org-wide assistant spends a department's exhausted budget", () => {
  const t = useTestApp({
    env: { AUTH_RATE_LIMIT_PER_MINUTE: "1000", BUDGET_CACHE_SECONDS: "0" },
    infra: { chatModels: new TestChatModels() },
  });
  let tenant: Tenant;
  let sales: string;
  let seller: Member;
  let agentId: string;

  const setSalesBudget = (monthlyBudgetUsd: number | null) =>
    t.app.inject({
      method: "PUT",
      url: `/departments/${sales}/budget`,
      headers: { authorization: `Bearer ${tenant.token}` },
      payload: { monthlyBudgetUsd },
    });
  const runsOf = (conversationId: string) =>
    t.context.container.database.db
      .select()
      .from(agentRuns)
      .where(and(eq(agentRuns.orgId, tenant.orgId), eq(agentRuns.conversationId, conversationId)));

  beforeAll(async () => {
    tenant = await signUp(t);
    sales = await createDepartment(t, tenant.token, "Sales");
    const salesKb = (await seedKnowledge(t, tenant.token, sales, "Discounts", SALES_DOC)).kb;
    const generalKb = (await seedKnowledge(t, tenant.token, tenant.generalId, "Office", GENERAL_DOC)).kb;
    seller = await addMember(t, tenant.token, sales, "employee");
    agentId = await createAgent(t, tenant.token, {
      primaryModelProvider: "extractive",
      ragEnabled: [salesKb, generalKb],
    });
    // Sales has already spent $5 this month.
    await makeAgentRun(t.context.container.repositories, tenant.orgId, { departmentId: sales, costUsd: 5 });
  });

  it("control: with budget left, the org-wide assistant answers from Sales' knowledge", async () => {
    const conversation = await startConversation(t, tenant.token, agentId);
    const res = await ask(t, tenant.token, conversation, "What is the partner discount code?");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.message.text).toContain("ZEBRA-42");
  });

  it("does not answer from Sales' knowledge base once Sales' budget is spent", async () => {
    expect((await setSalesBudget(1)).statusCode).toBe(200);
    // The admin belongs to General (whose budget is fine) and may read Sales' base.
    const conversation = await startConversation(t, tenant.token, agentId);
    const res = await ask(t, tenant.token, conversation, "What is the partner discount code?");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.message.text).not.toContain("ZEBRA-42");
    for (const citation of res.body.citations) expect(citation.snippet).not.toContain("ZEBRA");
    const [run] = await runsOf(conversation);
    expect(run!.metadata).toMatchObject({ budgetExcludedDepartmentIds: [sales] });
    // The rest of the organisation's knowledge still answers.
    const office = await ask(t, tenant.token, conversation, "When does the office open?");
    expect(office.body.message.text).toMatch(/eight/);
  });

  it("refuses a Sales employee's turn on the org-wide assistant once Sales' budget is spent", async () => {
    const conversation = await startConversation(t, seller.token, agentId);
    const res = await ask(t, seller.token, conversation, "When does the office open?");
    expect(res.status, JSON.stringify(res.body)).toBe(429);
    expect(res.body.error).toMatchObject({
      code: "LIMIT_EXCEEDED",
      details: { budget: "department", departmentId: sales },
    });
    expect(await runsOf(conversation)).toEqual([]);
  });

  it("charges an org-wide assistant's turn to the asker's department", async () => {
    expect((await setSalesBudget(null)).statusCode).toBe(200);
    const sellers = await startConversation(t, seller.token, agentId);
    expect((await ask(t, seller.token, sellers, "When does the office open?")).status).toBe(200);
    const admins = await startConversation(t, tenant.token, agentId);
    expect((await ask(t, tenant.token, admins, "When does the office open?")).status).toBe(200);
    const [sellerRun] = await runsOf(sellers);
    const [adminRun] = await runsOf(admins);
    // The conversation stays org-wide (who may read it does not change); the bill goes to the asker.
    expect(sellerRun).toMatchObject({ departmentId: null, billedDepartmentId: sales });
    expect(adminRun).toMatchObject({ departmentId: null, billedDepartmentId: tenant.generalId });
  });

  it("counts charged runs in the department's spending on the budgets overview", async () => {
    await makeAgentRun(t.context.container.repositories, tenant.orgId, {
      departmentId: null,
      billedDepartmentId: sales,
      costUsd: 2,
    });
    expect((await setSalesBudget(100)).statusCode).toBe(200);
    const overview = await call(t, "GET", "/budgets", { token: tenant.token });
    const line = overview.body.departments.find((d: { id: string }) => d.id === sales);
    expect(line.spentUsd).toBe(7);
  });
});
