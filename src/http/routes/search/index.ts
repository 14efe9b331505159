import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { contextOf } from "../../auth.js";
import { authErrors, idParams } from "../../schemas/common.js";
import { searchAllBody, searchBody, searchResponse } from "../knowledge-bases/schemas.js";

const tags = ["knowledge"];

export const searchRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.search;

  app.post(
    "/knowledge-bases/:id/search",
    {
      config: { permission: "kb:read", resource: "knowledge_base", errors: ["UNAVAILABLE"] },
      schema: {
        operationId: "searchKnowledgeBase",
        tags,
        summary: "Search one knowledge base (hybrid, vector or full text) with citation labels",
        params: idParams,
        body: searchBody,
        response: { 200: searchResponse, ...authErrors },
      },
    },
    async (request) => service().searchKnowledgeBase(contextOf(request), request.params.id, request.body),
  );

  app.post(
    "/search",
    {
      config: { permission: "kb:read", errors: ["UNAVAILABLE"] },
      schema: {
        operationId: "search",
        tags,
        summary: "Search every knowledge base the caller can read (or the ones named)",
        body: searchAllBody,
        response: { 200: searchResponse, ...authErrors },
      },
    },
    async (request) => service().search(contextOf(request), request.body),
  );
};
