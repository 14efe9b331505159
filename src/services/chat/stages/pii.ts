import type { ModelMessage } from "ai";
import { AppError } from "../../../lib/errors.js";
import { describeKinds } from "../../pii/index.js";
import type { TurnStageOf } from "../turn-state.js";

/**
 * PII screening (ADR 0007), right after the conversation is loaded and before anything is written:
 * under `block` a question holding personal data is refused (400, naming the kinds, nothing stored);
 * under `mask` the question is masked here, so the task's input and the title are stored masked and
 * the model only ever receives placeholders. `off` (or no PII service) leaves the turn as it was.
 */
export const piiScreenStage: TurnStageOf<"loaded"> = {
  name: "pii-screen",
  needs: "loaded",
  async run(state) {
    const service = state.deps.pii;
    if (!service) return;
    const pii = await service.forTurn(state.ctx, state.conversation);
    if (!pii) return;
    if (pii.policy === "block") {
      const kinds = [...new Set(pii.detect(state.input.text).map((s) => s.kind))];
      if (kinds.length > 0) {
        throw new AppError(
          "VALIDATION",
          `This assistant does not accept personal data, and the message contains ${describeKinds(kinds)}. ` +
            "Remove it and send the message again.",
          { reason: "pii_blocked", kinds },
        );
      }
    }
    state.pii = pii;
    state.question = pii.mask(state.input.text);
  },
};

function maskMessage(mask: (text: string) => string, message: ModelMessage): ModelMessage {
  return typeof message.content === "string"
    ? ({ ...message, content: mask(message.content) } as ModelMessage)
    : message;
}

/**
 * After the prompt is built: the system message (namespace prompt, persona, memory, instructions,
 * retrieved passages) and the history are masked with the conversation's map; placeholders first
 * seen here are stored with the question's message.
 */
export const piiMaskStage: TurnStageOf<"new"> = {
  name: "pii-mask",
  needs: "new",
  async run(state) {
    const pii = state.pii;
    if (!pii) return;
    const mask = (text: string) => pii.mask(text);
    state.system = mask(state.system);
    state.history = state.history.map((m) => maskMessage(mask, m));
    await state.deps.pii!.storeEntries(
      state.ctx,
      state.conversationId,
      state.userMessage?.id ?? null,
      pii.takeAdded(),
    );
  },
};

/**
 * After the citation check: the answer stays masked for storage (no personal data at rest beyond
 * the question and the sealed map); `state.shownText` is what the person receives. Placeholders the
 * model invented are left as written and counted on the run. Values first seen in tool results are
 * stored in the map.
 */
export const piiRehydrateStage: TurnStageOf<"new"> = {
  name: "pii-rehydrate",
  needs: "new",
  async run(state) {
    const pii = state.pii;
    if (!pii || !state.answer) return;
    state.shownText = pii.shown(state.answer.text);
    await state.deps.pii!.storeEntries(
      state.ctx,
      state.conversationId,
      state.userMessage?.id ?? null,
      pii.takeAdded(),
    );
  },
};
