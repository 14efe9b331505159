import { AppError } from "../../lib/errors.js";
import type { ServiceContext } from "../context.js";
import type { ChatService, SendOptions, TurnOutcome } from "./chat-service.js";

/** A message of an OpenAI chat request; content is text or text parts (other parts are ignored). */
export interface ApiMessage {
  role: "system" | "developer" | "user" | "assistant" | "tool";
  content?: string | { type: string; text?: string | undefined }[] | null | undefined;
}

export interface ApiChatRequest {
  /** The agent's name (or id). */
  model: string;
  messages: ApiMessage[];
  /** Continue this conversation instead of starting one with channel `api`. */
  conversationId?: string | undefined;
  /** OpenAI's end-user id, kept in the new conversation's metadata. */
  user?: string | undefined;
}

interface ConversationCreator {
  create(
    ctx: ServiceContext,
    input: {
      agentId?: string;
      agentName?: string;
      channel?: "api";
      metadata?: Record<string, unknown>;
    },
  ): Promise<{ id: string }>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function textOf(message: ApiMessage): string {
  const { content } = message;
  if (typeof content === "string") return content;
  if (!content) return "";
  return content
    .map((part) => (part.type === "text" && typeof part.text === "string" ? part.text : ""))
    .join("");
}

/**
 * The OpenAI-compatible chat: the last user message is the question, earlier user and assistant
 * messages are the history (the client keeps it), system messages become instructions. Without a
 * conversation id, each request starts a conversation on the `api` channel.
 */
export function createApiChat(deps: { chat: ChatService; conversations: ConversationCreator }) {
  return {
    async complete(
      ctx: ServiceContext,
      request: ApiChatRequest,
      options: SendOptions = {},
    ): Promise<{ conversationId: string; outcome: TurnOutcome }> {
      const last = request.messages.at(-1);
      const question = last ? textOf(last).trim() : "";
      if (last?.role !== "user" || !question) {
        throw new AppError("VALIDATION", "The last message must be a user message with text");
      }
      const earlier = request.messages.slice(0, -1);
      const history = earlier
        .filter((m) => m.role === "user" || m.role === "assistant")
        .map((m) => ({ role: m.role as "user" | "assistant", content: textOf(m) }));
      const instructions = earlier
        .filter((m) => m.role === "system" || m.role === "developer")
        .map(textOf)
        .filter(Boolean)
        .join("\n\n");
      const conversationId =
        request.conversationId ??
        (
          await deps.conversations.create(ctx, {
            ...(UUID.test(request.model) ? { agentId: request.model } : { agentName: request.model }),
            channel: "api",
            metadata: { source: "openai-compatible", ...(request.user ? { user: request.user } : {}) },
          })
        ).id;
      const outcome = await deps.chat.sendMessage(
        ctx,
        conversationId,
        { text: question, history, ...(instructions ? { instructions } : {}) },
        options,
      );
      return { conversationId, outcome };
    },
  };
}

export type ApiChat = ReturnType<typeof createApiChat>;
