import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import { authErrors, idParams } from "../../schemas/common.js";
import { conversation, message } from "./schemas.js";

const tags = ["conversations"];
/** Handling a handoff: `conversations:handoff` and the conversation's department (else 404). */
const handling = { permission: "conversations:handoff", resource: "conversation" } as const;

const handoffBody = z.object({
  reason: z.string().trim().max(2000).nullish().describe("Why a person is needed (shown to them)"),
});
const assignBody = z.object({
  userId: z.uuid().describe("A member who may handle handoffs (conversations:handoff) in its department"),
});
const replyBody = z.object({ content: z.string().trim().min(1).max(32_000) });

/**
 * Human handoff (ADR 0012): the requester asks for a person; a colleague of the department claims
 * or is assigned the escalated conversation, replies as themselves, and releases it back to the
 * assistant (or closes it with POST /conversations/{id}/close).
 */
export const handoffRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.handoff;

  app.post(
    "/conversations/:id/handoff",
    {
      config: { permission: "chat:use", resource: "conversation" },
      schema: {
        operationId: "requestHandoff",
        tags,
        summary:
          "Ask for a person: the conversation becomes escalated and the department's handlers are told",
        description:
          "By the owner (or an organisation admin). 409 when it is already escalated, 412 when closed. While " +
          "escalated, POST /conversations/{id}/messages stores messages for the person (202) instead of asking " +
          "the assistant.",
        params: idParams,
        body: handoffBody,
        response: { 200: conversation, ...authErrors },
      },
    },
    async (request) => service().requestHandoff(contextOf(request), request.params.id, request.body),
  );

  app.post(
    "/conversations/:id/assign",
    {
      config: handling,
      schema: {
        operationId: "assignConversation",
        tags,
        summary: "Assign an escalated conversation to a colleague who handles the department's handoffs",
        description: "The assignee is notified. 412 when the conversation is not escalated.",
        params: idParams,
        body: assignBody,
        response: { 200: conversation, ...authErrors },
      },
    },
    async (request) => service().assign(contextOf(request), request.params.id, request.body),
  );

  app.post(
    "/conversations/:id/claim",
    {
      config: handling,
      schema: {
        operationId: "claimConversation",
        tags,
        summary: "Take an escalated conversation yourself",
        description:
          "409 (with the current assignee) when someone else has it or won a simultaneous claim; 412 when " +
          "the conversation is not escalated.",
        params: idParams,
        response: { 200: conversation, ...authErrors },
      },
    },
    async (request) => service().claim(contextOf(request), request.params.id),
  );

  app.post(
    "/conversations/:id/replies",
    {
      config: handling,
      schema: {
        operationId: "replyInPerson",
        tags,
        summary: "Reply in the conversation as yourself (the assignee)",
        description:
          "Stores a reply (role assistant, authorId you), notifies the requester and delivers it live on " +
          "GET /conversations/{id}/stream (`human-reply`, then `done`). 412 unless the conversation is " +
          "escalated and assigned to you.",
        params: idParams,
        body: replyBody,
        response: { 201: message, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service().reply(contextOf(request), request.params.id, request.body)),
  );

  app.post(
    "/conversations/:id/release",
    {
      config: handling,
      schema: {
        operationId: "releaseConversation",
        tags,
        summary: "Hand the conversation back to the assistant (active, nobody assigned)",
        description: "By the assignee; 412 otherwise.",
        params: idParams,
        response: { 200: conversation, ...authErrors },
      },
    },
    async (request) => service().release(contextOf(request), request.params.id),
  );
};
