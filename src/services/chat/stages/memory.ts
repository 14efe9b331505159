import type { TurnStageOf } from "../turn-state.js";

/** The asking employee's profile (projects, preferences) as a prompt section, when there is one. */
export const memoryStage: TurnStageOf<"new"> = {
  name: "memory",
  needs: "new",
  async run(state) {
    const userId = state.ctx.actor.userId;
    state.memory = userId ? await state.deps.memory.forPrompt(state.ctx, userId) : null;
  },
};
