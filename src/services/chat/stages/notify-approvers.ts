import type { TurnStageOf } from "../turn-state.js";

/**
 * Tells the approvers of a held or sampled reply (notifications), once it is stored. Best effort:
 * the reply and its approval row are already written, and the inbox lists them either way.
 */
export const notifyApproversStage: TurnStageOf<"new"> = {
  name: "notify-approvers",
  needs: "new",
  async run(state) {
    const { ctx, deps } = state;
    if (!state.hold || !deps.approvals) return;
    try {
      await deps.approvals.notifyHeld(ctx, state.hold.approvalId);
    } catch (error) {
      ctx.logger.warn({ err: error, approvalId: state.hold.approvalId }, "could not notify the approvers");
    }
  },
};
