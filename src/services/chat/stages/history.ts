import type { ModelMessage } from "ai";
import { approximateTokens } from "../../../lib/text/tokens.js";
import type { HistoryMessage } from "../../../repositories/message.repository.js";
import type { TurnStageOf, TurnState } from "../turn-state.js";

/** Most messages looked at for the history window; the token budget usually ends it sooner. */
const HISTORY_SCAN = 50;

/** A stored message the model should see again: questions and real answers, not failures or held replies. */
function replayable(message: HistoryMessage): boolean {
  if (message.role !== "user" && message.role !== "assistant") return false;
  if (message.heldForApproval || message.metadata.error !== undefined) return false;
  return (message.textContent ?? message.content).trim().length > 0;
}

/**
 * Earlier messages, newest first, until `CHAT_HISTORY_TOKENS` is spent; sent oldest first. A message
 * that does not fit ends the window (a gap in the middle would change what later messages mean).
 */
export function historyWindow(messages: readonly HistoryMessage[], budget: number): ModelMessage[] {
  const picked: ModelMessage[] = [];
  let spent = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (!replayable(message)) continue;
    const text = message.textContent ?? message.content;
    spent += approximateTokens(text) + 4;
    if (spent > budget) break;
    picked.push({ role: message.role as "user" | "assistant", content: text });
  }
  return picked.reverse();
}

/** Client-supplied history (OpenAI-compatible API), windowed by the same token budget. */
function suppliedWindow(history: NonNullable<TurnState["input"]["history"]>, budget: number): ModelMessage[] {
  const picked: ModelMessage[] = [];
  let spent = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const message = history[i]!;
    if (!message.content.trim()) continue;
    spent += approximateTokens(message.content) + 4;
    if (spent > budget) break;
    picked.push({ role: message.role, content: message.content });
  }
  return picked.reverse();
}

export const historyStage: TurnStageOf<"new"> = {
  name: "history",
  needs: "new",
  async run(state) {
    const { deps } = state;
    if (state.input.history) {
      state.history = suppliedWindow(state.input.history, deps.chat.historyTokens);
      return;
    }
    const recent = await deps.repositories.messages.historyOf(state.conversationId, HISTORY_SCAN);
    const earlier = recent.filter((m) => m.id !== state.userMessage?.id);
    state.history = historyWindow(earlier, deps.chat.historyTokens);
  },
};
