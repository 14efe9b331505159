import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import { authErrors, cursorPageOf, cursorQuery, idParams, timestamp } from "../../schemas/common.js";
import { named } from "../../schemas/named.js";
import {
  conversation,
  conversationList,
  createConversationBody,
  feedback,
  feedbackBody,
  listConversationsQuery,
  message,
  messageParams,
  updateConversationBody,
} from "./schemas.js";

const tags = ["conversations"];

const piiMap = named(
  z.object({
    items: z.array(
      z.object({
        placeholder: z.string(),
        kind: z.string(),
        value: z.string(),
        messageId: z.uuid().nullable(),
        createdAt: timestamp,
      }),
    ),
  }),
  "ConversationPiiMap",
);
const byId = { permission: "chat:use", resource: "conversation" } as const;

/** Conversation CRUD, search, history and feedback (turns are in turns.ts). */
export const conversationRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.conversations;

  app.post(
    "/conversations",
    {
      config: { permission: "chat:use" },
      schema: {
        operationId: "createConversation",
        tags,
        summary: "Start a conversation with an agent (pinned to its current published version)",
        body: createConversationBody,
        response: { 201: conversation, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service().create(contextOf(request), request.body)),
  );

  app.get(
    "/conversations",
    {
      config: { permission: "chat:use" },
      schema: {
        operationId: "listConversations",
        tags,
        summary: "Your conversations (or your departments' with scope=department), newest first",
        description:
          "Numbered pages (page, pageSize → total) by default; giving cursor or limit returns keyset " +
          "pages (nextCursor) instead. q matches titles and the text of messages.",
        querystring: listConversationsQuery,
        response: { 200: conversationList, ...authErrors },
      },
    },
    async (request) => {
      const { scope, page, pageSize, cursor, limit, ...filter } = request.query;
      const paging =
        cursor !== undefined || limit !== undefined
          ? { kind: "cursor" as const, cursor, limit: limit ?? 20 }
          : { kind: "offset" as const, page: page ?? 1, pageSize: pageSize ?? 20 };
      return service().list(contextOf(request), scope, filter, paging);
    },
  );

  app.get(
    "/conversations/:id",
    {
      config: byId,
      schema: {
        operationId: "getConversation",
        tags,
        summary: "One conversation, with its agent's name and pinned version",
        params: idParams,
        response: { 200: conversation, ...authErrors },
      },
    },
    async (request) => service().get(contextOf(request), request.params.id),
  );

  app.patch(
    "/conversations/:id",
    {
      config: byId,
      schema: {
        operationId: "updateConversation",
        tags,
        summary: "Rename a conversation or replace its metadata",
        params: idParams,
        body: updateConversationBody,
        response: { 200: conversation, ...authErrors },
      },
    },
    async (request) => service().update(contextOf(request), request.params.id, request.body),
  );

  for (const [verb, summary] of [
    ["close", "Close a conversation"],
    ["reopen", "Reopen a closed conversation"],
  ] as const) {
    app.post(
      `/conversations/:id/${verb}`,
      {
        config: byId,
        schema: {
          operationId: `${verb}Conversation`,
          tags,
          summary,
          params: idParams,
          response: { 200: conversation, ...authErrors },
        },
      },
      async (request) => service()[verb](contextOf(request), request.params.id),
    );
  }

  app.delete(
    "/conversations/:id",
    {
      config: byId,
      schema: {
        operationId: "deleteConversation",
        tags,
        summary: "Delete a conversation and its messages (the owner, or an organisation admin)",
        params: idParams,
        response: { 204: z.null(), ...authErrors },
      },
    },
    async (request, reply) => {
      await service().delete(contextOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/conversations/:id/messages",
    {
      config: byId,
      schema: {
        operationId: "listMessages",
        tags,
        summary: "A conversation's messages, oldest first, with your feedback on each",
        params: idParams,
        querystring: cursorQuery,
        response: { 200: cursorPageOf(message), ...authErrors },
      },
    },
    async (request) => service().listMessages(contextOf(request), request.params.id, request.query),
  );

  app.post(
    "/conversations/:id/messages/:messageId/feedback",
    {
      config: byId,
      schema: {
        operationId: "rateMessage",
        tags,
        summary: "Rate an assistant reply (one rating per person and message; sending again replaces it)",
        params: messageParams,
        body: feedbackBody,
        response: { 200: feedback, ...authErrors },
      },
    },
    async (request) => {
      const { id, messageId } = request.params;
      return service().setFeedback(contextOf(request), id, messageId, request.body);
    },
  );

  app.delete(
    "/conversations/:id/messages/:messageId/feedback",
    {
      config: byId,
      schema: {
        operationId: "deleteMessageRating",
        tags,
        summary: "Withdraw your rating of a reply",
        params: messageParams,
        response: { 204: z.null(), ...authErrors },
      },
    },
    async (request, reply) => {
      const { id, messageId } = request.params;
      await service().deleteFeedback(contextOf(request), id, messageId);
      return reply.status(204).send(null);
    },
  );
  app.get(
    "/conversations/:id/pii-map",
    {
      config: { permission: "pii:reveal", resource: "conversation" },
      schema: {
        operationId: "getConversationPiiMap",
        tags,
        summary: "The personal data behind a conversation's placeholders (pii:reveal; every view is audited)",
        params: idParams,
        response: { 200: piiMap, ...authErrors },
      },
    },
    async (request) => app.container.services.pii.revealMap(contextOf(request), request.params.id),
  );
};
