import { type PromptPassage, parsePassages } from "../../src/providers/llm/passages.js";

/**
 * The script both chat fakes follow (the HTTP server in openai-chat-server.ts and the in-process model
 * in scripted-chat-model.ts): each model call consumes one step; when the script runs out, the fake's
 * fallback step answers (by default the text "OK").
 */
export type ChatScriptStep =
  /** Answer with this text (streamed a couple of words per chunk, or exactly these `chunks`). */
  | ({ text: string; chunks?: string[] } & StepTiming)
  /** Call tools; `arguments` is an object (sent as JSON) or raw JSON text. Optional text comes first. */
  | ({ toolCalls: ScriptedToolCall[]; text?: string } & StepTiming)
  /** Answer by quoting the first sentence of the first passage in the prompt, cited `[label]`. */
  | ({ citeFirstPassage: true } & StepTiming)
  /** Fail like an endpoint does: HTTP status (429, 500, …) with an OpenAI-style error body. */
  | { status: number; error?: string; retryAfter?: string }
  /** Never answer (until the caller aborts or the fake closes): for time limits. */
  | { hang: true };

export interface ScriptedToolCall {
  name: string;
  arguments: unknown;
}

export interface StepTiming {
  /** Pause before each streamed chunk (and before a non-streamed answer). */
  delayMs?: number;
  /** Reported usage; by default words in the prompt and in the answer. */
  usage?: { promptTokens: number; completionTokens: number };
}

export interface ScriptReply {
  text: string;
  /** How the text is streamed, when the step says so. */
  chunks?: string[] | undefined;
  toolCalls: { id: string; name: string; arguments: string }[];
}

export const DEFAULT_FALLBACK: ChatScriptStep = { text: "OK" };

let nextCallId = 1;

/** Text with no passages to cite. */
export const NO_PASSAGE_TEXT = "There is no passage to cite.";

export function firstSentence(text: string): string {
  const match = /^[\s\S]*?[.!?](?=\s|$)/.exec(text.trim());
  return (match ? match[0] : text.trim()).replace(/\s+/g, " ");
}

/** What a (non-failing) step answers, given the passages found in the prompt. */
export function replyFor(step: ChatScriptStep, passages: readonly PromptPassage[]): ScriptReply {
  if ("citeFirstPassage" in step) {
    const first = passages[0];
    return { text: first ? `${firstSentence(first.text)} [${first.label}]` : NO_PASSAGE_TEXT, toolCalls: [] };
  }
  if ("toolCalls" in step) {
    return {
      text: step.text ?? "",
      toolCalls: step.toolCalls.map((call) => ({
        id: `call_${nextCallId++}`,
        name: call.name,
        arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments ?? {}),
      })),
    };
  }
  if ("text" in step) return { text: step.text, toolCalls: [], chunks: step.chunks };
  throw new Error("replyFor: a failing step has no reply");
}

/** Passages in every text of a prompt (system messages, tool results), first label wins. */
export function passagesIn(texts: readonly string[]): PromptPassage[] {
  const byLabel = new Map<number, PromptPassage>();
  for (const text of texts) {
    for (const p of parsePassages(text)) if (!byLabel.has(p.label)) byLabel.set(p.label, p);
  }
  return [...byLabel.values()];
}

/** A stand-in token count: whitespace-separated words. */
export function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Splits text into chunks of a few words that concatenate back to it. */
export function textChunks(text: string, wordsPerChunk = 2): string[] {
  const pieces = text.match(/\s*\S+/g) ?? [];
  const out: string[] = [];
  for (let i = 0; i < pieces.length; i += wordsPerChunk)
    out.push(pieces.slice(i, i + wordsPerChunk).join(""));
  return out;
}

/** Splits JSON text into a few pieces, as endpoints stream tool arguments. */
export function argumentChunks(json: string, pieces = 3): string[] {
  if (json.length === 0) return [""];
  const size = Math.max(1, Math.ceil(json.length / pieces));
  const out: string[] = [];
  for (let i = 0; i < json.length; i += size) out.push(json.slice(i, i + size));
  return out;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
