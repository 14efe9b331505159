import { randomUUID } from "node:crypto";
import type { UserRow } from "../../src/repositories/user.repository.js";
import { makeAgent, makeAgentVersion } from "../factories/assistants.js";
import { feedbackValues, makeConversation, makeMessage } from "../factories/conversations.js";
import { type IsolationWorld, marker } from "./world.js";

interface Scope {
  orgId: string;
  departmentId: string;
}

/** Conversation id → its assistant message, for the `:messageId` of feedback routes. */
const assistantMessages = new Map<string, string>();
/** Per world: an agent in org A's D1 that example bodies start conversations with. */
const exampleAgents = new WeakMap<IsolationWorld, string>();

export function assistantMessageOf(conversationId: string | undefined): string {
  return (conversationId && assistantMessages.get(conversationId)) || randomUUID();
}

export function exampleAgentOf(world: IsolationWorld): string {
  return exampleAgents.get(world) ?? randomUUID();
}

/** An enabled agent of the department with a published version 1, on the offline model. */
export async function publishedAgentIn(world: IsolationWorld, scope: Scope, kind: "hidden" | "visible") {
  const model = { primaryModelProvider: "extractive", primaryModel: "extractive" };
  const agent = await makeAgent(world.repos, scope.orgId, {
    departmentId: scope.departmentId,
    name: marker(kind, "agent"),
    toolsEnabled: [],
    ...model,
  });
  const version = await makeAgentVersion(world.repos, agent, 1, model);
  await world.repos.agents.update(agent.id, { currentVersionId: version.id });
  return { agent, version };
}

async function ownerFor(world: IsolationWorld, scope: Scope, kind: "hidden" | "visible"): Promise<UserRow> {
  // Conversations are private to their owner: a conversation the control case must reach belongs to
  // the organisation's admin (the control caller); hidden ones belong to a member of their department.
  if (kind === "visible")
    return scope.orgId === world.orgA.org.id ? world.orgA.users.admin : world.orgB.admin;
  const name = marker(kind, "conversation-owner");
  const role = await world.repos.systemRoles.findBySlug(scope.orgId, "employee");
  const user = await world.repos.users.create({
    orgId: scope.orgId,
    email: `${name}@example.test`,
    name,
    role: "employee",
    roleId: role?.id ?? null,
    departmentId: scope.departmentId,
  });
  await world.repos.orgMembers.create({ orgId: scope.orgId, userId: user.id, role: "member" });
  return user;
}

/**
 * A conversation in the scope's department with a question, a cited answer and the owner's
 * feedback on it, pinned to a published agent version.
 */
export async function conversationIn(world: IsolationWorld, scope: Scope, kind: "hidden" | "visible") {
  if (!exampleAgents.has(world)) {
    const d1 = { orgId: world.orgA.org.id, departmentId: world.orgA.d1.id };
    exampleAgents.set(world, (await publishedAgentIn(world, d1, "visible")).agent.id);
  }
  const { agent, version } = await publishedAgentIn(world, scope, kind);
  const owner = await ownerFor(world, scope, kind);
  const title = marker(kind, "conversation");
  const conversation = await makeConversation(world.repos, owner, {
    departmentId: scope.departmentId,
    agentId: agent.id,
    agentVersionId: version.id,
    title,
    messageCount: 2,
  });
  const question = `Matrix question ${marker(kind, "question")} about leave?`;
  const answer = `Matrix answer ${marker(kind, "answer")} [1]`;
  await makeMessage(world.repos, conversation, { content: question });
  const reply = await makeMessage(world.repos, conversation, {
    role: "assistant",
    content: answer,
    sources: [{ label: "1", title: marker(kind, "source") }],
  });
  assistantMessages.set(conversation.id, reply.id);
  const comment = marker(kind, "feedback-comment");
  await world.repos.feedback.create(feedbackValues(reply, owner.id, { comment }));
  const identifiers = [conversation.id, title, question, answer, comment, agent.id, agent.name, reply.id];
  if (kind === "hidden") identifiers.push(owner.id, owner.email);
  return { id: conversation.id, identifiers };
}
