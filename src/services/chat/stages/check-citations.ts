import type { TurnStageOf } from "../turn-state.js";

/**
 * Markers that name no passage retrieved in this turn (by retrieval or by a tool) are removed and
 * counted: an answer never points at a source that was not there. Tokens already streamed keep
 * them; the `done` event and the stored message carry the checked text.
 */
export const checkCitationsStage: TurnStageOf<"new"> = {
  name: "check-citations",
  needs: "new",
  async run(state) {
    state.answer = state.citations.check(state.rawText.trim());
  },
};
