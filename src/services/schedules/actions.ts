import { AppError } from "../../lib/errors.js";
import type { ApiChat } from "../chat/api-chat.js";
import type { ServiceContext } from "../context.js";
import type { ActionExecutor } from "./schedule-runner.js";

/** The existing services each action calls, as the creator (their checks apply unchanged). */
export interface ActionServices {
  apiChat: Pick<ApiChat, "complete">;
  notify(
    orgId: string,
    userIds: readonly string[],
    n: { type: string; title: string; body?: string; entityType: string; entityId: string },
  ): Promise<unknown>;
  generate(
    ctx: ServiceContext,
    templateId: string,
    request: { input?: Record<string, unknown>; knowledgeBaseId?: string | null },
  ): Promise<{ id: string; status: string; error?: string | null; documentId?: string | null }>;
  crawl(ctx: ServiceContext, webSourceId: string): Promise<{ jobId: string; created: boolean }>;
  reembed(
    ctx: ServiceContext,
    knowledgeBaseId: string,
    model: string | undefined,
  ): Promise<{ embeddingModel: string; pendingEmbeddingModel: string | null }>;
}

const excerpt = (text: string, max = 2000) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** One executor per action type; each is one call of an existing service. */
export function createActionExecutor(services: ActionServices): ActionExecutor {
  return async (ctx, action, schedule) => {
    switch (action.type) {
      case "ask": {
        const { conversationId, outcome } = await services.apiChat.complete(ctx, {
          model: action.agentId,
          messages: [{ role: "user", content: action.prompt }],
          ...(action.deliverTo === "conversation" && action.conversationId
            ? { conversationId: action.conversationId }
            : {}),
        });
        if (outcome.status !== "done") {
          throw new AppError("UNAVAILABLE", `The assistant did not answer (${outcome.status})`);
        }
        if (action.deliverTo === "notification") {
          await services.notify(ctx.orgId, [ctx.actor.userId ?? ctx.actor.id], {
            type: "schedule.answer",
            title: `Scheduled question: ${schedule.name}`,
            body: excerpt(outcome.message.text),
            entityType: "conversation",
            entityId: conversationId,
          });
        }
        return {
          conversationId,
          messageId: outcome.message.id,
          chatTaskId: outcome.taskId,
          deliveredTo: action.deliverTo,
        };
      }
      case "generate_document": {
        const generation = await services.generate(ctx, action.templateId, {
          input: action.input,
          ...(action.knowledgeBaseId ? { knowledgeBaseId: action.knowledgeBaseId } : {}),
        });
        if (generation.status === "failed") {
          throw new AppError("VALIDATION", `The generation failed: ${generation.error ?? "unknown error"}`);
        }
        return { generationId: generation.id, status: generation.status };
      }
      case "crawl": {
        const { jobId, created } = await services.crawl(ctx, action.webSourceId);
        return { crawlJobId: jobId, created };
      }
      case "reembed": {
        const kb = await services.reembed(ctx, action.knowledgeBaseId, action.model);
        return { embeddingModel: kb.embeddingModel, pendingEmbeddingModel: kb.pendingEmbeddingModel };
      }
    }
  };
}
