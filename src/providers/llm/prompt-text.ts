import type { LanguageModelV4Prompt, LanguageModelV4ToolResultOutput } from "@ai-sdk/provider";
import { type PromptPassage, parsePassages } from "./passages.js";

/**
 * Reading a LanguageModelV4 prompt as plain text, for models that do not generate (the extractive
 * model) and for usage counts.
 */

/** Every string inside a JSON value, depth first (tool results often nest their text). */
function stringsIn(value: unknown, out: string[]): void {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, out);
  else if (value && typeof value === "object") for (const item of Object.values(value)) stringsIn(item, out);
}

export function toolOutputText(output: LanguageModelV4ToolResultOutput): string[] {
  switch (output.type) {
    case "text":
    case "error-text":
      return [output.value];
    case "json":
    case "error-json": {
      const out: string[] = [];
      stringsIn(output.value, out);
      return out;
    }
    case "content":
      return output.value.flatMap((part) => (part.type === "text" ? [part.text] : []));
    default:
      return [];
  }
}

/**
 * Passages the turn pipeline put in the prompt: in the system message and in tool results. User
 * messages are not read, so a user cannot plant passages; the first passage with a label wins.
 */
export function promptPassages(prompt: LanguageModelV4Prompt): PromptPassage[] {
  const texts: string[] = [];
  for (const message of prompt) {
    if (message.role === "system") texts.push(message.content);
    else if (message.role === "tool" || message.role === "assistant") {
      for (const part of message.content) {
        if (part.type === "tool-result") texts.push(...toolOutputText(part.output));
      }
    }
  }
  const byLabel = new Map<number, PromptPassage>();
  for (const text of texts) {
    for (const passage of parsePassages(text))
      if (!byLabel.has(passage.label)) byLabel.set(passage.label, passage);
  }
  return [...byLabel.values()];
}

/** The text of the last user message: the question being asked. */
export function lastUserText(prompt: LanguageModelV4Prompt): string {
  for (let i = prompt.length - 1; i >= 0; i--) {
    const message = prompt[i];
    if (message?.role !== "user") continue;
    return message.content
      .flatMap((part) => (part.type === "text" ? [part.text] : []))
      .join("\n")
      .trim();
  }
  return "";
}

/** All text in the prompt (for token counts): messages, tool calls and tool results. */
export function promptText(prompt: LanguageModelV4Prompt): string {
  const texts: string[] = [];
  for (const message of prompt) {
    if (message.role === "system") {
      texts.push(message.content);
      continue;
    }
    for (const part of message.content) {
      if (part.type === "text" || part.type === "reasoning") texts.push(part.text);
      else if (part.type === "tool-call") texts.push(part.toolName, JSON.stringify(part.input ?? null));
      else if (part.type === "tool-result") texts.push(...toolOutputText(part.output));
    }
  }
  return texts.join("\n");
}
