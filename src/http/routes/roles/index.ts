import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import { authErrors, idParams, resourceName, timestamp } from "../../schemas/common.js";
import { named } from "../../schemas/named.js";
import { permission, roleSlug } from "../users/schemas.js";

const role = named(
  z.object({
    id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    description: z.string().nullable(),
    isSystem: z.boolean(),
    allDepartments: z.boolean(),
    departmentIds: z.array(z.uuid()),
    permissions: z.array(z.string()),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "Role",
);

const createBody = z.object({
  name: resourceName,
  slug: roleSlug,
  description: z.string().max(2000).nullish(),
  permissions: z.array(permission).max(50),
  allDepartments: z.boolean().default(false),
  departmentIds: z.array(z.uuid()).max(500).default([]),
});

const updateBody = z
  .object({
    name: createBody.shape.name,
    slug: roleSlug,
    description: createBody.shape.description,
    permissions: createBody.shape.permissions,
    allDepartments: z.boolean(),
    departmentIds: z.array(z.uuid()).max(500),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, "send at least one field");

const tags = ["roles"];

export const roleRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.roles;

  app.get(
    "/permissions",
    {
      schema: {
        operationId: "listPermissions",
        tags,
        summary: "The permission catalogue: every permission a role or API key can hold",
        response: {
          200: z.object({ items: z.array(z.object({ key: permission, description: z.string() })) }),
          ...authErrors,
        },
      },
    },
    async () => ({ items: service().permissions() }),
  );

  app.get(
    "/roles",
    {
      schema: {
        operationId: "listRoles",
        tags,
        summary: "Roles of the organisation (built-in and custom)",
        response: { 200: z.object({ items: z.array(role) }), ...authErrors },
      },
    },
    async (request) => ({ items: await service().list(contextOf(request)) }),
  );

  app.get(
    "/roles/:id",
    {
      config: { resource: "role" },
      schema: {
        operationId: "getRole",
        tags,
        summary: "One role",
        params: idParams,
        response: { 200: role, ...authErrors },
      },
    },
    async (request) => service().get(contextOf(request), request.params.id),
  );

  app.post(
    "/roles",
    {
      config: { permission: "roles:manage" },
      schema: {
        operationId: "createRole",
        tags,
        summary: "Create a custom role",
        body: createBody,
        response: { 201: role, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service().create(contextOf(request), request.body)),
  );

  app.patch(
    "/roles/:id",
    {
      config: { permission: "roles:manage", resource: "role" },
      schema: {
        operationId: "updateRole",
        tags,
        summary: "Change a role (takes effect on its holders' next request)",
        params: idParams,
        body: updateBody,
        response: { 200: role, ...authErrors },
      },
    },
    async (request) => service().update(contextOf(request), request.params.id, request.body),
  );

  app.delete(
    "/roles/:id",
    {
      config: { permission: "roles:manage", resource: "role" },
      schema: {
        operationId: "deleteRole",
        tags,
        summary: "Delete a custom role that nobody holds",
        params: idParams,
        response: { 204: z.null(), ...authErrors },
      },
    },
    async (request, reply) => {
      await service().remove(contextOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
