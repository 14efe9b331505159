import { AppError, isAppError } from "../../lib/errors.js";
import { classifyFailure, recordFailure, type TurnFailure } from "./failure.js";
import { approvalGateStage, toolApprovalStage } from "./stages/approval-gate.js";
import { budgetStage } from "./stages/budget.js";
import { checkCitationsStage } from "./stages/check-citations.js";
import { classifyIntentStage } from "./stages/classify-intent.js";
import { historyStage } from "./stages/history.js";
import { loadConversationStage } from "./stages/load-conversation.js";
import { memoryStage } from "./stages/memory.js";
import { modelCallStage } from "./stages/model-call.js";
import { notifyApproversStage } from "./stages/notify-approvers.js";
import { persistAnswerStage } from "./stages/persist-answer.js";
import { persistUserMessageStage } from "./stages/persist-user-message.js";
import { piiMaskStage, piiRehydrateStage, piiScreenStage } from "./stages/pii.js";
import { promptStage } from "./stages/prompt.js";
import { relevanceGateStage } from "./stages/relevance-gate.js";
import { resumeTaskStage, runApprovedToolStage } from "./stages/resume.js";
import { retrievalStage } from "./stages/retrieval.js";
import { scheduleMemoryStage } from "./stages/schedule-memory.js";
import {
  isAnswered,
  isLoaded,
  isStarted,
  type StageTiming,
  type TurnStage,
  type TurnStageOf,
  type TurnState,
} from "./turn-state.js";

function notReached(stage: TurnStage): never {
  throw new AppError("INTERNAL", `The chat stage ${stage.name} ran before the turn was ${stage.needs}`);
}

/** Runs a stage with the state type its phase guarantees, once the turn has reached that phase. */
function runStage(stage: TurnStage, state: TurnState): Promise<void> {
  switch (stage.needs) {
    case "new":
      return stage.run(state);
    case "loaded":
      return isLoaded(state) ? stage.run(state) : notReached(stage);
    case "started":
      return isStarted(state) ? stage.run(state) : notReached(stage);
    case "answered":
      return isAnswered(state) ? stage.run(state) : notReached(stage);
  }
}

/**
 * Runs one stage and records how long it took in `state.stages` (kept in the run's trace), listed
 * in the order the stages started: a group before the stages inside it.
 */
async function runTimed(stage: TurnStage, state: TurnState, group?: string): Promise<void> {
  const started = performance.now();
  const timing: StageTiming = { name: stage.name, startedAt: performance.timeOrigin + started };
  if (group) timing.group = group;
  state.stages.push(timing);
  try {
    await runStage(stage, state);
  } finally {
    timing.ms = Math.round((performance.now() - started) * 100) / 100;
  }
}

/**
 * Branches of stages that run side by side: each branch in order, the branches at once. The group
 * ends when every branch has; then the first failure (in branch order) is thrown, so an error of an
 * earlier branch (a refused budget) wins over a later one's, exactly as if they had run in sequence.
 */
export function concurrently(name: string, ...branches: readonly TurnStage[][]): TurnStageOf<"new"> {
  return {
    name,
    needs: "new",
    async run(state) {
      const settled = await Promise.allSettled(
        branches.map(async (branch) => {
          for (const stage of branch) await runTimed(stage, state, name);
        }),
      );
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
      if (failed) throw failed.reason;
    },
  };
}

/**
 * The stages of a chat turn, in order. Retrieval only reads, so it runs while the question is checked
 * against the budget and stored and the history and memory are loaded: a turn then costs its
 * retrieval, not retrieval plus those round trips. A refused budget still stops the turn before
 * anything is written or any model is called (the search it overlapped with is simply dropped).
 *
 * Governance stages slot in by name without touching the others: PII masking (`pii-screen` before
 * anything is written, `pii-mask` once the prompt is built, `pii-rehydrate` after the citation check;
 * ADR 0007), intent classification and the approval gate before `prepare`. See docs/architecture.md
 * ("A chat turn").
 *
 * Approvals (ADR 0008): `classify-intent` runs before `prepare`, so an intent routed to another
 * assistant is answered by it throughout (task, retrieval, prompt); `approval-gate` then decides
 * whether the reply will be held, handed off or sampled, before any token streams; `persist-answer`
 * stores a held draft with its approval row, and `notify-approvers` tells the approvers.
 *
 * `relevance-gate` (ADR 0017) judges the retrieved passages against the question once retrieval has
 * run; for the offline extractive model a question they are not about is refused plainly there.
 */
export const TURN_STAGES: readonly TurnStage[] = [
  loadConversationStage,
  piiScreenStage,
  classifyIntentStage,
  approvalGateStage,
  concurrently(
    "prepare",
    [budgetStage, persistUserMessageStage, historyStage, memoryStage],
    [retrievalStage],
  ),
  relevanceGateStage,
  promptStage,
  piiMaskStage,
  modelCallStage,
  toolApprovalStage,
  checkCitationsStage,
  piiRehydrateStage,
  // Scheduling the memory extraction needs only the stored question: it overlaps the answer's write.
  concurrently("finish", [persistAnswerStage, notifyApproversStage], [scheduleMemoryStage]),
];

/**
 * A turn paused before a tool that required approval, resumed once approved (`chat.resumeTurn`):
 * the question is stored already, so the turn makes its task, rebuilds history, memory, retrieval and
 * prompt as the paused turn had them, runs the approved call, and lets the model continue from its
 * result (a further call of such a tool holds the turn again).
 */
export const RESUME_STAGES: readonly TurnStage[] = [
  loadConversationStage,
  piiScreenStage,
  resumeTaskStage,
  concurrently("prepare", [historyStage, memoryStage], [retrievalStage]),
  promptStage,
  piiMaskStage,
  runApprovedToolStage,
  modelCallStage,
  toolApprovalStage,
  checkCitationsStage,
  piiRehydrateStage,
  concurrently("finish", [persistAnswerStage, notifyApproversStage]),
];

/** A turn whose stages all ran, or one that failed after its task existed. */
export type TurnResult =
  | { ok: true }
  | { ok: false; failure: TurnFailure; taskId: string; messageId?: string | undefined };

/**
 * Runs the stages. Before the task exists (not visible, closed, over budget) an error is thrown to
 * the caller as it is — nothing was recorded. After, a failure is recorded (message, task, run,
 * `error` event) and returned, so a model or tool failure never becomes a 500 or a hung request.
 */
export async function runTurn(
  state: TurnState,
  stages: readonly TurnStage[] = TURN_STAGES,
): Promise<TurnResult> {
  try {
    // Stages watch the turn's signal themselves: once the model has answered, a disconnect or a
    // timeout no longer throws the answer away (it is stored for the next time the client looks).
    for (const stage of stages) await runTimed(stage, state);
    return { ok: true };
  } catch (error) {
    if (!isStarted(state)) throw error;
    const failure = classifyFailure(state.signal.aborted ? (state.signal.reason ?? error) : error);
    if (failure.reason === "internal" || (isAppError(error) && error.code === "INTERNAL")) {
      state.ctx.logger.error({ err: error, taskId: state.taskId }, "chat turn failed");
    }
    const messageId = await recordFailure(state, failure);
    state.emit({
      type: "error",
      code: failure.code,
      message: failure.message,
      messageId,
      taskId: state.taskId,
    });
    return { ok: false, failure, taskId: state.taskId, messageId };
  }
}
