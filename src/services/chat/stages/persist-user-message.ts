import { withTransaction } from "../../../db/transaction.js";
import { recordAudit } from "../../audit/record-audit.js";
import { titleFromFirstMessage } from "../../conversations/title.js";
import type { TurnStage, TurnState } from "../turn-state.js";
import { modelRequest } from "./model-call.js";

/** The task's adapter; a provider that cannot be resolved fails in the model stage, where it is recorded. */
function adapterTypeOf(state: TurnState): "extractive" | "ai-sdk" {
  try {
    const { spec } = state.deps.chatModels.resolve(modelRequest(state.agent!));
    return spec.provider === "extractive" ? "extractive" : "ai-sdk";
  } catch {
    return "ai-sdk";
  }
}

/**
 * The question is stored before the model runs, with the conversation's counters, its title (from
 * the first message) and the turn's agent task (`running`), in one transaction.
 */
export const persistUserMessageStage: TurnStage = {
  name: "persist-user-message",
  async run(state) {
    const { ctx, deps } = state;
    const r = deps.repositories;
    const conversation = state.conversation!;
    const agent = state.agent!;
    const text = state.input.text;
    await withTransaction(ctx.db, async (tx) => {
      const message = await r.messages.create(
        {
          orgId: ctx.orgId,
          conversationId: conversation.id,
          role: "user",
          content: text,
          textContent: text,
          parts: [{ type: "text", text }],
          metadata: {},
        },
        tx,
      );
      await r.conversations.recordMessage(conversation.id, message.createdAt, tx);
      const patch: { title?: string; agentVersionId?: string } = {};
      if (!conversation.title && conversation.messageCount === 0) patch.title = titleFromFirstMessage(text);
      if (state.pinVersionId) patch.agentVersionId = state.pinVersionId;
      if (Object.keys(patch).length > 0) await r.conversations.update(conversation.id, patch, tx);
      const task = await r.agentTasks.create(
        {
          orgId: ctx.orgId,
          departmentId: conversation.departmentId,
          namespaceId: conversation.namespaceId,
          agentId: agent.agentId,
          agentVersionId: agent.versionId,
          conversationId: conversation.id,
          messageId: message.id,
          userId: ctx.actor.userId ?? null,
          adapterType: adapterTypeOf(state),
          // The turn works on it from here on (retrieval is already under way).
          status: "running",
          startedAt: new Date(),
          input: { text, channel: conversation.channel },
        },
        tx,
      );
      await recordAudit(
        r,
        ctx,
        {
          action: "conversation.message_sent",
          entityType: "conversation",
          entityId: conversation.id,
          departmentId: conversation.departmentId,
          changes: { messageId: message.id, taskId: task.id },
        },
        tx,
      );
      state.userMessage = message;
      state.taskId = task.id;
    });
    state.emit({
      type: "turn-start",
      conversationId: conversation.id,
      taskId: state.taskId!,
      userMessageId: state.userMessage!.id,
    });
  },
};
