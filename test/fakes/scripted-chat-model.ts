import {
  APICallError,
  type LanguageModelV4,
  type LanguageModelV4CallOptions,
  type LanguageModelV4Content,
  type LanguageModelV4GenerateResult,
  type LanguageModelV4StreamPart,
  type LanguageModelV4StreamResult,
  type LanguageModelV4Usage,
} from "@ai-sdk/provider";
import { promptPassages, promptText } from "../../src/providers/llm/prompt-text.js";
import {
  type ChatScriptStep,
  DEFAULT_FALLBACK,
  replyFor,
  type ScriptReply,
  textChunks,
  wordCount,
} from "./chat-script.js";

export type { ChatScriptStep, ScriptedToolCall } from "./chat-script.js";

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

/** Resolves after `ms`, or rejects as soon as the signal aborts. */
function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = ms > 0 ? setTimeout(done, ms) : undefined;
    function done() {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }
    function onAbort() {
      if (timer) clearTimeout(timer);
      reject(abortReason(signal));
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * A typed in-process chat model (LanguageModelV4) that follows a script, with no latency unless a step
 * asks for it. Same steps as the fake OpenAI server (test/fakes/chat-script.ts): `{ text }`,
 * `{ toolCalls }`, `{ citeFirstPassage: true }` (quotes the first passage of the prompt, cited with its
 * label), `{ status }` (throws an APICallError like a provider) and `{ hang: true }` (until aborted).
 * Each doGenerate/doStream consumes one step; `calls` records every call's options.
 */
export class ScriptedChatModel implements LanguageModelV4 {
  readonly specificationVersion = "v4" as const;
  readonly provider = "scripted";
  readonly modelId: string;
  readonly supportedUrls: Record<string, RegExp[]> = {};
  readonly calls: LanguageModelV4CallOptions[] = [];
  private steps: ChatScriptStep[];
  private readonly fallback: ChatScriptStep;

  constructor(steps: ChatScriptStep[] = [], options: { modelId?: string; fallback?: ChatScriptStep } = {}) {
    this.steps = [...steps];
    this.modelId = options.modelId ?? "scripted-model";
    this.fallback = options.fallback ?? DEFAULT_FALLBACK;
  }

  /** Replaces the queue of steps. */
  script(...steps: ChatScriptStep[]): void {
    this.steps = [...steps];
  }

  get pending(): number {
    return this.steps.length;
  }

  /** The text of the last call's prompt (for assertions on what the model was shown). */
  lastPromptText(): string {
    const last = this.calls.at(-1);
    return last ? promptText(last.prompt) : "";
  }

  private async next(
    call: LanguageModelV4CallOptions,
  ): Promise<{ step: ChatScriptStep; reply: ScriptReply }> {
    this.calls.push(call);
    const step = this.steps.shift() ?? this.fallback;
    if ("hang" in step) {
      await new Promise<never>((_, reject) => {
        call.abortSignal?.addEventListener("abort", () => reject(abortReason(call.abortSignal)), {
          once: true,
        });
      });
    }
    if ("status" in step) {
      throw new APICallError({
        message: step.error ?? `scripted failure ${step.status}`,
        url: "scripted://model",
        requestBodyValues: {},
        statusCode: step.status,
        isRetryable: step.status === 429 || step.status >= 500,
      });
    }
    if (call.abortSignal?.aborted) throw abortReason(call.abortSignal);
    return { step, reply: replyFor(step, promptPassages(call.prompt)) };
  }

  private usage(
    step: ChatScriptStep,
    call: LanguageModelV4CallOptions,
    reply: ScriptReply,
  ): LanguageModelV4Usage {
    const given = "usage" in step ? step.usage : undefined;
    const input = given?.promptTokens ?? wordCount(promptText(call.prompt));
    const output =
      given?.completionTokens ??
      wordCount(reply.text) + reply.toolCalls.reduce((n, c) => n + wordCount(c.arguments), 0);
    return {
      inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: output, text: output, reasoning: undefined },
    };
  }

  async doGenerate(call: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    const { step, reply } = await this.next(call);
    await wait("delayMs" in step ? (step.delayMs ?? 0) : 0, call.abortSignal);
    const content: LanguageModelV4Content[] = [];
    if (reply.text) content.push({ type: "text", text: reply.text });
    for (const c of reply.toolCalls) {
      content.push({ type: "tool-call", toolCallId: c.id, toolName: c.name, input: c.arguments });
    }
    return {
      content,
      finishReason:
        reply.toolCalls.length > 0
          ? { unified: "tool-calls", raw: "tool_calls" }
          : { unified: "stop", raw: "stop" },
      usage: this.usage(step, call, reply),
      response: { modelId: this.modelId, timestamp: new Date() },
      warnings: [],
    };
  }

  async doStream(call: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    const { step, reply } = await this.next(call);
    const delayMs = "delayMs" in step ? (step.delayMs ?? 0) : 0;
    const parts: LanguageModelV4StreamPart[] = [{ type: "stream-start", warnings: [] }];
    if (reply.text) {
      parts.push({ type: "text-start", id: "text-0" });
      for (const delta of reply.chunks ?? textChunks(reply.text))
        parts.push({ type: "text-delta", id: "text-0", delta });
      parts.push({ type: "text-end", id: "text-0" });
    }
    for (const c of reply.toolCalls) {
      parts.push(
        { type: "tool-input-start", id: c.id, toolName: c.name },
        { type: "tool-input-delta", id: c.id, delta: c.arguments },
        { type: "tool-input-end", id: c.id },
        { type: "tool-call", toolCallId: c.id, toolName: c.name, input: c.arguments },
      );
    }
    parts.push({
      type: "finish",
      finishReason:
        reply.toolCalls.length > 0
          ? { unified: "tool-calls", raw: "tool_calls" }
          : { unified: "stop", raw: "stop" },
      usage: this.usage(step, call, reply),
    });
    let next = 0;
    const signal = call.abortSignal;
    const stream = new ReadableStream<LanguageModelV4StreamPart>(
      {
        async pull(controller) {
          if (delayMs > 0 && next > 0) await wait(delayMs, signal);
          if (signal?.aborted) throw abortReason(signal);
          const part = parts[next++];
          if (part) controller.enqueue(part);
          if (next >= parts.length) controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    return { stream };
  }
}
