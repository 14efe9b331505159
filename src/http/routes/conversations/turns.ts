import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../../lib/errors.js";
import type { NumberedTurnEvent } from "../../../services/chat/turn-events.js";
import { contextOf } from "../../auth.js";
import { authErrors, errorBody, idParams, timestamp } from "../../schemas/common.js";
import { abortOnDisconnect, SseWriter, wantsEventStream } from "../../sse.js";
import { runSummary } from "../runs/schemas.js";

const tags = ["chat"];

const sendBody = z.object({
  text: z.string().trim().min(1).max(32_000),
  continueOnDisconnect: z
    .boolean()
    .optional()
    .describe(
      "Keep answering when the connection closes (a reloaded page resumes with GET /conversations/{id}/stream; " +
        "POST /conversations/{id}/stop stops it). By default a closed connection stops the answer.",
    ),
});

const citation = z.object({
  label: z.number().int(),
  chunkId: z.string(),
  documentId: z.string(),
  knowledgeBaseId: z.string(),
  title: z.string(),
  snippet: z.string(),
  score: z.number(),
});

const turnResponse = z.object({
  message: z.object({ id: z.uuid(), role: z.literal("assistant"), text: z.string(), createdAt: timestamp }),
  citations: z.array(citation),
  removedCitations: z.number().int(),
  usage: z.object({ promptTokens: z.number(), completionTokens: z.number(), costUsd: z.number() }),
  runId: z.uuid(),
  taskId: z.uuid(),
  held: z
    .object({ approvalId: z.uuid(), mode: z.enum(["hold", "handoff"]), dueAt: timestamp })
    .optional()
    .describe("The reply waits for a person's review: `message.text` is the waiting notice, not the draft"),
});

const handedOffResponse = z
  .object({
    handedOff: z.object({
      message: z.object({ id: z.uuid(), role: z.literal("user"), createdAt: timestamp }),
      assigneeId: z.uuid().nullable().describe("Who was told of it (null: the department's handlers)"),
    }),
  })
  .describe("The conversation is handed to a person: the message was stored for them; no assistant ran");

const streamQuery = z.object({
  /** A turn to resume; default the conversation's latest. */
  taskId: z.uuid().optional(),
  /** Same as the Last-Event-ID header, for clients that cannot set headers (EventSource). */
  lastEventId: z.string().max(100).optional(),
  follow: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .default(false)
    .describe(
      "Keep the stream open after the turn and follow the conversation's next turns too (a held reply an " +
        "approver decides, a colleague's reply during a handoff, the next answer) until the client closes it",
    ),
});

/** The Server-Sent Events of a turn, for the OpenAPI document (`config.eventStream`). */
const TURN_EVENTS =
  "With `Accept: text/event-stream`: events `turn-start`, `token`, `tool-call`, `tool-result`, `citations`, " +
  "`held` (the reply waits for a person's review), `decided` (an approver's decision was delivered), " +
  "then `done` or `error`; each `data:` is the event as JSON (its `type` is the event name) and each `id:` " +
  "is `<taskId>:<n>`, to resume with Last-Event-ID. Comment lines are heartbeats.";

/** SSE ids are `<taskId>:<n>`, so one id says which turn and where in it. */
export function eventId(taskId: string, event: NumberedTurnEvent): string {
  return `${taskId}:${event.id}`;
}

export function parseLastEventId(value: string | undefined): { taskId?: string; after: number } {
  if (!value) return { after: 0 };
  const match = /^(?:([0-9a-f-]{36}):)?(\d{1,9})$/i.exec(value.trim());
  if (!match) throw new AppError("VALIDATION", "Last-Event-ID must look like <taskId>:<number>");
  return { ...(match[1] ? { taskId: match[1].toLowerCase() } : {}), after: Number(match[2]) };
}

export const turnRoutes: FastifyPluginAsyncZod = async (app) => {
  const chat = () => app.container.services.chat;

  app.post(
    "/conversations/:id/messages",
    {
      config: {
        permission: "chat:use",
        resource: "conversation",
        errors: ["LIMIT_EXCEEDED", "UNAVAILABLE"],
        eventStream: TURN_EVENTS,
      },
      schema: {
        operationId: "sendMessage",
        tags,
        summary:
          "Ask the conversation's assistant (JSON, or Server-Sent Events with Accept: text/event-stream)",
        description:
          "Stores the question, retrieves from the assistant's knowledge bases, calls the model with tools and " +
          "returns the checked, cited answer. With `Accept: text/event-stream` the answer streams as events " +
          "(`turn-start`, `token`, `tool-call`, `tool-result`, `citations`, `held`, `done` or `error`); ids are " +
          "`<taskId>:<n>` for GET /conversations/{id}/stream with Last-Event-ID. A failed answer is stored " +
          "and reported as UNAVAILABLE (model, timeout) with the task and message ids in `details`. While the " +
          "conversation is handed to a person (escalated) the message is stored for them and the answer is 202 " +
          "`handedOff` (no assistant runs, no stream).",
        params: idParams,
        body: sendBody,
        response: {
          200: turnResponse,
          202: handedOffResponse,
          ...authErrors,
          429: errorBody,
          503: errorBody,
        },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      const controller = new AbortController();
      if (!request.body.continueOnDisconnect) abortOnDisconnect(reply, controller);
      let sse: SseWriter | undefined;
      let currentTask: string | undefined;
      const streaming = wantsEventStream(request);
      const onEvent = streaming
        ? (event: NumberedTurnEvent) => {
            // The stream opens with the turn: refusals before it (404, 412, 429) stay plain JSON errors.
            if (event.type === "turn-start") sse = new SseWriter(reply);
            const taskId = event.type === "turn-start" ? event.taskId : undefined;
            currentTask ??= taskId;
            sse?.send({
              id: currentTask ? eventId(currentTask, event) : undefined,
              event: event.type,
              data: event,
            });
          }
        : undefined;
      const outcome = await chat().sendOrHandOff(
        ctx,
        request.params.id,
        { text: request.body.text },
        {
          signal: controller.signal,
          onEvent,
        },
      );
      if (sse) {
        sse.end();
        return reply;
      }
      if (outcome.status === "handed-off") {
        return reply.status(202).send({
          handedOff: {
            message: { id: outcome.message.id, role: "user" as const, createdAt: outcome.message.createdAt },
            assigneeId: outcome.assigneeId,
          },
        });
      }
      if (outcome.status !== "done") {
        throw new AppError(outcome.error.code as never, outcome.error.message, {
          reason: outcome.error.reason,
          taskId: outcome.taskId,
          ...(outcome.messageId ? { messageId: outcome.messageId } : {}),
        });
      }
      return {
        message: {
          id: outcome.message.id,
          role: "assistant" as const,
          text: outcome.message.text,
          createdAt: outcome.message.createdAt,
        },
        citations: outcome.citations,
        removedCitations: outcome.removedCitations,
        usage: outcome.usage,
        runId: outcome.runId,
        taskId: outcome.taskId,
        ...(outcome.held ? { held: outcome.held } : {}),
      };
    },
  );

  app.get(
    "/conversations/:id/stream",
    {
      config: { permission: "chat:use", resource: "conversation", eventStream: TURN_EVENTS },
      schema: {
        operationId: "resumeTurnStream",
        tags,
        summary: "Resume the events of the conversation's running (or just finished) answer",
        description:
          "Server-Sent Events after `Last-Event-ID` (header or `lastEventId` query). 204 when no answer is " +
          "running or recent; the stored messages then hold everything. With `follow=true` the stream never " +
          "answers 204: it stays open (heartbeats) and delivers every turn of the conversation as it starts " +
          "— a held reply's `decided` then `done` when an approver decides it, a colleague's `human-reply` " +
          "— until the client disconnects.",
        params: idParams,
        querystring: streamQuery,
        response: { 204: z.null(), ...authErrors },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      const header = request.headers["last-event-id"];
      const last = parseLastEventId(typeof header === "string" ? header : request.query.lastEventId);
      const taskId = request.query.taskId ?? last.taskId ?? "latest";
      const controller = new AbortController();
      abortOnDisconnect(reply, controller);
      if (request.query.follow) {
        const followed = await chat().follow(
          ctx,
          request.params.id,
          { taskId: request.query.taskId ?? last.taskId, after: last.after },
          controller.signal,
        );
        const sse = new SseWriter(reply);
        for await (const { taskId: id, event } of followed) {
          sse.send({ id: eventId(id, event), event: event.type, data: event });
        }
        sse.end();
        return reply;
      }
      const subscription = await chat().subscribe(
        ctx,
        request.params.id,
        taskId,
        last.after,
        controller.signal,
      );
      // Nothing to resume is not an error for a client that reconnects after the answer ended.
      if (!subscription) return reply.status(204).send(null);
      const sse = new SseWriter(reply);
      for await (const event of subscription.events) {
        sse.send({ id: eventId(subscription.taskId, event), event: event.type, data: event });
      }
      sse.end();
      return reply;
    },
  );

  app.post(
    "/conversations/:id/stop",
    {
      config: { permission: "chat:use", resource: "conversation" },
      schema: {
        operationId: "stopTurn",
        tags,
        summary: "Stop the answer the conversation's assistant is writing",
        description:
          "The answer ends as cancelled (its stream sends `error`). Reaches answers running in the process " +
          "that receives the request; `stopped` lists the tasks it stopped (empty when none was running).",
        params: idParams,
        response: { 200: z.object({ stopped: z.array(z.uuid()) }), ...authErrors },
      },
    },
    async (request) => chat().stop(contextOf(request), request.params.id),
  );

  app.get(
    "/conversations/:id/runs",
    {
      config: { permission: "chat:use", resource: "conversation" },
      schema: {
        operationId: "listConversationRuns",
        tags,
        summary: "Runs (model calls with cost and latency) of a conversation, newest first",
        params: idParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ items: z.array(runSummary) }), ...authErrors },
      },
    },
    async (request) => ({
      items: await chat().listRuns(contextOf(request), request.params.id, request.query.limit),
    }),
  );
};
