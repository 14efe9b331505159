import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import { authErrors, idParams, pageOf, pageQuery } from "../../schemas/common.js";
import { createKnowledgeBaseBody, knowledgeBase, updateKnowledgeBaseBody } from "./schemas.js";

const listQuery = pageQuery.extend({
  departmentId: z.uuid().optional(),
  search: z.string().max(200).optional(),
  includeArchived: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
});

const tags = ["knowledge"];

export const knowledgeBaseRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.knowledgeBases;

  app.get(
    "/knowledge-bases",
    {
      config: { permission: "kb:read" },
      schema: {
        operationId: "listKnowledgeBases",
        tags,
        summary: "Knowledge bases of the departments the caller can see",
        querystring: listQuery,
        response: { 200: pageOf(knowledgeBase), ...authErrors },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      return service().list(contextOf(request), filter, { page, pageSize });
    },
  );

  app.post(
    "/knowledge-bases",
    {
      config: { permission: "kb:write" },
      schema: {
        operationId: "createKnowledgeBase",
        tags,
        summary: "Create a knowledge base in a department",
        body: createKnowledgeBaseBody,
        response: { 201: knowledgeBase, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service().create(contextOf(request), request.body)),
  );

  app.get(
    "/knowledge-bases/:id",
    {
      config: { permission: "kb:read", resource: "knowledge_base" },
      schema: {
        operationId: "getKnowledgeBase",
        tags,
        summary: "One knowledge base",
        params: idParams,
        response: { 200: knowledgeBase, ...authErrors },
      },
    },
    async (request) => service().get(contextOf(request), request.params.id),
  );

  app.patch(
    "/knowledge-bases/:id",
    {
      config: { permission: "kb:write", resource: "knowledge_base" },
      schema: {
        operationId: "updateKnowledgeBase",
        tags,
        summary: "Change a knowledge base (a new embedding model re-embeds it in the background)",
        params: idParams,
        body: updateKnowledgeBaseBody,
        response: { 200: knowledgeBase, ...authErrors },
      },
    },
    async (request) => service().update(contextOf(request), request.params.id, request.body),
  );

  app.delete(
    "/knowledge-bases/:id",
    {
      config: { permission: "kb:write", resource: "knowledge_base" },
      schema: {
        operationId: "deleteKnowledgeBase",
        tags,
        summary: "Delete a knowledge base with its documents, chunks and web sources",
        params: idParams,
        response: { 204: z.null(), ...authErrors },
      },
    },
    async (request, reply) => {
      await service().delete(contextOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
