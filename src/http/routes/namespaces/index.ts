import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import {
  createNamespaceBody,
  namespace,
  optionalBoolean,
  plugin,
  pluginList,
  pluginParams,
  putPluginBody,
  updateNamespaceBody,
} from "../../schemas/assistants.js";
import { authErrors, idParams, pageOf, pageQuery } from "../../schemas/common.js";

const listQuery = pageQuery.extend({
  departmentId: z.uuid().optional(),
  q: z.string().max(200).optional(),
  isActive: optionalBoolean,
});

const tags = ["assistants"];

// Reads need chat:use or agents:manage (either will do), so the service checks them, not the route.
export const namespaceRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.namespaces;
  const manage = { permission: "agents:manage", resource: "namespace" } as const;

  app.get(
    "/namespaces",
    {
      schema: {
        operationId: "listNamespaces",
        tags,
        summary: "Department assistants (namespaces) of the departments the caller can see",
        querystring: listQuery,
        response: { 200: pageOf(namespace), ...authErrors },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      return service().list(contextOf(request), filter, { page, pageSize });
    },
  );

  app.post(
    "/namespaces",
    {
      config: { permission: "agents:manage" },
      schema: {
        operationId: "createNamespace",
        tags,
        summary: "Create a department assistant (namespace)",
        body: createNamespaceBody,
        response: { 201: namespace, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service().create(contextOf(request), request.body)),
  );

  app.get(
    "/namespaces/:id",
    {
      config: { resource: "namespace" },
      schema: {
        operationId: "getNamespace",
        tags,
        summary: "One namespace",
        params: idParams,
        response: { 200: namespace, ...authErrors },
      },
    },
    async (request) => service().get(contextOf(request), request.params.id),
  );

  app.patch(
    "/namespaces/:id",
    {
      config: manage,
      schema: {
        operationId: "updateNamespace",
        tags,
        summary: "Change a namespace (config.defaultAgentId: the agent its conversations use)",
        params: idParams,
        body: updateNamespaceBody,
        response: { 200: namespace, ...authErrors },
      },
    },
    async (request) => service().update(contextOf(request), request.params.id, request.body),
  );

  app.delete(
    "/namespaces/:id",
    {
      config: manage,
      schema: {
        operationId: "deleteNamespace",
        tags,
        summary: "Delete a namespace and its plugins",
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
    "/namespaces/:id/plugins",
    {
      config: { resource: "namespace" },
      schema: {
        operationId: "listNamespacePlugins",
        tags,
        summary: "Plugins configured on a namespace, and the plugins available",
        params: idParams,
        response: { 200: pluginList, ...authErrors },
      },
    },
    async (request) => service().plugins.list(contextOf(request), request.params.id),
  );

  app.put(
    "/namespaces/:id/plugins/:pluginId",
    {
      config: manage,
      schema: {
        operationId: "setNamespacePlugin",
        tags,
        summary: "Enable or configure a plugin (slack, telegram, whatsapp, email, calendar, webhook)",
        params: pluginParams,
        body: putPluginBody,
        response: { 200: plugin, ...authErrors },
      },
    },
    async (request) =>
      service().plugins.put(contextOf(request), request.params.id, request.params.pluginId, request.body),
  );

  app.delete(
    "/namespaces/:id/plugins/:pluginId",
    {
      config: manage,
      schema: {
        operationId: "deleteNamespacePlugin",
        tags,
        summary: "Remove a plugin from a namespace",
        params: pluginParams,
        response: { 204: z.null(), ...authErrors },
      },
    },
    async (request, reply) => {
      await service().plugins.remove(contextOf(request), request.params.id, request.params.pluginId);
      return reply.status(204).send(null);
    },
  );
};
