import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { AppError, type ErrorCode } from "../../../lib/errors.js";
import type { NumberedTurnEvent } from "../../../services/chat/turn-events.js";
import { contextOf } from "../../auth.js";
import { authErrors, errorBody } from "../../schemas/common.js";
import { abortOnDisconnect, SseWriter } from "../../sse.js";
import { completionChunks } from "./chunks.js";
import { chatCompletion, chatCompletionBody, modelList, OPENAI_ERROR_TYPES } from "./schemas.js";

const tags = ["openai"];
/** The streamed answer of `stream: true`, for the OpenAPI document (`config.eventStream`). */
const COMPLETION_CHUNKS =
  "With `stream: true`: `data:` lines each holding a `chat.completion.chunk` object as JSON, ending with " +
  "`data: [DONE]`.";
const CONVERSATION_HEADER = "x-atrium-conversation-id";

/** Adds OpenAI's `type` to the error envelope, so OpenAI clients show the right kind of failure. */
function withOpenAIType(payload: unknown): unknown {
  if (typeof payload !== "string" || !payload.startsWith('{"error"')) return payload;
  try {
    const body = JSON.parse(payload) as { error?: { code?: ErrorCode; type?: string } };
    if (!body.error?.code) return payload;
    body.error = { type: OPENAI_ERROR_TYPES[body.error.code] ?? "server_error", ...body.error };
    return JSON.stringify(body);
  } catch {
    return payload;
  }
}

/**
 * OpenAI-compatible endpoints, so existing clients and SDKs can talk to Atrium's agents: `model` is
 * the agent's name, authentication an Atrium API key (or a user token) as the Bearer token.
 */
export const openaiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook("onSend", async (_request, reply, payload) =>
    reply.statusCode >= 400 ? withOpenAIType(payload) : payload,
  );

  app.post(
    "/v1/chat/completions",
    {
      config: {
        permission: "chat:use",
        errors: ["LIMIT_EXCEEDED", "UNAVAILABLE"],
        eventStream: COMPLETION_CHUNKS,
      },
      schema: {
        operationId: "createChatCompletion",
        tags,
        summary: "OpenAI-compatible chat completion with an agent (`model` = agent name)",
        description:
          "The last user message is the question, earlier messages the history. Each request starts a " +
          "conversation on the `api` channel unless the x-atrium-conversation-id header (or " +
          "metadata.conversation_id) names one; the response's header of the same name says which. " +
          "`stream: true` answers `chat.completion.chunk` events ending with `[DONE]`.",
        body: chatCompletionBody,
        response: { 200: chatCompletion, ...authErrors, 429: errorBody, 503: errorBody },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      const body = request.body;
      const header = request.headers[CONVERSATION_HEADER];
      const conversationId =
        (typeof header === "string" ? header : undefined) ?? body.metadata?.conversation_id;
      if (conversationId !== undefined && !/^[0-9a-f-]{36}$/i.test(conversationId)) {
        throw new AppError("VALIDATION", `${CONVERSATION_HEADER} must be a conversation id`);
      }
      const controller = new AbortController();
      abortOnDisconnect(reply, controller);
      const created = Math.floor(Date.now() / 1000);
      let sse: SseWriter | undefined;
      let chunks: ReturnType<typeof completionChunks> | undefined;
      const onEvent = body.stream
        ? (event: NumberedTurnEvent) => {
            if (event.type === "turn-start") {
              sse = new SseWriter(reply, { [CONVERSATION_HEADER]: event.conversationId });
              chunks = completionChunks({
                id: `chatcmpl-${event.taskId}`,
                created,
                model: body.model,
                includeUsage: body.stream_options?.include_usage === true,
              });
            }
            if (!sse || !chunks) return;
            for (const data of chunks(event)) sse.send({ data });
          }
        : undefined;
      const { conversationId: usedConversation, outcome } = await app.container.services.apiChat.complete(
        ctx,
        {
          model: body.model,
          messages: body.messages,
          conversationId,
          user: body.user,
        },
        { signal: controller.signal, onEvent },
      );
      if (sse) {
        sse.end();
        return reply;
      }
      reply.header(CONVERSATION_HEADER, usedConversation);
      if (outcome.status !== "done") {
        throw new AppError(outcome.error.code as ErrorCode, outcome.error.message, {
          reason: outcome.error.reason,
          taskId: outcome.taskId,
          conversationId: usedConversation,
        });
      }
      return {
        id: `chatcmpl-${outcome.taskId}`,
        object: "chat.completion" as const,
        created,
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: "assistant" as const, content: outcome.message.text },
            finish_reason: "stop",
            logprobs: null,
          },
        ],
        usage: {
          prompt_tokens: outcome.usage.promptTokens,
          completion_tokens: outcome.usage.completionTokens,
          total_tokens: outcome.usage.promptTokens + outcome.usage.completionTokens,
        },
        atrium: {
          conversation_id: usedConversation,
          task_id: outcome.taskId,
          run_id: outcome.runId,
          removed_citations: outcome.removedCitations,
          citations: outcome.citations as unknown as Record<string, unknown>[],
        },
      };
    },
  );

  app.get(
    "/v1/models",
    {
      config: { permission: "chat:use" },
      schema: {
        operationId: "listModels",
        tags,
        summary: "OpenAI-compatible list of the agents the caller can talk to",
        response: { 200: modelList, ...authErrors },
      },
    },
    async (request) => {
      const page = await app.container.services.agents.list(
        contextOf(request),
        { enabled: true },
        { page: 1, pageSize: 100 },
      );
      return {
        object: "list" as const,
        data: page.items
          .filter((agent) => agent.currentVersion !== null)
          .map((agent) => ({
            id: agent.name,
            object: "model" as const,
            created: Math.floor(agent.createdAt.getTime() / 1000),
            owned_by: "atrium",
          })),
      };
    },
  );
};
