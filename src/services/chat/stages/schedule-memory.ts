import type { TurnStageOf } from "../turn-state.js";

/** Lets the memory domain learn from the turn in the background; a failure here never fails the answer. */
export const scheduleMemoryStage: TurnStageOf<"new"> = {
  name: "schedule-memory",
  needs: "new",
  async run(state) {
    const userId = state.ctx.actor.userId;
    if (!userId) return;
    await state.deps.memory
      .scheduleExtraction(state.ctx, userId, state.conversationId)
      .catch((error: unknown) => {
        state.ctx.logger.warn({ err: error }, "could not schedule memory extraction");
      });
  },
};
