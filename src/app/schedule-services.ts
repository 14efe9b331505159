import type { Db } from "../db/client.js";
import type { JobQueue } from "../jobs/queue.js";
import type { Repositories } from "../repositories/index.js";
import type { createApprovalServices } from "../services/approvals/index.js";
import type { createAssistantServices } from "../services/assistants/index.js";
import type { ActingUsers } from "../services/auth/acting-user.js";
import type { createApiChat } from "../services/chat/index.js";
import type { createKnowledgeServices } from "../services/knowledge/index.js";
import { createScheduleServices } from "../services/schedules/index.js";
import type { createTemplateServices } from "../services/templates/index.js";

/**
 * Schedules and what they run, wired to the services that do the work: asking an assistant (through
 * the API chat path), generating a document, re-crawling a web source and re-embedding a knowledge
 * base — each as the schedule's creator, whose rights are checked again at every run.
 */
export function wireSchedules(deps: {
  db: Db;
  repositories: Repositories;
  queue: JobQueue;
  actingUsers: ActingUsers;
  services: {
    apiChat: ReturnType<typeof createApiChat>;
    assistants: ReturnType<typeof createAssistantServices>;
    knowledge: ReturnType<typeof createKnowledgeServices>;
    templates: ReturnType<typeof createTemplateServices>;
    notifications: ReturnType<typeof createApprovalServices>["notifications"];
  };
}) {
  const { assistants, knowledge, templates, notifications, apiChat } = deps.services;
  return createScheduleServices({
    db: deps.db,
    repositories: deps.repositories,
    queue: deps.queue,
    contextOf: (orgId, email, logger) =>
      deps.actingUsers.contextFor(orgId, email, deps.db, logger, "schedule"),
    checkTarget: async (ctx, action) => {
      if (action.type === "ask") await assistants.agents.get(ctx, action.agentId);
      if (action.type === "generate_document") await templates.documentTemplates.get(ctx, action.templateId);
      if (action.type === "crawl") await knowledge.webSources.get(ctx, action.webSourceId);
      if (action.type === "reembed") await knowledge.knowledgeBases.get(ctx, action.knowledgeBaseId);
    },
    actions: {
      apiChat,
      notify: (orgId, userIds, n) => notifications.notify(orgId, userIds, n),
      generate: (ctx, templateId, request) =>
        templates.documentGenerations.generate(ctx, templateId, request),
      crawl: (ctx, id) => knowledge.webSources.crawl(ctx, id),
      reembed: async (ctx, id, model) => {
        const kb = await knowledge.knowledgeBases.get(ctx, id);
        return knowledge.knowledgeBases.update(ctx, id, { embeddingModel: model ?? kb.embeddingModel });
      },
    },
  });
}
