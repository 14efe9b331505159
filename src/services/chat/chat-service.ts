import { randomBytes } from "node:crypto";
import { requirePermission } from "../../core/access.js";
import { AppError, isAppError } from "../../lib/errors.js";
import type { TurnRelay } from "../../providers/events/turn-relay.js";
import type { TraceExporter } from "../../providers/telemetry/trace-exporter.js";
import { heldNotice, isWithheld } from "../approvals/turn-hold.js";
import type { ServiceContext } from "../context.js";
import { loadConversation } from "../conversations/conversation-access.js";
import { CitationRegistry } from "../knowledge/index.js";
import type { BudgetGuard, MemoryReader } from "./collaborators.js";
import { eventsOf, findTurn, followConversation } from "./conversation-follow.js";
import { RESUME_STAGES, runTurn, TURN_STAGES } from "./pipeline.js";
import { loadRunTrace, runView } from "./run-trace.js";
import { TurnSignal } from "./turn-abort.js";
import type { CitationView, NumberedTurnEvent, TurnEvent, TurnUsage } from "./turn-events.js";
import { isFinalEvent, TurnHub } from "./turn-hub.js";
import { turnSpans } from "./turn-spans.js";
import { isStored, type TurnDeps, type TurnInput, type TurnStage, type TurnState } from "./turn-state.js";

export type TurnOutcome =
  | {
      status: "done";
      conversationId: string;
      taskId: string;
      runId: string;
      message: { id: string; text: string; createdAt: Date };
      citations: CitationView[];
      removedCitations: number;
      usage: TurnUsage;
      /** The reply waits for a person: `message.text` is the waiting notice, not the draft. */
      held?: { approvalId: string; mode: "hold" | "handoff"; dueAt: Date } | undefined;
    }
  | {
      status: "failed" | "timeout";
      conversationId: string;
      taskId: string;
      runId?: string | undefined;
      messageId?: string | undefined;
      error: { code: string; reason: string; message: string };
    };

export interface SendOptions {
  /** Aborts the turn (client disconnect); the task ends `failed` with reason `cancelled`. */
  signal?: AbortSignal | undefined;
  onEvent?: ((event: NumberedTurnEvent) => void) | undefined;
}

/** Events that would show a held draft. */
const DRAFT_EVENTS: ReadonlySet<TurnEvent["type"]> = new Set([
  "token",
  "tool-call",
  "tool-result",
  "citations",
]);

const noBudget: BudgetGuard = {
  assertWithinBudget: async () => undefined,
  spentDepartments: async () => new Set(),
};
const noMemory: MemoryReader = { forPrompt: async () => null, scheduleExtraction: async () => undefined };

/** Takes a requester's message while the conversation is handed to a person (ADR 0012). */
export interface HandoffInbox {
  takeMessage(
    ctx: ServiceContext,
    conversationId: string,
    text: string,
  ): Promise<
    | {
        status: "handed-off";
        conversationId: string;
        message: { id: string; createdAt: Date };
        assigneeId: string | null;
      }
    | undefined
  >;
}

export type HandedOffOutcome = NonNullable<Awaited<ReturnType<HandoffInbox["takeMessage"]>>>;

export type ChatDeps = Omit<TurnDeps, "budget" | "memory"> & {
  /** Where a message goes while its conversation is `escalated` (instead of the assistant). */
  handoff?: HandoffInbox | undefined;
  budget?: BudgetGuard | undefined;
  memory?: MemoryReader | undefined;
  hub?: TurnHub | undefined;
  /** Shares turn events with other API processes (Redis); without it, resume works per process. */
  relay?: TurnRelay | undefined;
  /** Exports each finished turn as an OpenTelemetry trace (OTEL_EXPORTER_OTLP_*). */
  traceExporter?: TraceExporter | undefined;
};

export function createChatService(input: ChatDeps) {
  const hub = input.hub ?? new TurnHub();
  /** The turns running in this process, so a stop request can reach them. */
  const running = new Map<string, { conversationId: string; timers: TurnSignal }>();
  const relay = input.relay;
  const deps: TurnDeps = {
    ...input,
    budget: input.budget ?? noBudget,
    memory: input.memory ?? noMemory,
  };

  /** Runs `stages` as one turn of the conversation: events numbered, relayed and traced. */
  async function execute(
    ctx: ServiceContext,
    conversationId: string,
    message: TurnInput,
    options: SendOptions,
    stages: readonly TurnStage[],
    prepare?: (state: TurnState) => void,
  ): Promise<TurnOutcome> {
    const text = message.text.trim();
    const timers = new TurnSignal(deps.chat, options.signal);
    let taskId: string | undefined;
    const state: TurnState = {
      ctx,
      deps,
      conversationId,
      input: { ...message, text },
      signal: timers.signal,
      timers,
      emit: (event: TurnEvent) => {
        // A held reply's draft (tokens, tool steps) never reaches the requester.
        if (isWithheld(state.hold) && DRAFT_EVENTS.has(event.type)) return;
        if (event.type === "turn-start") {
          taskId = event.taskId;
          running.set(taskId, { conversationId, timers });
        }
        if (!taskId) return;
        const numbered = hub.publish(taskId, conversationId, event);
        relay?.publish({ taskId, conversationId }, numbered, isFinalEvent(event));
        try {
          options.onEvent?.(numbered);
        } catch (error) {
          ctx.logger.warn({ err: error }, "a turn event listener failed");
        }
      },
      startedAt: Date.now(),
      traceId: randomBytes(16).toString("hex"),
      citations: new CitationRegistry(),
      history: [],
      memory: null,
      knowledgeBaseIds: [],
      billedDepartmentId: null,
      budgetExcludedDepartmentIds: [],
      knowledgeScopes: [],
      system: "",
      step: 0,
      rawText: "",
      toolSteps: [],
      usage: { promptTokens: 0, completionTokens: 0 },
      costUsd: 0,
      stages: [],
      toolCalls: [],
    };
    prepare?.(state);
    try {
      const result = await runTurn(state, stages);
      // Only turns that got as far as a task are traced (the others were refused up front).
      if (state.taskId) input.traceExporter?.export(turnSpans(state, result, Date.now()));
      if (!result.ok) {
        return {
          status: result.failure.status,
          conversationId,
          taskId: result.taskId,
          runId: state.runId,
          messageId: result.messageId,
          error: {
            code: result.failure.code,
            reason: result.failure.reason,
            message: result.failure.message,
          },
        };
      }
      const stored = state;
      if (!isStored(stored)) throw new AppError("INTERNAL", "The chat turn ended without storing an answer");
      const answer = stored.assistantMessage;
      const hold = stored.hold && isWithheld(stored.hold) ? stored.hold : undefined;
      if (hold) {
        return {
          status: "done",
          conversationId,
          taskId: stored.taskId,
          runId: stored.runId,
          message: { id: answer.id, text: heldNotice(hold), createdAt: answer.createdAt },
          citations: [],
          removedCitations: 0,
          usage: { ...state.usage, costUsd: state.costUsd },
          held: { approvalId: hold.approvalId, mode: hold.mode as "hold" | "handoff", dueAt: hold.dueAt },
        };
      }
      return {
        status: "done",
        conversationId,
        taskId: stored.taskId,
        runId: stored.runId,
        message: { id: answer.id, text: stored.shownText ?? stored.answer.text, createdAt: answer.createdAt },
        citations: answer.sources as CitationView[],
        removedCitations: stored.answer.removed,
        usage: { ...state.usage, costUsd: state.costUsd },
      };
    } finally {
      timers.dispose();
      if (taskId) {
        running.delete(taskId);
        // A turn that ended without a final event (its caller gave up) stops its followers too.
        if (!hub.isFinished(taskId)) relay?.endTurn({ taskId, conversationId });
        hub.close(taskId);
      }
    }
  }

  return {
    hub,

    /** Asks the conversation's agent; resolves when the turn has ended (answered or failed). */
    async sendMessage(
      ctx: ServiceContext,
      conversationId: string,
      message: TurnInput,
      options: SendOptions = {},
    ): Promise<TurnOutcome> {
      requirePermission(ctx, "chat:use");
      if (!message.text.trim()) throw new AppError("VALIDATION", "The message is empty");
      return execute(ctx, conversationId, message, options, TURN_STAGES);
    },

    /**
     * `sendMessage`, except that while the conversation is handed to a person (`escalated`) the
     * message is stored for them and no model runs (ADR 0012). The check costs nothing on the usual
     * path: it is the turn's own refusal of a conversation that is not active.
     */
    async sendOrHandOff(
      ctx: ServiceContext,
      conversationId: string,
      message: TurnInput,
      options: SendOptions = {},
    ): Promise<TurnOutcome | HandedOffOutcome> {
      try {
        requirePermission(ctx, "chat:use");
        if (!message.text.trim()) throw new AppError("VALIDATION", "The message is empty");
        return await execute(ctx, conversationId, message, options, TURN_STAGES);
      } catch (error) {
        const escalated =
          isAppError(error) && error.code === "PRECONDITION_FAILED" && error.details?.status === "escalated";
        const taken = escalated
          ? await input.handoff?.takeMessage(ctx, conversationId, message.text)
          : undefined;
        if (taken) return taken;
        throw error;
      }
    },

    /**
     * Resumes a turn paused before a tool that required approval, once approved (the worker's
     * `approval.resume` job, as the requester): the tool runs, the model continues from its result,
     * and the answer is delivered on the conversation's stream like any turn's. Idempotent: an
     * approval already delivered, or not approved, is left alone (undefined).
     */
    async resumeTurn(ctx: ServiceContext, approvalId: string): Promise<TurnOutcome | undefined> {
      const approval = await deps.repositories.approvals.findById(approvalId, ctx.db);
      if (approval?.orgId !== ctx.orgId || approval.status !== "approved") return undefined;
      if (!approval.pendingToolCall || approval.deliveredMessageId || !approval.conversationId)
        return undefined;
      const conversationId = approval.conversationId;
      const question = await deps.repositories.messages.findById(
        approval.pendingToolCall.questionMessageId,
        ctx.db,
      );
      if (!question) return undefined;
      const outcome = await execute(
        ctx,
        conversationId,
        { text: question.content },
        {},
        RESUME_STAGES,
        (state) => {
          state.resume = { approvalId };
          state.userMessage = question;
        },
      );
      if (outcome.status !== "done") {
        // The failure is the requester's answer; the conversation may be used again.
        await deps.repositories.approvals.update(
          approvalId,
          { deliveredMessageId: outcome.messageId ?? null },
          ctx.db,
        );
        await deps.repositories.conversations.update(conversationId, { status: "active" }, ctx.db);
      }
      return outcome;
    },

    /**
     * Publishes events that no model turn produced (an approver's decided reply) on the
     * conversation's stream as a turn of their own, here and through the relay on every replica:
     * `GET /conversations/{id}/stream` then delivers them like a turn's.
     */
    publish(conversationId: string, taskId: string, events: readonly TurnEvent[]): void {
      for (const event of events) {
        const numbered = hub.publish(taskId, conversationId, event);
        relay?.publish({ taskId, conversationId }, numbered, isFinalEvent(event));
      }
      if (!hub.isFinished(taskId)) hub.close(taskId);
    },

    /**
     * Events of the conversation's running (or just finished) turn after `afterEventId`. The caller
     * must be able to read the conversation; `taskId` "latest" picks the newest turn kept.
     */
    async subscribe(
      ctx: ServiceContext,
      conversationId: string,
      taskId: string | "latest",
      afterEventId: number,
      signal?: AbortSignal,
    ): Promise<{ taskId: string; events: AsyncGenerator<NumberedTurnEvent> } | null> {
      await loadConversation(deps.repositories, ctx, conversationId, "read");
      const turn = await findTurn({ hub, relay }, conversationId, taskId);
      // Null: nothing is running or kept (the stored messages hold the finished answer).
      if (!turn) return null;
      const events = eventsOf({ hub, relay }, turn.taskId, afterEventId, signal);
      return { taskId: turn.taskId, events };
    },

    /**
     * Follows the conversation until `signal` aborts: the turn to resume (after `after`), then every
     * turn after it, such as a held reply an approver decided or a colleague's reply. The caller must
     * be able to read the conversation.
     */
    async follow(
      ctx: ServiceContext,
      conversationId: string,
      start: { taskId?: string | undefined; after: number },
      signal: AbortSignal,
    ): Promise<AsyncGenerator<{ taskId: string; event: NumberedTurnEvent }>> {
      await loadConversation(deps.repositories, ctx, conversationId, "read");
      return followConversation({ hub, relay }, conversationId, start, signal);
    },

    /**
     * Stops the conversation's running answers in this process (the person pressed stop); each ends
     * `failed` with reason `cancelled`, like a closed connection. The owner (or an organisation
     * admin) may stop; anyone else gets what loading the conversation gives them.
     */
    async stop(ctx: ServiceContext, conversationId: string): Promise<{ stopped: string[] }> {
      await loadConversation(deps.repositories, ctx, conversationId, "write");
      const stopped: string[] = [];
      for (const [taskId, turn] of running) {
        if (turn.conversationId !== conversationId) continue;
        turn.timers.stop();
        stopped.push(taskId);
      }
      return { stopped };
    },

    /** Task, tool calls, run and retrieval hits of one turn, by run id or task id. */
    getRunTrace(ctx: ServiceContext, runOrTaskId: string) {
      return loadRunTrace(deps, ctx, runOrTaskId);
    },

    /** The newest runs the caller may read the traces of (their own; more with analytics:read). */
    async listReadableRuns(ctx: ServiceContext, limit = 50) {
      const runs = await deps.traces.readableRuns(
        {
          orgId: ctx.orgId,
          userId: ctx.actor.userId ?? null,
          access: ctx.access,
          limit: Math.min(200, Math.max(1, limit)),
        },
        ctx.db,
      );
      return runs.map((run) => ({ ...runView(run), agentName: run.agentName }));
    },

    /** The runs of a conversation the caller can read, newest first. */
    async listRuns(ctx: ServiceContext, conversationId: string, limit = 50) {
      await loadConversation(deps.repositories, ctx, conversationId, "read");
      const runs = await deps.traces.runsOfConversation(
        conversationId,
        Math.min(200, Math.max(1, limit)),
        ctx.db,
      );
      return runs.map(runView);
    },
  };
}

export type ChatService = ReturnType<typeof createChatService>;
