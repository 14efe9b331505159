import { newId } from "../../../lib/ids.js";
import { approvalRowOf, heldNotice, isWithheld } from "../../approvals/turn-hold.js";
import { citationView, snippetOf } from "../citation-view.js";
import { runRow } from "../run-row.js";
import type { TurnStageOf } from "../turn-state.js";

/**
 * The assistant message (text, tool steps, citations), the task's outcome, the run trace and the
 * retrieval evidence, in one statement (`appendMessage`: all or nothing, one round trip); then the
 * `done` event. A reply the approval gate held is stored `heldForApproval` with its `approvals` row and
 * the conversation's new status in that same statement, and the requester gets a `held` event and a
 * `done` carrying the waiting notice instead of the draft.
 */
export const persistAnswerStage: TurnStageOf<"answered"> = {
  name: "persist-answer",
  needs: "answered",
  async run(state) {
    const { ctx, deps } = state;
    const r = deps.repositories;
    const { answer, modelSpec: spec } = state;
    const cited = answer.cited.map(citationView);
    const tokens = state.usage.promptTokens + state.usage.completionTokens;
    state.costUsd = deps.chatModels.costUsd(spec, state.usage);
    const finishedAt = new Date();
    const durationMs = finishedAt.getTime() - state.startedAt;
    const parts: unknown[] = [
      { type: "text", text: answer.text },
      ...state.toolSteps.flatMap((s) => [
        { type: "tool-call", toolCallId: s.toolCallId, toolName: s.name, input: s.input ?? null },
        {
          type: "tool-result",
          toolCallId: s.toolCallId,
          toolName: s.name,
          ...(s.error === undefined ? { output: s.output ?? null } : { error: s.error }),
        },
      ]),
      ...cited.map((c) => ({ type: "citation", ...c })),
    ];
    const messageId = newId();
    const runId = newId();
    const passages = state.citations.all();
    const companions = [
      r.agentTasks.updateStatement(state.taskId, {
        status: "done",
        output: {
          messageId,
          removedCitations: answer.removed,
          steps: state.step + 1,
          ...(state.intent
            ? { intent: { name: state.intent.name, confidence: state.intent.confidence } }
            : {}),
          ...(state.hold ? { approvalId: state.hold.approvalId, hold: state.hold.mode } : {}),
        },
        promptTokens: state.usage.promptTokens,
        completionTokens: state.usage.completionTokens,
        totalTokens: tokens,
        costUsd: state.costUsd,
        durationMs,
        completedAt: finishedAt,
      }),
      r.agentRuns.insertRowsStatement([
        {
          id: runId,
          ...runRow(state, {
            messageId,
            costUsd: state.costUsd,
            durationMs,
            finishedAt,
            status: "ok",
            metadata: {
              removedCitations: answer.removed,
              ...(state.pii ? { pii: state.pii.summary() } : {}),
            },
          }),
        },
      ]),
    ];
    if (passages.length > 0) {
      companions.push(
        r.retrievalHits.insertRowsStatement(
          passages.map((p, i) => ({
            orgId: ctx.orgId,
            agentRunId: runId,
            chunkId: p.chunkId,
            documentId: p.documentId,
            knowledgeBaseId: p.knowledgeBaseId,
            rank: i + 1,
            score: p.score,
            rerankScore: p.rerankScore ?? null,
            retriever: p.via === "retrieval" ? "fused" : p.via,
            citationLabel: `[${p.label}]`,
            snippet: snippetOf(p.content),
          })),
        ),
      );
    }
    const hold = state.hold;
    const withheld = hold && isWithheld(hold) ? hold : undefined;
    if (hold)
      companions.push(r.approvals.insertRowsStatement([approvalRowOf(state, hold, messageId, cited)]));
    // A resumed turn's answer is what its approval delivered.
    if (state.resume) {
      companions.push(
        r.approvals.updateStatement(state.resume.approvalId, { deliveredMessageId: messageId }),
      );
    }
    state.assistantMessage = await r.conversations.appendMessage(
      {
        id: messageId,
        orgId: ctx.orgId,
        conversationId: state.conversationId,
        role: "assistant",
        content: answer.text,
        textContent: answer.text,
        parts,
        sources: cited,
        model: `${spec.provider}/${spec.model}`,
        tokenCount: state.usage.completionTokens,
        heldForApproval: withheld !== undefined,
        metadata: {
          taskId: state.taskId,
          agentVersionId: state.agent.versionId,
          removedCitations: answer.removed,
          ...(hold ? { approvalId: hold.approvalId } : {}),
        },
      },
      {
        companions,
        ...(withheld
          ? { patch: { status: withheld.mode === "handoff" ? "escalated" : "awaiting_approval" } }
          : state.resume
            ? { patch: { status: "active" } }
            : {}),
      },
      ctx.db,
    );
    state.runId = runId;
    if (withheld) {
      state.emit({
        type: "held",
        approvalId: withheld.approvalId,
        messageId,
        mode: withheld.mode as "hold" | "handoff",
        dueAt: withheld.dueAt.toISOString(),
        message: heldNotice(withheld),
      });
    } else if (cited.length > 0) state.emit({ type: "citations", citations: cited });
    state.emit({
      type: "done",
      messageId: state.assistantMessage.id,
      text: withheld ? heldNotice(withheld) : (state.shownText ?? answer.text),
      citations: withheld ? [] : cited,
      ...(withheld
        ? { held: { approvalId: withheld.approvalId, mode: withheld.mode as "hold" | "handoff" } }
        : {}),
      removedCitations: answer.removed,
      usage: { ...state.usage, costUsd: state.costUsd },
      runId: state.runId,
      taskId: state.taskId,
    });
  },
};
