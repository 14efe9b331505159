import { newId } from "../../../lib/ids.js";
import { auditRow } from "../../audit/record-audit.js";
import { titleFromFirstMessage } from "../../conversations/title.js";
import { modelRequest } from "../model-request.js";
import type { LoadedTurn, TurnStageOf, TurnState } from "../turn-state.js";

/** The task's adapter; a provider that cannot be resolved fails in the model stage, where it is recorded. */
function adapterTypeOf(state: LoadedTurn): "extractive" | "ai-sdk" {
  try {
    const { spec } = state.deps.chatModels.resolve(modelRequest(state.agent));
    return spec.provider === "extractive" ? "extractive" : "ai-sdk";
  } catch {
    return "ai-sdk";
  }
}

/** The placeholders the question introduced, sealed, stored in the same statement as the question. */
function piiEntries(state: TurnState, messageId: string) {
  const added = state.pii?.takeAdded() ?? [];
  if (added.length === 0) return [];
  const rows = state.deps.pii!.entryRows(state.ctx, state.conversationId, messageId, added);
  return [state.deps.repositories.piiRedactionMaps.insertRowsStatement(rows)];
}

/**
 * The question is stored before the model runs, with the conversation's counters, its title (from
 * the first message), the turn's agent task (`running`) and the audit row: one statement
 * (`appendMessage`), so all of it is written or none, in one round trip.
 */
export const persistUserMessageStage: TurnStageOf<"loaded"> = {
  name: "persist-user-message",
  needs: "loaded",
  async run(state) {
    const { ctx, deps } = state;
    const r = deps.repositories;
    const { conversation, agent } = state;
    const text = state.input.text;
    // Under PII masking the title and the task's input hold placeholders; the message keeps the
    // person's words unless the namespace stores questions masked too.
    const masked = state.question ?? text;
    const stored = state.pii?.maskStoredQuestion ? masked : text;
    const messageId = newId();
    const taskId = newId();
    const patch: { title?: string; agentVersionId?: string } = {};
    if (!conversation.title && conversation.messageCount === 0) patch.title = titleFromFirstMessage(masked);
    if (state.pinVersionId) patch.agentVersionId = state.pinVersionId;
    const task = r.agentTasks.insertRowsStatement([
      {
        id: taskId,
        orgId: ctx.orgId,
        departmentId: conversation.departmentId,
        namespaceId: conversation.namespaceId,
        agentId: agent.agentId,
        agentVersionId: agent.versionId,
        conversationId: conversation.id,
        messageId,
        userId: ctx.actor.userId ?? null,
        adapterType: adapterTypeOf(state),
        // The turn works on it from here on (retrieval is already under way).
        status: "running",
        startedAt: new Date(),
        input: { text: masked, channel: conversation.channel },
      },
    ]);
    const audit = r.auditLogs.insertRowsStatement([
      auditRow(ctx, {
        action: "conversation.message_sent",
        entityType: "conversation",
        entityId: conversation.id,
        departmentId: conversation.departmentId,
        changes: { messageId, taskId },
      }),
    ]);
    state.userMessage = await r.conversations.appendMessage(
      {
        id: messageId,
        orgId: ctx.orgId,
        conversationId: conversation.id,
        role: "user",
        content: stored,
        textContent: stored,
        parts: [{ type: "text", text: stored }],
        metadata: {},
      },
      { patch, companions: [task, audit, ...piiEntries(state, messageId)] },
      ctx.db,
    );
    state.taskId = taskId;
    state.emit({ type: "turn-start", conversationId: conversation.id, taskId, userMessageId: messageId });
  },
};
