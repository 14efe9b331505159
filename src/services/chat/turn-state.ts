import type { ModelMessage } from "ai";
import type { Config } from "../../config/env.js";
import type { Queryable } from "../../db/client.js";
import type { ChatModelProvider, ModelSpec } from "../../providers/llm/chat-model.js";
import type { ConversationRow } from "../../repositories/conversation.repository.js";
import type { MessageRow } from "../../repositories/message.repository.js";
import type { RunTraceRepository } from "../../repositories/run-trace.repository.js";
import type { ResolvedAgent } from "../assistants/agent-loader.js";
import type { ServiceContext } from "../context.js";
import type { Classification } from "../intents/index.js";
import type { CitationRegistry, CitedPassage, SearchService } from "../knowledge/index.js";
import type { PiiService, PiiTurn } from "../pii/index.js";
import type { ToolResolver } from "../tools/runtime-tool.js";
import type { BudgetGuard, ChatRepositories, MemoryReader } from "./collaborators.js";
import type { Relevance, Scope } from "./relevance.js";
import type { TurnSignal } from "./turn-abort.js";
import type { TurnEvent } from "./turn-events.js";

/** What the stages of a turn need from the rest of the application. */
export interface TurnDeps {
  db: Queryable;
  repositories: ChatRepositories;
  traces: RunTraceRepository;
  chatModels: ChatModelProvider;
  search: SearchService;
  toolResolver?: ToolResolver | undefined;
  budget: BudgetGuard;
  memory: MemoryReader;
  chat: Config["chat"];
  /** PII masking (ADR 0007); without it turns are not masked. */
  pii?: PiiService | undefined;
  /** Intent classification (the `intents.classify` verb); without it turns are not classified. */
  intents?: TurnIntents | undefined;
  /** Tells the approvers of a held (or sampled) reply, once it is stored. */
  approvals?: { notifyHeld(ctx: ServiceContext, approvalId: string): Promise<void> } | undefined;
  /** Random numbers in [0, 1) for sampling autonomous replies (tests fix them). */
  random?: (() => number) | undefined;
}

export interface TurnIntents {
  classify(
    ctx: ServiceContext,
    input: { namespaceId: string; text: string; skipWithoutExamples?: boolean },
  ): Promise<Classification & { noExamples?: boolean }>;
}

/** The question's intent in the conversation's namespace and where the namespace routes it. */
export interface TurnIntent {
  name: string;
  confidence: number;
  route: "auto" | "hold" | "handoff" | "assistant";
  /** The intent's trust row (absent for `unknown`). */
  trustId?: string | undefined;
  autonomous: boolean;
  samplingRate: number;
}

/**
 * What the approval gate decided: the reply is held for an approver (`hold`), handed to a person
 * (`handoff`: held, the conversation escalated), or delivered and sampled for review (`sample`).
 */
export interface TurnHold {
  mode: "hold" | "handoff" | "sample";
  approvalId: string;
  dueAt: Date;
  /** Who a handoff goes to (the namespace policy's escalation user), if anyone by name. */
  escalateToId: string | null;
  reason: string;
}

/** What the caller asks: the question, and for API clients that keep their own history, that history. */
export interface TurnInput {
  text: string;
  /** Earlier messages supplied by the client (OpenAI-compatible API) instead of the stored ones. */
  history?: { role: "user" | "assistant"; content: string }[] | undefined;
  /** Extra instructions from the calling application (OpenAI `system` messages). */
  instructions?: string | undefined;
}

/** One call of a tool during the turn, as the assistant message's parts record it. */
export interface ToolStep {
  step: number;
  toolCallId: string;
  name: string;
  input: unknown;
  output?: unknown;
  error?: string;
}

export interface TurnUsageTotals {
  promptTokens: number;
  completionTokens: number;
}

/**
 * Everything one turn knows, filled in by the stages in order. Stages read what earlier stages
 * wrote and add their own part; a new stage (PII masking, intent classification, approval hold) is
 * one more function between two existing ones.
 */
export interface TurnState {
  readonly ctx: ServiceContext;
  readonly deps: TurnDeps;
  readonly conversationId: string;
  readonly input: TurnInput;
  /** Aborted by the client (disconnect), the turn timeout or a step timeout. */
  readonly signal: AbortSignal;
  /** The turn's time limits; the model stage starts and ends the step timer. */
  readonly timers: TurnSignal;
  /** Reports an event to the caller (and the hub); numbering happens there. */
  readonly emit: (event: TurnEvent) => void;
  readonly startedAt: number;
  /** The run's trace id (32 hex): `agent_runs.trace_id`, and the OpenTelemetry trace when exported. */
  readonly traceId: string;
  readonly citations: CitationRegistry;

  conversation?: ConversationRow;
  agent?: ResolvedAgent;
  /** The turn's PII masking, when the policy is `mask` or `block` (set by `pii-screen`). */
  pii?: PiiTurn | undefined;
  /** The question as the model receives it (masked); `input.text` when nothing is masked. */
  question?: string | undefined;
  /** The answer as the person sees it (placeholders rehydrated); `answer.text` when nothing is masked. */
  shownText?: string | undefined;
  /** Set by `classify-intent` when the conversation's namespace has intent examples. */
  intent?: TurnIntent;
  /** Set by `approval-gate`; a held reply's tokens and tool steps are not streamed to the requester. */
  hold?: TurnHold;
  /** A call of a tool that requires approval: the model stopped before it ran (`tool-approval`). */
  pendingToolCall?: { toolCallId: string; name: string; input: unknown; step: number };
  /** Set when the turn resumes a paused one after its tool call was approved (`chat.resumeTurn`). */
  resume?: { approvalId: string };
  /** Messages after the question that the model continues from (the approved tool call and its result). */
  continuation?: ModelMessage[];
  /** Set when the conversation must be pinned to the agent's current version with this turn. */
  pinVersionId?: string | undefined;
  userMessage?: MessageRow;
  taskId?: string;
  /** Earlier messages sent with the question, oldest first. */
  history: ModelMessage[];
  memory: string | null;
  /**
   * Knowledge bases the turn searched: the version's, intersected with what the caller can read,
   * without those of departments whose budget is spent.
   */
  knowledgeBaseIds: string[];
  /** The searched knowledge bases' names and descriptions: what the assistant covers (`retrieval`). */
  knowledgeScopes: Scope[];
  /** The relevance gate's judgement of the retrieved passages (`relevance-gate`). */
  relevance?: (Relevance & { enforced: boolean }) | undefined;
  /** Set when the gate refuses the question: the answer, streamed instead of calling the model. */
  refusal?: string | undefined;
  /** The department the turn is charged to (see the budget stage); null: the organisation only. */
  billedDepartmentId: string | null;
  /** Departments whose knowledge the turn left out because their budget is spent. */
  budgetExcludedDepartmentIds: string[];
  system: string;
  modelSpec?: ModelSpec;
  /** The model step running now (0-based), for tool-call rows. */
  step: number;
  /** The answer as the model streamed it (all steps). */
  rawText: string;
  toolSteps: ToolStep[];
  usage: TurnUsageTotals;
  modelStartedAt?: number;
  firstTokenAt?: number;
  /** After the citation check. */
  answer?: { text: string; cited: CitedPassage[]; removed: number };
  assistantMessage?: MessageRow;
  runId?: string;
  costUsd: number;
  /** Each stage (groups and the stages inside them) in the order it started, with its milliseconds once ended. */
  stages: StageTiming[];
  /** Each tool call's timing, for the exported trace (the rows in `agent_tool_calls` hold the rest). */
  toolCalls: ToolCallTiming[];
}

export interface StageTiming {
  name: string;
  /** When it started, in epoch milliseconds (with a fraction). */
  startedAt?: number;
  ms?: number;
  /** The group (`concurrently`) it ran inside. */
  group?: string;
}

export interface ToolCallTiming {
  name: string;
  step: number;
  startedAt: number;
  ms: number;
  status: "ok" | "error" | "timeout";
}

/** After `load-conversation`: the conversation and the agent that answers it. */
export type LoadedTurn = TurnState & { conversation: ConversationRow; agent: ResolvedAgent };

/** After the task exists (`persist-user-message`, or `resume-task`): the question and the task. */
export type StartedTurn = LoadedTurn & { userMessage: MessageRow; taskId: string };

/** After `check-citations`: the model that answered and the answer. */
export type AnsweredTurn = StartedTurn & { modelSpec: ModelSpec; answer: NonNullable<TurnState["answer"]> };

/** After `persist-answer`: the stored answer and its run. */
export type StoredTurn = AnsweredTurn & { assistantMessage: MessageRow; runId: string };

export function isLoaded(state: TurnState): state is LoadedTurn {
  return state.conversation !== undefined && state.agent !== undefined;
}

export function isStarted(state: TurnState): state is StartedTurn {
  return isLoaded(state) && state.userMessage !== undefined && state.taskId !== undefined;
}

export function isAnswered(state: TurnState): state is AnsweredTurn {
  return isStarted(state) && state.modelSpec !== undefined && state.answer !== undefined;
}

export function isStored(state: TurnState): state is StoredTurn {
  return isAnswered(state) && state.assistantMessage !== undefined && state.runId !== undefined;
}

/**
 * How far a turn must have come before a stage runs, and so the state type it receives: `new` (any
 * turn), `loaded`, `started`, `answered`. The pipeline checks it before running the stage (a stage
 * listed too early fails the turn as an internal error), so no stage asserts a field is set.
 */
export interface TurnPhases {
  new: TurnState;
  loaded: LoadedTurn;
  started: StartedTurn;
  answered: AnsweredTurn;
}

export type TurnPhase = keyof TurnPhases;

/** One step of the pipeline, run once the turn has reached `needs`. Throwing ends the turn (see pipeline.ts). */
export interface TurnStageOf<P extends TurnPhase> {
  name: string;
  needs: P;
  run(state: TurnPhases[P]): Promise<void>;
}

export type TurnStage = { [P in TurnPhase]: TurnStageOf<P> }[TurnPhase];
