import { z } from "zod";
import type { ErrorCode } from "../../../lib/errors.js";

const textPart = z.looseObject({ type: z.string().max(50), text: z.string().max(100_000).optional() });

const message = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: z.union([z.string().max(100_000), z.array(textPart).max(100)]).nullish(),
});

export const chatCompletionBody = z.looseObject({
  model: z.string().trim().min(1).max(200).describe("The agent's name (or id)"),
  messages: z.array(message).min(1).max(500),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  user: z.string().max(200).optional(),
  metadata: z
    .record(z.string().max(64), z.string().max(512))
    .optional()
    .describe(
      "`conversation_id` continues an existing conversation (as does the x-atrium-conversation-id header)",
    ),
});

export const chatCompletion = z.object({
  id: z.string(),
  object: z.literal("chat.completion"),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({ role: z.literal("assistant"), content: z.string() }),
      finish_reason: z.string(),
      logprobs: z.null(),
    }),
  ),
  usage: z.object({
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    total_tokens: z.number().int(),
  }),
  atrium: z.object({
    conversation_id: z.uuid(),
    task_id: z.uuid(),
    run_id: z.uuid(),
    removed_citations: z.number().int(),
    citations: z.array(z.record(z.string(), z.unknown())),
  }),
});

export const modelList = z.object({
  object: z.literal("list"),
  data: z.array(
    z.object({ id: z.string(), object: z.literal("model"), created: z.number().int(), owned_by: z.string() }),
  ),
});

/** OpenAI's error `type` for each Atrium code; `code`, `message` and `requestId` stay as everywhere else. */
export const OPENAI_ERROR_TYPES: Record<ErrorCode, string> = {
  VALIDATION: "invalid_request_error",
  NOT_FOUND: "invalid_request_error",
  CONFLICT: "invalid_request_error",
  PRECONDITION_FAILED: "invalid_request_error",
  UNAUTHORIZED: "authentication_error",
  FORBIDDEN: "permission_error",
  REQUEST_TIMEOUT: "invalid_request_error",
  PAYLOAD_TOO_LARGE: "invalid_request_error",
  UNSUPPORTED_MEDIA_TYPE: "invalid_request_error",
  HEADERS_TOO_LARGE: "invalid_request_error",
  LIMIT_EXCEEDED: "rate_limit_error",
  UNAVAILABLE: "server_error",
  INTERNAL: "server_error",
};
