import type { ChatScriptStep } from "../../fakes/chat-script.js";
import { type FakeOpenAIChatServer, startFakeOpenAIChatServer } from "../../fakes/openai-chat-server.js";

/**
 * The model behind the journeys' "Test Assistant": a real OpenAI-protocol server (test/fakes) that
 * chooses its answer from the question, so journeys running in any order get what they ask for.
 * The demo assistants keep the offline extractive model.
 */
export const QUESTIONS = {
  /** A long answer streamed slowly: time to watch tokens arrive or reload mid-answer. */
  slow: "Please answer slowly",
  /** The same answer four times slower: time to press stop on a busy machine. */
  verySlow: "Please answer very slowly",
  /** Calls the current_datetime tool first, then answers. */
  tool: "Which day is it? Use a tool",
  /** Answers with HTML and a script a browser must never run. */
  unsafe: "Show me something unsafe",
};

export const UNSAFE_ANSWER =
  'Here: <img src="x" onerror="window.__xss=1"> and <script>window.__xss=2</script> ' +
  "and [a link](javascript:window.__xss=3) and **bold** text.";

export const SLOW_WORDS = 160;

function lastUserText(messages: { role: string; content: unknown }[]): string {
  const user = [...messages].reverse().find((m) => m.role === "user");
  return typeof user?.content === "string" ? user.content : JSON.stringify(user?.content ?? "");
}

export function stepFor(messages: { role: string; content: unknown }[]): ChatScriptStep {
  const question = lastUserText(messages);
  const afterTool = messages.at(-1)?.role === "tool";
  const words = Array.from({ length: SLOW_WORDS }, (_, i) => `word${i + 1}`).join(" ");
  if (question.includes(QUESTIONS.verySlow)) return { text: words, delayMs: 250 };
  if (question.includes(QUESTIONS.slow)) return { text: words, delayMs: 60 };
  if (question.includes(QUESTIONS.tool)) {
    return afterTool
      ? { text: "The tool says what day it is.", delayMs: 20 }
      : { toolCalls: [{ name: "current_datetime", arguments: {} }], delayMs: 300 };
  }
  if (question.includes(QUESTIONS.unsafe)) return { text: UNSAFE_ANSWER };
  return { citeFirstPassage: true, delayMs: 20 };
}

export function startModelServer(): Promise<FakeOpenAIChatServer> {
  return startFakeOpenAIChatServer({
    models: ["fake-model"],
    chooseStep: (request) => stepFor(request.messages),
  });
}
