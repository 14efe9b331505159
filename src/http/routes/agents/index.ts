import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import {
  agent,
  agentVersion,
  createAgentBody,
  includeFlag,
  optionalBoolean,
  publishBody,
  updateAgentBody,
  versionParams,
} from "../../schemas/assistants.js";
import { authErrors, idParams, pageOf, pageQuery } from "../../schemas/common.js";

const listQuery = pageQuery.extend({
  departmentId: z.uuid().optional(),
  q: z.string().max(200).optional(),
  enabled: optionalBoolean,
  archived: includeFlag,
});

const tags = ["assistants"];

// Reads need chat:use or agents:manage (either will do), so the service checks them, not the route.
export const agentRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.agents;
  const manage = { permission: "agents:manage", resource: "agent" } as const;
  const flag = (action: "enable" | "disable" | "archive", summary: string) =>
    app.post(
      `/agents/:id/${action}`,
      {
        config: manage,
        schema: {
          operationId: `${action}Agent`,
          tags,
          summary,
          params: idParams,
          response: { 200: agent, ...authErrors },
        },
      },
      async (request) => service()[action](contextOf(request), request.params.id),
    );

  app.get(
    "/agents",
    {
      schema: {
        operationId: "listAgents",
        tags,
        summary: "Agents of the organisation and of the departments the caller can see",
        description: "Archived agents are left out unless archived=true.",
        querystring: listQuery,
        response: { 200: pageOf(agent), ...authErrors },
      },
    },
    async (request) => {
      const { page, pageSize, archived, ...filter } = request.query;
      return service().list(contextOf(request), { ...filter, includeArchived: archived }, { page, pageSize });
    },
  );

  app.post(
    "/agents",
    {
      config: { permission: "agents:manage" },
      schema: {
        operationId: "createAgent",
        tags,
        summary: "Create an agent; it is published as version 1 at once",
        body: createAgentBody,
        response: { 201: agent, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service().create(contextOf(request), request.body)),
  );

  app.get(
    "/agents/:id",
    {
      config: { resource: "agent" },
      schema: {
        operationId: "getAgent",
        tags,
        summary: "An agent's draft, its current version number and whether the draft has unpublished changes",
        params: idParams,
        response: { 200: agent, ...authErrors },
      },
    },
    async (request) => service().get(contextOf(request), request.params.id),
  );

  app.patch(
    "/agents/:id",
    {
      config: manage,
      schema: {
        operationId: "updateAgent",
        tags,
        summary: "Change an agent's draft (conversations keep the published version until the next publish)",
        params: idParams,
        body: updateAgentBody,
        response: { 200: agent, ...authErrors },
      },
    },
    async (request) => service().update(contextOf(request), request.params.id, request.body),
  );

  app.post(
    "/agents/:id/publish",
    {
      config: manage,
      schema: {
        operationId: "publishAgent",
        tags,
        summary: "Publish the draft as the next version (409 when nothing changed)",
        params: idParams,
        body: publishBody.nullish(),
        response: { 200: agent, ...authErrors },
      },
    },
    async (request) => service().publish(contextOf(request), request.params.id, request.body ?? {}),
  );

  flag("enable", "Enable an agent");
  flag("disable", "Disable an agent (conversations addressed to it are refused)");
  flag("archive", "Archive an agent for good: hidden from lists, frozen, its name free again");

  app.get(
    "/agents/:id/versions",
    {
      config: { resource: "agent" },
      schema: {
        operationId: "listAgentVersions",
        tags,
        summary: "Published versions of an agent, newest first",
        params: idParams,
        querystring: pageQuery,
        response: { 200: pageOf(agentVersion), ...authErrors },
      },
    },
    async (request) => {
      const { page, pageSize } = request.query;
      return service().listVersions(contextOf(request), request.params.id, { page, pageSize });
    },
  );

  app.get(
    "/agents/:id/versions/:version",
    {
      config: { resource: "agent" },
      schema: {
        operationId: "getAgentVersion",
        tags,
        summary: "One published version of an agent",
        params: versionParams,
        response: { 200: agentVersion, ...authErrors },
      },
    },
    async (request) => service().getVersion(contextOf(request), request.params.id, request.params.version),
  );
};
