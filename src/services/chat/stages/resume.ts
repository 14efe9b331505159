import type { ModelMessage } from "ai";
import { AppError } from "../../../lib/errors.js";
import { newId } from "../../../lib/ids.js";
import { aiToolsFor, toolErrorMessage } from "../ai-tools.js";
import { modelRequest } from "../model-request.js";
import type { TurnStageOf } from "../turn-state.js";

/**
 * The resumed turn's task (the question is already stored; the paused turn's task ended `done` with
 * its held draft): `running`, with the approval it continues; emits `turn-start`.
 */
export const resumeTaskStage: TurnStageOf<"loaded"> = {
  name: "resume-task",
  needs: "loaded",
  async run(state) {
    const { ctx, deps } = state;
    const { conversation, agent, userMessage, resume } = state;
    if (!userMessage || !resume) throw new AppError("INTERNAL", "resume-task runs only in a resumed turn");
    const taskId = newId();
    let adapterType: "extractive" | "ai-sdk" = "ai-sdk";
    try {
      if (deps.chatModels.resolve(modelRequest(agent)).spec.provider === "extractive")
        adapterType = "extractive";
    } catch {
      // Recorded by the model stage.
    }
    await deps.repositories.agentTasks.create(
      {
        id: taskId,
        orgId: ctx.orgId,
        departmentId: conversation.departmentId,
        namespaceId: conversation.namespaceId,
        agentId: agent.agentId,
        agentVersionId: agent.versionId,
        conversationId: conversation.id,
        messageId: userMessage.id,
        userId: ctx.actor.userId ?? null,
        adapterType,
        status: "running",
        startedAt: new Date(),
        input: {
          text: state.question ?? state.input.text,
          channel: conversation.channel,
          resumes: resume.approvalId,
        },
      },
      ctx.db,
    );
    state.taskId = taskId;
    state.emit({
      type: "turn-start",
      conversationId: conversation.id,
      taskId,
      userMessageId: userMessage.id,
    });
  },
};

/**
 * Runs the approved tool call stored in the approval, as the requester (their permissions, the
 * turn's `agent_tool_calls` row), and gives the model the call and its result to continue from.
 */
export const runApprovedToolStage: TurnStageOf<"started"> = {
  name: "run-approved-tool",
  needs: "started",
  async run(state) {
    const { ctx, deps } = state;
    if (!state.resume) throw new AppError("INTERNAL", "run-approved-tool runs only in a resumed turn");
    const approval = await deps.repositories.approvals.findById(state.resume.approvalId, ctx.db);
    const call = approval?.pendingToolCall;
    if (!call) throw new AppError("PRECONDITION_FAILED", "The approval holds no tool call");
    const toolSet = deps.toolResolver
      ? await deps.toolResolver.resolve(ctx, { names: [call.name], departmentId: state.agent.departmentId })
      : undefined;
    try {
      const tool = toolSet && aiToolsFor(state, toolSet.tools, () => call.step)[call.name];
      let output: { type: "json"; value: never } | { type: "error-text"; value: string };
      if (!tool?.execute) {
        output = { type: "error-text", value: `The tool ${call.name} is no longer available` };
      } else {
        try {
          const value = await tool.execute(
            call.input as never,
            {
              toolCallId: call.toolCallId,
              messages: [],
              abortSignal: state.signal,
            } as never,
          );
          output = { type: "json", value: (value ?? null) as never };
          state.toolSteps.push({
            step: call.step,
            toolCallId: call.toolCallId,
            name: call.name,
            input: call.input,
            output: value,
          });
        } catch (error) {
          const message = toolErrorMessage(error);
          output = { type: "error-text", value: message };
          state.toolSteps.push({
            step: call.step,
            toolCallId: call.toolCallId,
            name: call.name,
            input: call.input,
            error: message,
          });
        }
      }
      state.emit({
        type: "tool-result",
        step: call.step,
        toolCallId: call.toolCallId,
        name: call.name,
        ...(output.type === "json" ? { output: output.value } : { error: output.value }),
      });
      const continuation: ModelMessage[] = [
        {
          role: "assistant",
          content: [
            { type: "tool-call", toolCallId: call.toolCallId, toolName: call.name, input: call.input },
          ],
        },
        {
          role: "tool",
          content: [{ type: "tool-result", toolCallId: call.toolCallId, toolName: call.name, output }],
        },
      ];
      state.continuation = continuation;
    } finally {
      await toolSet?.close().catch(() => undefined);
    }
  },
};
