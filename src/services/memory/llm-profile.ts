import { generateText } from "ai";
import type { ChatModel } from "../../providers/llm/chat-model.js";
import { type ExtractedProfile, extractedProfile, type ProfileInput } from "./profile.js";

/** How much of the user's history one extraction sends to a model (characters, newest kept). */
const MAX_PROMPT_CHARS = 12_000;
const MAX_MESSAGE_CHARS = 600;

const SYSTEM = `You maintain a short memory profile of one employee from the messages they sent to the
company's assistants. Reply with ONE JSON object and nothing else, with exactly these keys:
{"summary": string (at most 2 sentences, 300 characters: role/department and what they usually need),
 "currentProjects": string[] (named projects or initiatives they are working on, at most 5),
 "preferences": {"language"?: string, "answerLength"?: "short" | "detailed", "format"?: string,
                 "statements"?: string[] (their own explicit preference statements, at most 3)},
 "frequentIntents": [{"intent": string (2-4 words), "count": number (messages about it)}] (at most 5)}
Only record what the messages state or clearly show. Never record secrets, health, family or other
personal matters. Leave a key empty rather than guess.`;

export interface LlmExtraction {
  profile: ExtractedProfile;
  usage: { promptTokens: number; completionTokens: number };
}

/** The JSON object in a model reply, tolerating code fences and text around it. */
function jsonIn(text: string): unknown {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start < 0 || end <= start) throw new Error("the model did not answer with a JSON object");
  return JSON.parse(text.slice(start, end + 1));
}

function promptOf(input: ProfileInput): string {
  const lines: string[] = [];
  let size = 0;
  for (const [i, message] of input.messages.entries()) {
    const line = `${i + 1}. ${message.replace(/\s+/g, " ").slice(0, MAX_MESSAGE_CHARS)}`;
    if (size + line.length > MAX_PROMPT_CHARS) break;
    lines.push(line);
    size += line.length;
  }
  return [`Department: ${input.departmentName ?? "unknown"}`, "Their messages, newest first:", ...lines].join(
    "\n",
  );
}

/**
 * Extracts a profile with a language model: one call with a JSON-only instruction, validated with
 * zod. Throws on any failure (transport, non-JSON, wrong shape); the caller falls back to the heuristic.
 */
export async function llmProfile(
  model: ChatModel,
  input: ProfileInput,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<LlmExtraction> {
  const result = await generateText({
    model,
    system: SYSTEM,
    prompt: promptOf(input),
    temperature: 0,
    maxOutputTokens: 600,
    maxRetries: 1,
    ...(options.signal ? { abortSignal: options.signal } : {}),
  });
  const profile = extractedProfile.parse(jsonIn(result.text));
  return {
    profile,
    usage: {
      promptTokens: result.usage.inputTokens ?? 0,
      completionTokens: result.usage.outputTokens ?? 0,
    },
  };
}
