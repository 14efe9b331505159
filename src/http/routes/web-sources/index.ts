import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import { authErrors, idParams, pageOf, pageQuery } from "../../schemas/common.js";
import { webSource } from "../knowledge-bases/schemas.js";

const createBody = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2000),
  mode: z.enum(["single", "crawl"]).default("crawl"),
  maxDepth: z.number().int().min(0).max(10).optional(),
  maxPages: z.number().int().min(1).max(10_000).optional(),
  respectRobotsTxt: z.boolean().optional(),
  /** Cron expression (UTC) for re-crawls, at least five minutes apart. */
  schedule: z.string().trim().min(9).max(120).nullish(),
});

const tags = ["knowledge"];

export const webSourceRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.webSources;

  app.post(
    "/knowledge-bases/:id/web-sources",
    {
      config: { permission: "kb:write", resource: "knowledge_base" },
      schema: {
        operationId: "createWebSource",
        tags,
        summary: "Add a web page or site; it is crawled at once and then on its schedule",
        params: idParams,
        body: createBody,
        response: { 201: webSource, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service().create(contextOf(request), request.params.id, request.body)),
  );

  app.get(
    "/knowledge-bases/:id/web-sources",
    {
      config: { permission: "kb:read", resource: "knowledge_base" },
      schema: {
        operationId: "listWebSources",
        tags,
        summary: "Web sources of a knowledge base",
        params: idParams,
        querystring: pageQuery,
        response: { 200: pageOf(webSource), ...authErrors },
      },
    },
    async (request) => service().list(contextOf(request), request.params.id, request.query),
  );

  app.get(
    "/web-sources/:id",
    {
      config: { permission: "kb:read", resource: "web_source" },
      schema: {
        operationId: "getWebSource",
        tags,
        summary: "One web source and its last crawl",
        params: idParams,
        response: { 200: webSource, ...authErrors },
      },
    },
    async (request) => service().get(contextOf(request), request.params.id),
  );

  app.post(
    "/web-sources/:id/crawl",
    {
      config: { permission: "kb:write", resource: "web_source" },
      schema: {
        operationId: "crawlWebSource",
        tags,
        summary: "Re-crawl now (only pages whose content changed are ingested again)",
        params: idParams,
        response: { 202: z.object({ jobId: z.uuid(), created: z.boolean() }), ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await service().crawl(contextOf(request), request.params.id)),
  );

  app.delete(
    "/web-sources/:id",
    {
      config: { permission: "kb:write", resource: "web_source" },
      schema: {
        operationId: "deleteWebSource",
        tags,
        summary: "Delete a web source and the documents it created",
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
