import { APICallError, generateText, jsonSchema, stepCountIs, streamText, tool } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { LlmConfig } from "../../src/config/env.js";
import { AppError } from "../../src/lib/errors.js";
import {
  createChatModelProvider,
  ExtractiveChatModel,
  modelCallError,
} from "../../src/providers/llm/index.js";
import { formatPassages } from "../../src/providers/llm/passages.js";
import { type FakeOpenAIChatServer, startFakeOpenAIChatServer } from "../fakes/openai-chat-server.js";

const KEY = "sk-test-secret-123";
let server: FakeOpenAIChatServer;

function config(overrides: Partial<LlmConfig> = {}): LlmConfig {
  return {
    provider: "openai",
    model: "gpt-4o-mini",
    baseUrl: server.baseUrl,
    apiKey: KEY,
    prices: {},
    timeoutMs: 60_000,
    ...overrides,
  };
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

beforeAll(async () => {
  server = await startFakeOpenAIChatServer({ models: ["gpt-4o-mini"] });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.script();
});

describe("openai provider against an OpenAI-compatible server", () => {
  it("streams text and reports usage, which prices the call", async () => {
    const provider = createChatModelProvider(config());
    const { spec, model } = provider.resolve({});
    expect(spec).toEqual({ provider: "openai", model: "gpt-4o-mini" });
    server.script({
      text: "Hello there, how can I help you today?",
      usage: { promptTokens: 1000, completionTokens: 500 },
    });

    const result = streamText({ model, system: "Be brief.", prompt: "Hi!" });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe("Hello there, how can I help you today?");
    const usage = await result.usage;
    expect(usage).toMatchObject({ inputTokens: 1000, outputTokens: 500 });
    // gpt-4o-mini: $0.15 / $0.60 per 1M tokens.
    expect(provider.costUsd(spec, { promptTokens: 1000, completionTokens: 500 })).toBeCloseTo(0.00045, 10);

    const [request] = server.requests;
    expect(request).toMatchObject({ model: "gpt-4o-mini", stream: true, authorization: `Bearer ${KEY}` });
    expect(request!.body.stream_options).toEqual({ include_usage: true });
    expect(request!.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi!" },
    ]);
  });

  it("generates without streaming", async () => {
    const { model } = createChatModelProvider(config()).resolve({ model: "llama3.1:8b" });
    server.script({ text: "Forty-two." });
    const result = await generateText({ model, prompt: "The answer?" });
    expect(result.text).toBe("Forty-two.");
    expect(server.requests[0]).toMatchObject({ model: "llama3.1:8b", stream: false });
    expect(result.usage.inputTokens).toBe(2);
  });

  it("round-trips tool calls: the model calls, the tool runs, its result goes back to the model", async () => {
    const { model } = createChatModelProvider(config()).resolve({});
    const seen: unknown[] = [];
    const tools = {
      lookup_weather: tool({
        description: "Weather for a city",
        inputSchema: jsonSchema<{ city: string }>({
          type: "object",
          properties: { city: { type: "string" } },
          required: ["city"],
          additionalProperties: false,
        }),
        execute: async (input) => {
          seen.push(input);
          return { city: input.city, forecast: "sunny" };
        },
      }),
    };
    for (const mode of ["stream", "generate"] as const) {
      server.requests.length = 0;
      seen.length = 0;
      server.script(
        { toolCalls: [{ name: "lookup_weather", arguments: { city: "Oslo" } }] },
        { text: "It is sunny in Oslo." },
      );
      const options = { model, tools, prompt: "Weather in Oslo?", stopWhen: stepCountIs(3) };
      const text = mode === "stream" ? await streamText(options).text : (await generateText(options)).text;
      expect(text).toBe("It is sunny in Oslo.");
      expect(seen).toEqual([{ city: "Oslo" }]);
      expect(server.requests).toHaveLength(2);
      expect(server.requests[0]!.tools).toEqual([
        expect.objectContaining({
          name: "lookup_weather",
          parameters: expect.objectContaining({ required: ["city"] }),
        }),
      ]);
      const second = server.requests[1]!.messages;
      const call = second.find((m) => m.role === "assistant")?.tool_calls?.[0];
      expect(call?.function).toEqual({ name: "lookup_weather", arguments: '{"city":"Oslo"}' });
      const result = second.find((m) => m.role === "tool");
      expect(result?.tool_call_id).toBe(call?.id);
      expect(JSON.parse(String(result?.content))).toEqual({ city: "Oslo", forecast: "sunny" });
    }
  });

  it("lets the fake cite the first passage of the prompt", async () => {
    const { model } = createChatModelProvider(config()).resolve({});
    server.script({ citeFirstPassage: true });
    const system = formatPassages([
      { label: 4, title: "Leave", text: "Parents get 16 weeks of leave. More text." },
    ]);
    const result = await generateText({ model, system, prompt: "Leave?" });
    expect(result.text).toBe("Parents get 16 weeks of leave. [4]");
  });

  it("surfaces 500 and 429 as errors, mapped to UNAVAILABLE without the key", async () => {
    const { model } = createChatModelProvider(config()).resolve({});
    for (const status of [500, 429]) {
      server.script({ status, error: `upstream says ${status}` });
      const error = await failure(() => generateText({ model, prompt: "Hi", maxRetries: 0 }));
      expect(APICallError.isInstance(error)).toBe(true);
      expect((error as APICallError).statusCode).toBe(status);
      const mapped = modelCallError(error, "gpt-4o-mini");
      expect(mapped).toBeInstanceOf(AppError);
      expect(mapped).toMatchObject({ code: "UNAVAILABLE", details: { status } });
      expect(mapped.message).toContain(`upstream says ${status}`);
      expect(mapped.message).not.toContain(KEY);
    }
    // The AI SDK retries 429/5xx on its own; the answer after a transient failure gets through.
    server.script({ status: 503 }, { text: "Recovered." });
    expect((await generateText({ model, prompt: "Hi", maxRetries: 1 })).text).toBe("Recovered.");
    // Errors while streaming reach the stream's consumer.
    server.script({ status: 500 });
    const errors: unknown[] = [];
    const streamed = streamText({
      model,
      prompt: "Hi",
      maxRetries: 0,
      onError: ({ error }) => void errors.push(error),
    });
    await failure(async () => streamed.text);
    expect(errors).toHaveLength(1);
    expect(modelCallError(errors[0], "gpt-4o-mini")).toMatchObject({
      code: "UNAVAILABLE",
      details: { status: 500 },
    });
  });

  it("stops a slow stream when the caller aborts", async () => {
    const { model } = createChatModelProvider(config()).resolve({});
    server.script({ text: "one two three four five six seven eight", delayMs: 50 });
    const controller = new AbortController();
    let aborted = false;
    const result = streamText({
      model,
      prompt: "Count",
      abortSignal: controller.signal,
      onAbort: () => {
        aborted = true;
      },
    });
    const received: string[] = [];
    // An aborted stream ends early (the SDK reports it through onAbort rather than throwing).
    for await (const delta of result.textStream) {
      received.push(delta);
      controller.abort();
    }
    expect(aborted).toBe(true);
    expect(received.join("").length).toBeGreaterThan(0);
    expect(received.join("")).not.toBe("one two three four five six seven eight");
  });

  it("lists models like the real endpoint", async () => {
    const response = await fetch(`${server.baseUrl}/models`);
    expect(await response.json()).toEqual({
      object: "list",
      data: [{ id: "gpt-4o-mini", object: "model", owned_by: "fake" }],
    });
  });

  it("gives up on a silent endpoint after LLM_TIMEOUT_MS", async () => {
    const { model } = createChatModelProvider(config({ timeoutMs: 300 })).resolve({});
    server.script({ hang: true });
    const started = Date.now();
    const error = await failure(() => generateText({ model, prompt: "Hi", maxRetries: 0 }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(modelCallError(error, "gpt-4o-mini")).toMatchObject({
      code: "UNAVAILABLE",
      details: { reason: "timeout" },
    });
  });
});

describe("chat model provider", () => {
  it("refuses openai without an endpoint or key, and unknown providers", () => {
    const offline = createChatModelProvider(
      config({ provider: "extractive", model: undefined, baseUrl: undefined, apiKey: undefined }),
    );
    const missing = (() => {
      try {
        offline.resolve({ provider: "openai" });
      } catch (error) {
        return error;
      }
    })();
    expect(missing).toMatchObject({ code: "UNAVAILABLE" });
    expect((missing as Error).message).toContain("LLM_BASE_URL");
    expect(() => offline.resolve({ provider: "anthropic" })).toThrow(
      expect.objectContaining({ code: "VALIDATION" }),
    );
  });

  it("fills defaults, caches instances per spec and builds the extractive model offline", () => {
    const provider = createChatModelProvider(
      config({ provider: "extractive", model: undefined, baseUrl: undefined }),
    );
    const extractive = provider.resolve({});
    expect(extractive.spec).toEqual({ provider: "extractive", model: "extractive" });
    expect(extractive.model).toBeInstanceOf(ExtractiveChatModel);
    expect(provider.resolve({ provider: "extractive", model: "whatever" }).model).toBe(extractive.model);
    expect(provider.costUsd(extractive.spec, { promptTokens: 1e6, completionTokens: 1e6 })).toBe(0);
    // An API key alone means OpenAI itself; the default model applies when the agent names none.
    const openai = provider.resolve({ provider: "openai" });
    expect(openai.spec).toEqual({ provider: "openai", model: "gpt-4o-mini" });
    expect(openai.model.provider).toContain("openai");
    expect(provider.resolve({ provider: "openai", model: "gpt-4o-mini" }).model).toBe(openai.model);
    expect(provider.resolve({ provider: "openai", model: "gpt-4.1" }).model).not.toBe(openai.model);
  });
});
