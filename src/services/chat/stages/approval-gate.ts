import { newId } from "../../../lib/ids.js";
import type { LoadedTurn, TurnHold, TurnStageOf } from "../turn-state.js";

/** Minutes a held reply waits before it is due when the namespace has no policy. */
export const DEFAULT_DUE_MINUTES = 1440;

/**
 * Decides, before the model runs, whether the reply will reach the requester: an intent routed to a
 * person is handed off, one routed to "always hold" or not yet autonomous in its namespace is held for
 * an approver, and an autonomous one is delivered but sampled (at the intent's `samplingRate`) into an
 * after-the-fact review. `unknown` intents and unclassified turns pass. From here on a held reply's
 * tokens are not streamed (the chat service drops them); `persist-answer` stores the draft held.
 */
export const approvalGateStage: TurnStageOf<"loaded"> = {
  name: "approval-gate",
  needs: "loaded",
  async run(state) {
    const intent = state.intent;
    const namespaceId = state.conversation.namespaceId;
    if (!intent?.trustId || !namespaceId) return;
    const random = state.deps.random ?? Math.random;
    let mode: "hold" | "handoff" | "sample" | undefined;
    let reason: string;
    if (intent.route === "handoff") {
      mode = "handoff";
      reason = `The intent ${intent.name} is handed to a person`;
    } else if (intent.route === "hold") {
      mode = "hold";
      reason = `The intent ${intent.name} is always held for approval`;
    } else if (!intent.autonomous) {
      mode = "hold";
      reason = `The intent ${intent.name} is not autonomous yet`;
    } else {
      if (intent.samplingRate <= 0 || random() >= intent.samplingRate) return;
      mode = "sample";
      reason = `Sampled for review (${intent.samplingRate})`;
    }
    await holdTurn(state, mode, reason);
  },
};

/** Sets the turn's hold, due after the namespace policy's minutes (the default without one). */
export async function holdTurn(state: LoadedTurn, mode: TurnHold["mode"], reason: string): Promise<void> {
  const { ctx, deps } = state;
  const namespaceId = state.conversation.namespaceId;
  const policy = namespaceId
    ? await deps.repositories.approvalPolicies.forNamespace(namespaceId, ctx.db)
    : undefined;
  const minutes = policy?.dueMinutes ?? DEFAULT_DUE_MINUTES;
  state.hold = {
    mode,
    approvalId: newId(),
    dueAt: new Date(Date.now() + minutes * 60_000),
    escalateToId: mode === "handoff" ? (policy?.escalateToUserId ?? null) : null,
    reason,
  };
}

/**
 * After the model: a call of a tool that requires approval stopped it before the tool ran, so the
 * turn is held (if it is not already) with the call stored in its approval; approving runs the tool
 * and resumes the turn. Text the model streamed before the call was already shown.
 */
export const toolApprovalStage: TurnStageOf<"loaded"> = {
  name: "tool-approval",
  needs: "loaded",
  async run(state) {
    const pending = state.pendingToolCall;
    if (!pending) return;
    if (state.hold?.mode === "sample") state.hold = undefined;
    if (!state.hold) await holdTurn(state, "hold", `The tool ${pending.name} needs approval before it runs`);
  },
};
