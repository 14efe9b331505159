import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import { authErrors, idParams, pageOf, pageQuery } from "../../schemas/common.js";
import { named } from "../../schemas/named.js";
import { generation } from "../document-templates/schemas.js";

const listQuery = pageQuery.extend({
  templateId: z.uuid().optional(),
  status: z.enum(["pending", "rendering", "done", "failed", "awaiting_approval"]).optional(),
});

const file = named(z.string().describe("The generated file's bytes"), "GeneratedFile");

const tags = ["documents"];

/** The history of generations: people see their own, template managers their departments'. */
export const documentGenerationRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.documentGenerations;

  app.get(
    "/document-generations",
    {
      schema: {
        operationId: "listDocumentGenerations",
        tags,
        summary: "Generations the caller may see, newest first",
        querystring: listQuery,
        response: { 200: pageOf(generation), ...authErrors },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      return service().list(contextOf(request), filter, { page, pageSize });
    },
  );

  app.get(
    "/document-generations/:id",
    {
      config: { resource: "document_generation" },
      schema: {
        operationId: "getDocumentGeneration",
        tags,
        summary: "One generation",
        params: idParams,
        response: { 200: generation, ...authErrors },
      },
    },
    async (request) => service().get(contextOf(request), request.params.id),
  );

  app.get(
    "/document-generations/:id/download",
    {
      config: { resource: "document_generation", errors: ["CONFLICT"] },
      schema: {
        operationId: "downloadDocumentGeneration",
        tags,
        summary: "The generated file (Markdown, HTML, text, PDF or DOCX)",
        params: idParams,
        response: { 200: file, ...authErrors },
      },
    },
    async (request, reply) => {
      const out = await service().download(contextOf(request), request.params.id);
      const ascii = out.filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
      return reply
        .header("content-type", out.mimeType)
        .header(
          "content-disposition",
          `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(out.filename)}`,
        )
        .send(out.data as unknown as string);
    },
  );

  app.post(
    "/document-generations/:id/rerun",
    {
      config: { resource: "document_generation", errors: ["CONFLICT"] },
      schema: {
        operationId: "rerunDocumentGeneration",
        tags,
        summary: "Generate again with the same input (the template's current version)",
        params: idParams,
        response: { 201: generation, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service().rerun(contextOf(request), request.params.id)),
  );

  app.delete(
    "/document-generations/:id/output",
    {
      config: { resource: "document_generation" },
      schema: {
        operationId: "deleteDocumentGenerationOutput",
        tags,
        summary: "Delete the generated file; the history entry stays",
        params: idParams,
        response: { 200: generation, ...authErrors },
      },
    },
    async (request) => service().deleteOutput(contextOf(request), request.params.id),
  );
};
