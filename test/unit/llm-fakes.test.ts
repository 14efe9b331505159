import { generateText, jsonSchema, stepCountIs, streamText, tool } from "ai";
import { describe, expect, it } from "vitest";
import type { ChatModelProvider, ModelSpec } from "../../src/providers/llm/chat-model.js";
import { completeText } from "../../src/providers/llm/complete-text.js";
import { formatPassages } from "../../src/providers/llm/passages.js";
import { ScriptedChatModel } from "../fakes/scripted-chat-model.js";

const echo = tool({
  description: "Echoes its input",
  inputSchema: jsonSchema<{ word: string }>({
    type: "object",
    properties: { word: { type: "string" } },
    required: ["word"],
  }),
  execute: async ({ word }) => ({ echoed: word.toUpperCase() }),
});

function providerOf(model: ScriptedChatModel, prices = { input: 1, output: 2 }): ChatModelProvider {
  const spec: ModelSpec = { provider: "openai", model: model.modelId };
  return {
    resolve: () => ({ spec, model }),
    costUsd: (_spec, usage) =>
      (usage.promptTokens * prices.input + usage.completionTokens * prices.output) / 1e6,
  };
}

describe("scripted chat model", () => {
  it("streams scripted text and runs a tool round trip through the AI SDK", async () => {
    const model = new ScriptedChatModel([
      { toolCalls: [{ name: "echo", arguments: { word: "hi" } }] },
      { text: "The tool said HI." },
    ]);
    const result = streamText({ model, tools: { echo }, prompt: "Say hi", stopWhen: stepCountIs(3) });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.join("")).toBe("The tool said HI.");
    expect(deltas.length).toBeGreaterThan(1);
    expect(model.calls).toHaveLength(2);
    // The second call carries the tool's result back to the model.
    expect(model.lastPromptText()).toContain("HI");
    expect(model.pending).toBe(0);
    expect((await result.steps)[0]?.toolResults[0]?.output).toEqual({ echoed: "HI" });
  });

  it("cites the first passage of the prompt and falls back to OK when the script runs out", async () => {
    const model = new ScriptedChatModel([{ citeFirstPassage: true }]);
    const system = formatPassages([
      { label: 3, title: "Travel", text: "Book trains over flights under 600 km. Other rules apply." },
      { label: 5, title: "Other", text: "Unrelated." },
    ]);
    expect((await generateText({ model, system, prompt: "Trains?" })).text).toBe(
      "Book trains over flights under 600 km. [3]",
    );
    expect((await generateText({ model, prompt: "Again?" })).text).toBe("OK");
  });

  it("fails like a provider and hangs until aborted", async () => {
    const model = new ScriptedChatModel([{ status: 429, error: "slow down" }, { hang: true }]);
    await expect(generateText({ model, prompt: "Hi", maxRetries: 0 })).rejects.toMatchObject({
      statusCode: 429,
      message: "slow down",
    });
    const controller = new AbortController();
    const pending = generateText({ model, prompt: "Hi", maxRetries: 0, abortSignal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("completeText", () => {
  it("returns the text, usage and cost of one completion", async () => {
    const model = new ScriptedChatModel([
      { text: "A short title", usage: { promptTokens: 100, completionTokens: 3 } },
    ]);
    const done = await completeText(providerOf(model), {
      system: "Title it.",
      prompt: "Long text",
      maxTokens: 20,
    });
    expect(done).toMatchObject({ text: "A short title", usage: { promptTokens: 100, completionTokens: 3 } });
    expect(done.costUsd).toBeCloseTo(106 / 1e6, 12);
    expect(model.calls[0]?.maxOutputTokens).toBe(20);
  });

  it("maps a provider failure to UNAVAILABLE", async () => {
    // 400 is not retried, so this stays fast.
    const model = new ScriptedChatModel([{ status: 400, error: "bad request" }]);
    await expect(completeText(providerOf(model), { prompt: "x" })).rejects.toMatchObject({
      code: "UNAVAILABLE",
      details: { status: 400, retryable: false },
    });
  });
});
