import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { feedback } from "../../src/db/schema/index.js";
import { makeAgent, makeAgentVersion } from "../factories/assistants.js";
import { messageValues } from "../factories/conversations.js";
import { addMember, call, createDepartment, signUp, type TestApp } from "./identity-helpers.js";

export { addMember, audits, call, createDepartment, signUp, uniq } from "./identity-helpers.js";

/** An enabled agent with a published version 1 (as the assistants service leaves a new agent). */
export async function publishedAgent(
  t: TestApp,
  orgId: string,
  departmentId: string | null,
  overrides: { enabled?: boolean; name?: string } = {},
) {
  const repos = t.context.container.repositories;
  const agent = await makeAgent(repos, orgId, {
    departmentId,
    primaryModelProvider: "extractive",
    primaryModel: "extractive",
    ...overrides,
  });
  const version = await makeAgentVersion(repos, agent, 1);
  await repos.agents.update(agent.id, { currentVersionId: version.id });
  return { ...agent, currentVersionId: version.id, versionId: version.id };
}

/** Starts a conversation over HTTP and returns it. */
export async function startConversation(t: TestApp, token: string, body: Record<string, unknown>) {
  const res = await call(t, "POST", "/conversations", { token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; departmentId: string | null; title: string | null; status: string };
}

/**
 * Appends a question and an answer through the pipeline's own verb (`ConversationRepository.appendMessage`:
 * the message and the conversation's counters), since turns are not what these tests are about.
 */
export async function exchange(
  t: TestApp,
  conversation: { id: string; orgId: string },
  question: string,
  answer: string,
  options: { heldForApproval?: boolean } = {},
) {
  const repos = t.context.container.repositories;
  const asked = await repos.conversations.appendMessage(messageValues(conversation, { content: question }));
  const answered = await repos.conversations.appendMessage(
    messageValues(conversation, {
      role: "assistant",
      content: answer,
      parts: [{ type: "text", text: answer }],
      sources: [{ label: "1", title: "Handbook" }],
      heldForApproval: options.heldForApproval ?? false,
    }),
  );
  return { questionId: asked.id, answerId: answered.id };
}

export async function feedbackRows(t: TestApp, messageId: string) {
  return t.context.container.database.db.select().from(feedback).where(eq(feedback.messageId, messageId));
}

/**
 * One organisation with HR and Sales, an agent in each plus an org-wide one, two HR employees, an HR
 * department head (a reviewer: analytics:read) and a Sales department head.
 */
export async function conversationWorld(t: TestApp) {
  const tenant = await signUp(t);
  const hr = await createDepartment(t, tenant.token, "HR");
  const sales = await createDepartment(t, tenant.token, "Sales");
  return {
    tenant,
    hr,
    sales,
    hrAgent: await publishedAgent(t, tenant.orgId, hr),
    salesAgent: await publishedAgent(t, tenant.orgId, sales),
    orgAgent: await publishedAgent(t, tenant.orgId, null),
    ana: await addMember(t, tenant.token, hr, "employee", "Ana"),
    ben: await addMember(t, tenant.token, hr, "employee", "Ben"),
    hrHead: await addMember(t, tenant.token, hr, "dept_head", "Hana Head"),
    salesHead: await addMember(t, tenant.token, sales, "dept_head", "Sam Head"),
  };
}

export type ConversationWorld = Awaited<ReturnType<typeof conversationWorld>>;
