import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import { authErrors, idParams, pageOf, pageQuery } from "../../schemas/common.js";
import {
  createTemplateBody,
  documentTemplate,
  generateBody,
  generation,
  preview,
  previewBody,
  templateVersion,
  updateTemplateBody,
} from "./schemas.js";

const listQuery = pageQuery.extend({
  departmentId: z.uuid().optional(),
  namespaceId: z.uuid().optional(),
  category: z.string().max(100).optional(),
  q: z.string().max(200).optional(),
});

const tags = ["documents"];

// Reads, previews and generations need templates:manage or chat:use (either), so the service checks them.
export const documentTemplateRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.documentTemplates;
  const generations = () => app.container.services.documentGenerations;

  app.get(
    "/document-templates",
    {
      schema: {
        operationId: "listDocumentTemplates",
        tags,
        summary: "Document templates of the organisation and of the departments the caller can see",
        querystring: listQuery,
        response: { 200: pageOf(documentTemplate), ...authErrors },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      return service().list(contextOf(request), filter, { page, pageSize });
    },
  );

  app.post(
    "/document-templates",
    {
      config: { permission: "templates:manage" },
      schema: {
        operationId: "createDocumentTemplate",
        tags,
        summary: "Create a template (the body is checked: syntax, helpers, declared variables)",
        body: createTemplateBody,
        response: { 201: documentTemplate, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service().create(contextOf(request), request.body)),
  );

  app.get(
    "/document-templates/:id",
    {
      config: { resource: "document_template" },
      schema: {
        operationId: "getDocumentTemplate",
        tags,
        summary: "One document template",
        params: idParams,
        response: { 200: documentTemplate, ...authErrors },
      },
    },
    async (request) => service().get(contextOf(request), request.params.id),
  );

  app.patch(
    "/document-templates/:id",
    {
      config: { permission: "templates:manage", resource: "document_template" },
      schema: {
        operationId: "updateDocumentTemplate",
        tags,
        summary: "Change a template; a changed body, variables or format becomes a new version",
        params: idParams,
        body: updateTemplateBody,
        response: { 200: documentTemplate, ...authErrors },
      },
    },
    async (request) => service().update(contextOf(request), request.params.id, request.body),
  );

  app.delete(
    "/document-templates/:id",
    {
      config: { permission: "templates:manage", resource: "document_template" },
      schema: {
        operationId: "deleteDocumentTemplate",
        tags,
        summary: "Delete a template; its generations stay in the history",
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
    "/document-templates/:id/versions",
    {
      config: { resource: "document_template" },
      schema: {
        operationId: "listDocumentTemplateVersions",
        tags,
        summary: "Every version of a template, oldest first",
        params: idParams,
        response: { 200: z.object({ items: z.array(templateVersion) }), ...authErrors },
      },
    },
    async (request) => service().versions(contextOf(request), request.params.id),
  );

  app.post(
    "/document-templates/:id/preview",
    {
      config: { resource: "document_template" },
      schema: {
        operationId: "previewDocumentTemplate",
        tags,
        summary: "Render with the given input or the variables' examples; nothing is written",
        params: idParams,
        body: previewBody,
        response: { 200: preview, ...authErrors },
      },
    },
    async (request) => service().preview(contextOf(request), request.params.id, request.body.input),
  );

  app.post(
    "/document-templates/:id/generate",
    {
      config: { resource: "document_template", errors: ["CONFLICT"] },
      schema: {
        operationId: "generateDocument",
        tags,
        summary:
          "Render a document (every input problem listed), store it, optionally save it into a knowledge base",
        params: idParams,
        body: generateBody,
        response: { 201: generation, ...authErrors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await generations().generate(contextOf(request), request.params.id, request.body)),
  );
};
