import { makeAgent, makeAgentVersion, makeNamespace, makePersona, makeTool } from "./assistants.js";
import { makeConversation, makeMessage } from "./conversations.js";
import { makeDepartment, makeOrg, makeSystemRole, makeUser } from "./identity.js";
import { makeChunk, makeDocument, makeKnowledgeBase, makeWebSource } from "./knowledge.js";
import { makeAgentRun, makeAgentTask, makeDocumentTemplate, scheduleValues } from "./operations.js";
import type { Repositories } from "./types.js";

/**
 * One organisation with one row of every parent table, for tests that need valid foreign keys
 * (org → department → knowledge base → document → chunk; user → conversation → message; …).
 */
export async function makeWorld(repos: Repositories) {
  const org = await makeOrg(repos);
  const department = await makeDepartment(repos, org.id);
  const role = await makeSystemRole(repos, org.id, { departmentIds: [department.id] });
  const user = await makeUser(repos, org.id, { departmentId: department.id, roleId: role.id });
  const knowledgeBase = await makeKnowledgeBase(repos, department, { createdById: user.id });
  const webSource = await makeWebSource(repos, knowledgeBase);
  const document = await makeDocument(repos, knowledgeBase, { uploadedById: user.id });
  const chunk = await makeChunk(repos, document);
  const persona = await makePersona(repos, org.id, { departmentId: department.id });
  const namespace = await makeNamespace(repos, department, { personaId: persona.id });
  const tool = await makeTool(repos, org.id);
  const agent = await makeAgent(repos, org.id, {
    departmentId: department.id,
    ragEnabled: [knowledgeBase.id],
  });
  const agentVersion = await makeAgentVersion(repos, agent, 1);
  const conversation = await makeConversation(repos, user, {
    departmentId: department.id,
    namespaceId: namespace.id,
    agentId: agent.id,
    agentVersionId: agentVersion.id,
  });
  const message = await makeMessage(repos, conversation);
  const agentTask = await makeAgentTask(repos, org.id, {
    conversationId: conversation.id,
    messageId: message.id,
  });
  const agentRun = await makeAgentRun(repos, org.id, {
    agentTaskId: agentTask.id,
    conversationId: conversation.id,
  });
  const documentTemplate = await makeDocumentTemplate(repos, org.id, { namespaceId: namespace.id });
  const schedule = await repos.schedules.create(scheduleValues(org.id, { departmentId: department.id }));
  return {
    org,
    department,
    role,
    user,
    knowledgeBase,
    webSource,
    document,
    chunk,
    persona,
    namespace,
    tool,
    agent,
    agentVersion,
    conversation,
    message,
    agentTask,
    agentRun,
    documentTemplate,
    schedule,
  };
}

export type World = Awaited<ReturnType<typeof makeWorld>>;
