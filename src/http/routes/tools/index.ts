import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import { authErrors, idParams, pageOf, pageQuery } from "../../schemas/common.js";
import {
  builtinTool,
  createToolBody,
  mcpStdioServer,
  tool,
  toolTestBody,
  toolTestResult,
  updateToolBody,
} from "./schemas.js";

const listQuery = pageQuery.extend({
  departmentId: z.uuid().optional(),
  kind: z.enum(["http", "mcp"]).optional(),
  search: z.string().max(200).optional(),
});

const tags = ["tools"];

/**
 * The tools registry. Reads need chat:use or agents:manage (checked by the service, since either
 * will do); writes need agents:manage, and MCP servers run as local processes need org:admin and
 * an entry of the operator's allow-list (GET /tools/mcp-servers).
 */
export const toolRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.tools;

  app.get(
    "/tools",
    {
      schema: {
        operationId: "listTools",
        tags,
        summary:
          "Registered HTTP and MCP tools: org-wide ones and those of the departments the caller can see",
        querystring: listQuery,
        response: { 200: pageOf(tool), ...authErrors },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      return service().list(contextOf(request), filter, { page, pageSize });
    },
  );

  app.get(
    "/tools/builtins",
    {
      schema: {
        operationId: "listBuiltinTools",
        tags,
        summary: "Built-in tools every agent may enable by name",
        response: { 200: z.object({ items: z.array(builtinTool) }), ...authErrors },
      },
    },
    async (request) => ({ items: service().builtins(contextOf(request)) }),
  );

  app.get(
    "/tools/mcp-servers",
    {
      schema: {
        operationId: "listMcpStdioServers",
        tags,
        summary:
          "MCP servers the operator allows to run as local processes (MCP_STDIO_SERVERS): pick one by name as config.server of a stdio tool",
        response: { 200: z.object({ items: z.array(mcpStdioServer) }), ...authErrors },
      },
    },
    async (request) => ({ items: service().mcpServers(contextOf(request)) }),
  );

  app.post(
    "/tools",
    {
      config: { permission: "agents:manage" },
      schema: {
        operationId: "createTool",
        tags,
        summary:
          "Register an HTTP endpoint or an MCP server as a tool (secrets are stored encrypted, never shown)",
        body: createToolBody,
        response: { 201: tool, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service().create(contextOf(request), request.body)),
  );

  app.get(
    "/tools/:id",
    {
      config: { resource: "tool" },
      schema: {
        operationId: "getTool",
        tags,
        summary: "One tool",
        params: idParams,
        response: { 200: tool, ...authErrors },
      },
    },
    async (request) => service().get(contextOf(request), request.params.id),
  );

  app.patch(
    "/tools/:id",
    {
      config: { permission: "agents:manage", resource: "tool" },
      schema: {
        operationId: "updateTool",
        tags,
        summary:
          "Change a tool (a new config replaces the old; unsent secrets are kept while url, allowedHosts and headers stay the same, null removes one; a tool holding secrets someone else set needs them or org:admin)",
        params: idParams,
        body: updateToolBody,
        response: { 200: tool, ...authErrors },
      },
    },
    async (request) => service().update(contextOf(request), request.params.id, request.body),
  );

  app.post(
    "/tools/:id/test",
    {
      config: { permission: "agents:manage", resource: "tool" },
      schema: {
        operationId: "testTool",
        tags,
        summary:
          "Call the tool once with the given input, under the rules of a chat turn (network policy, allowedHosts, the operator's stdio list, time limits); returns status, duration and the first 4000 characters of the output, secrets scrubbed",
        params: idParams,
        body: toolTestBody,
        response: { 200: toolTestResult, ...authErrors },
      },
    },
    async (request) => service().testCall(contextOf(request), request.params.id, request.body),
  );

  app.delete(
    "/tools/:id",
    {
      config: { permission: "agents:manage", resource: "tool" },
      schema: {
        operationId: "deleteTool",
        tags,
        summary: "Delete a tool",
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
