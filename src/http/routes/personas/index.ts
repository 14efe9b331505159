import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import { createPersonaBody, persona, updatePersonaBody } from "../../schemas/assistants.js";
import { authErrors, idParams, pageOf, pageQuery } from "../../schemas/common.js";

const listQuery = pageQuery.extend({
  departmentId: z.uuid().optional(),
  q: z.string().max(200).optional(),
});

const tags = ["assistants"];

// Reads need chat:use or agents:manage (either will do), so the service checks them, not the route.
export const personaRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.personas;

  app.get(
    "/personas",
    {
      schema: {
        operationId: "listPersonas",
        tags,
        summary: "Personas of the organisation and of the departments the caller can see",
        querystring: listQuery,
        response: { 200: pageOf(persona), ...authErrors },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      return service().list(contextOf(request), filter, { page, pageSize });
    },
  );

  app.post(
    "/personas",
    {
      config: { permission: "agents:manage" },
      schema: {
        operationId: "createPersona",
        tags,
        summary: "Create a persona (without a department: organisation-wide)",
        body: createPersonaBody,
        response: { 201: persona, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service().create(contextOf(request), request.body)),
  );

  app.get(
    "/personas/:id",
    {
      config: { resource: "persona" },
      schema: {
        operationId: "getPersona",
        tags,
        summary: "One persona",
        params: idParams,
        response: { 200: persona, ...authErrors },
      },
    },
    async (request) => service().get(contextOf(request), request.params.id),
  );

  app.patch(
    "/personas/:id",
    {
      config: { permission: "agents:manage", resource: "persona" },
      schema: {
        operationId: "updatePersona",
        tags,
        summary: "Change a persona (published agent versions keep the text they were published with)",
        params: idParams,
        body: updatePersonaBody,
        response: { 200: persona, ...authErrors },
      },
    },
    async (request) => service().update(contextOf(request), request.params.id, request.body),
  );

  app.delete(
    "/personas/:id",
    {
      config: { permission: "agents:manage", resource: "persona" },
      schema: {
        operationId: "deletePersona",
        tags,
        summary: "Delete a persona; namespaces and agents using it go on without one",
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
