import type { TurnStageOf } from "../turn-state.js";

/**
 * Refuses (LIMIT_EXCEEDED) before anything is written or any model is called. A turn is charged to,
 * and limited by, the department it serves: the conversation's (a department's assistant), or — for
 * an organisation-wide assistant — the department of the person asking (an API key asks for its
 * owner). Knowledge of other departments is limited by their own budgets in the retrieval stage.
 */
export const budgetStage: TurnStageOf<"loaded"> = {
  name: "budget",
  needs: "loaded",
  async run(state) {
    const { ctx, deps } = state;
    let departmentId = state.conversation.departmentId;
    if (departmentId === null && ctx.actor.userId) {
      departmentId = (await deps.repositories.users.findById(ctx.actor.userId))?.departmentId ?? null;
    }
    await deps.budget.assertWithinBudget(ctx, departmentId);
    state.billedDepartmentId = departmentId;
  },
};
