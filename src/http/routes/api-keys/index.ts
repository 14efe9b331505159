import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ALL_PERMISSIONS, type Permission } from "../../../core/permissions.js";
import { contextOf } from "../../auth.js";
import { authErrors, idParams, pageOf, pageQuery, resourceName, timestamp } from "../../schemas/common.js";
import { named } from "../../schemas/named.js";

const permission = z.enum(ALL_PERMISSIONS as [Permission, ...Permission[]]);

const apiKey = named(
  z.object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().describe("The public part of the key: atr_<prefix>_…"),
    userId: z.uuid().nullable().describe("The creator; the key never does more than they can"),
    permissions: z.array(z.string()),
    departmentIds: z.array(z.uuid()),
    allDepartments: z.boolean(),
    status: z.enum(["active", "revoked", "expired"]),
    lastUsedAt: timestamp.nullable(),
    expiresAt: timestamp.nullable(),
    revokedAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "ApiKey",
);

const createdKey = apiKey.extend({
  key: z.string().describe("The full key, shown only in this answer: send it as x-api-key"),
});

const createBody = z.object({
  name: resourceName,
  permissions: z.array(permission).min(1).max(ALL_PERMISSIONS.length),
  departmentIds: z.array(z.uuid()).max(1000).optional(),
  allDepartments: z.boolean().optional(),
  expiresAt: timestamp.optional(),
});

const listQuery = pageQuery.extend({
  includeRevoked: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
});

const tags = ["api-keys"];

export const apiKeyRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.apiKeys;

  app.get(
    "/api-keys",
    {
      config: { permission: "org:admin" },
      schema: {
        operationId: "listApiKeys",
        tags,
        summary: "API keys of the organisation (never their secrets)",
        querystring: listQuery,
        response: { 200: pageOf(apiKey), ...authErrors },
      },
    },
    async (request) => {
      const { includeRevoked, page, pageSize } = request.query;
      return service().list(contextOf(request), { includeRevoked }, { page, pageSize });
    },
  );

  app.post(
    "/api-keys",
    {
      config: { permission: "org:admin" },
      schema: {
        operationId: "createApiKey",
        tags,
        summary: "Create an API key scoped to permissions and departments (the key is shown once)",
        body: createBody,
        response: { 201: createdKey, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service().create(contextOf(request), request.body)),
  );

  app.get(
    "/api-keys/:id",
    {
      config: { permission: "org:admin", resource: "api_key" },
      schema: {
        operationId: "getApiKey",
        tags,
        summary: "One API key (without its secret)",
        params: idParams,
        response: { 200: apiKey, ...authErrors },
      },
    },
    async (request) => service().get(contextOf(request), request.params.id),
  );

  app.delete(
    "/api-keys/:id",
    {
      config: { permission: "org:admin", resource: "api_key" },
      schema: {
        operationId: "revokeApiKey",
        tags,
        summary: "Revoke an API key (it stops working at once)",
        params: idParams,
        response: { 200: apiKey, ...authErrors },
      },
    },
    async (request) => service().revoke(contextOf(request), request.params.id),
  );
};
