import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
  LanguageModelV4Usage,
  SharedV4ProviderMetadata,
} from "@ai-sdk/provider";
import { countExactTokens } from "../../lib/text/tokens.js";
import { type ExtractiveOptions, extractiveAnswer } from "./extractive-answer.js";
import { lastUserText, promptPassages, promptText } from "./prompt-text.js";

export const EXTRACTIVE_MODEL_ID = "extractive";

/** How many words each streamed text delta carries. */
const WORDS_PER_DELTA = 3;

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

/** Pieces of `text` of a few words each, whitespace kept, so they concatenate back to `text`. */
export function wordGroups(text: string, size = WORDS_PER_DELTA): string[] {
  const tokens = text.match(/\s*\S+/g) ?? [];
  const groups: string[] = [];
  for (let i = 0; i < tokens.length; i += size) groups.push(tokens.slice(i, i + size).join(""));
  const trailing = /\s+$/.exec(text)?.[0];
  if (trailing) groups.push(trailing);
  return groups;
}

interface Answer {
  text: string;
  usage: LanguageModelV4Usage;
  providerMetadata: SharedV4ProviderMetadata;
}

/**
 * The offline model: answers from the passages in the prompt by quoting their most relevant sentences,
 * each cited with its `[label]`, and says plainly when nothing relevant is there. It never invents
 * text and never calls tools; its answers are marked `providerMetadata.atrium.extractive = true` and
 * open with "From the documents:" so nobody mistakes them for generated prose.
 */
export class ExtractiveChatModel implements LanguageModelV4 {
  readonly specificationVersion = "v4" as const;
  readonly provider = "atrium.extractive";
  readonly modelId = EXTRACTIVE_MODEL_ID;
  readonly supportedUrls: Record<string, RegExp[]> = {};

  constructor(private readonly options: Partial<ExtractiveOptions> = {}) {}

  private async answer(call: LanguageModelV4CallOptions): Promise<Answer> {
    const passages = promptPassages(call.prompt);
    const result = extractiveAnswer(lastUserText(call.prompt), passages, this.options);
    const [inputTokens, outputTokens] = await Promise.all([
      countExactTokens(promptText(call.prompt)),
      countExactTokens(result.text),
    ]);
    return {
      text: result.text,
      usage: {
        inputTokens: {
          total: inputTokens,
          noCache: inputTokens,
          cacheRead: undefined,
          cacheWrite: undefined,
        },
        outputTokens: { total: outputTokens, text: outputTokens, reasoning: undefined },
      },
      providerMetadata: {
        atrium: { extractive: true, found: result.found, passages: passages.length, cited: result.cited },
      },
    };
  }

  async doGenerate(call: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    if (call.abortSignal?.aborted) throw abortError(call.abortSignal);
    const answer = await this.answer(call);
    if (call.abortSignal?.aborted) throw abortError(call.abortSignal);
    return {
      content: [{ type: "text", text: answer.text }],
      finishReason: { unified: "stop", raw: "stop" },
      usage: answer.usage,
      providerMetadata: answer.providerMetadata,
      response: { modelId: this.modelId, timestamp: new Date() },
      warnings: [],
    };
  }

  async doStream(call: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    const signal = call.abortSignal;
    if (signal?.aborted) throw abortError(signal);
    const answer = await this.answer(call);
    const parts: LanguageModelV4StreamPart[] = [
      { type: "stream-start", warnings: [] },
      { type: "response-metadata", modelId: this.modelId, timestamp: new Date() },
      { type: "text-start", id: "text-0" },
      ...wordGroups(answer.text).map(
        (delta): LanguageModelV4StreamPart => ({ type: "text-delta", id: "text-0", delta }),
      ),
      { type: "text-end", id: "text-0" },
      {
        type: "finish",
        finishReason: { unified: "stop", raw: "stop" },
        usage: answer.usage,
        providerMetadata: answer.providerMetadata,
      },
    ];
    let next = 0;
    let done = false;
    let onAbort: (() => void) | undefined;
    const finish = () => {
      done = true;
      if (onAbort) signal?.removeEventListener("abort", onAbort);
    };
    // highWaterMark 0: nothing is produced ahead of the reader, so an abort stops the very next part.
    const stream = new ReadableStream<LanguageModelV4StreamPart>(
      {
        start(controller) {
          if (!signal) return;
          onAbort = () => {
            if (done) return;
            finish();
            controller.error(abortError(signal));
          };
          signal.addEventListener("abort", onAbort, { once: true });
        },
        pull(controller) {
          if (done) return;
          const part = parts[next++];
          if (part) controller.enqueue(part);
          if (next >= parts.length) {
            finish();
            controller.close();
          }
        },
        cancel() {
          finish();
        },
      },
      { highWaterMark: 0 },
    );
    return { stream };
  }
}
