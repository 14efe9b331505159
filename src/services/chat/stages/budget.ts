import type { TurnStage } from "../turn-state.js";

/** Refuses (LIMIT_EXCEEDED) before anything is written or any model is called. */
export const budgetStage: TurnStage = {
  name: "budget",
  async run(state) {
    await state.deps.budget.assertWithinBudget(state.ctx, state.conversation!.departmentId);
  },
};
