import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import {
  authErrors,
  idParams,
  jsonObjectInput,
  pageOf,
  pageQuery,
  resourceName,
  timestamp,
} from "../../schemas/common.js";
import { named } from "../../schemas/named.js";

const department = named(
  z.object({
    id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    color: z.string().nullable(),
    description: z.string().nullable(),
    settings: z.record(z.string(), z.unknown()),
    isArchived: z.boolean(),
    archivedAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "Department",
);

const slug = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "lower-case letters, digits and single hyphens");
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, "a #rrggbb colour");

const createBody = z.object({
  name: resourceName,
  slug,
  color: color.nullish(),
  description: z.string().max(2000).nullish(),
  settings: jsonObjectInput.optional(),
});
const updateBody = createBody.partial().refine((b) => Object.keys(b).length > 0, "send at least one field");

const listQuery = pageQuery.extend({
  includeArchived: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  search: z.string().max(200).optional(),
});

const tags = ["departments"];

export const departmentRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.departments;

  app.get(
    "/departments",
    {
      schema: {
        operationId: "listDepartments",
        tags,
        summary: "Departments the caller can see",
        querystring: listQuery,
        response: { 200: pageOf(department), ...authErrors },
      },
    },
    async (request) => {
      const { includeArchived, search, page, pageSize } = request.query;
      return service().list(contextOf(request), { includeArchived, search }, { page, pageSize });
    },
  );

  app.post(
    "/departments",
    {
      config: { permission: "departments:manage" },
      schema: {
        operationId: "createDepartment",
        tags,
        summary: "Create a department",
        body: createBody,
        response: { 201: department, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service().create(contextOf(request), request.body)),
  );

  app.get(
    "/departments/:id",
    {
      config: { resource: "department" },
      schema: {
        operationId: "getDepartment",
        tags,
        summary: "One department",
        params: idParams,
        response: { 200: department, ...authErrors },
      },
    },
    async (request) => service().get(contextOf(request), request.params.id),
  );

  app.patch(
    "/departments/:id",
    {
      config: { permission: "departments:manage", resource: "department" },
      schema: {
        operationId: "updateDepartment",
        tags,
        summary: "Change a department",
        params: idParams,
        body: updateBody,
        response: { 200: department, ...authErrors },
      },
    },
    async (request) => service().update(contextOf(request), request.params.id, request.body),
  );

  app.post(
    "/departments/:id/archive",
    {
      config: { permission: "departments:manage", resource: "department" },
      schema: {
        operationId: "archiveDepartment",
        tags,
        summary: "Archive (read-only, hidden from pickers, data kept)",
        params: idParams,
        response: { 200: department, ...authErrors },
      },
    },
    async (request) => service().archive(contextOf(request), request.params.id),
  );

  app.post(
    "/departments/:id/unarchive",
    {
      config: { permission: "departments:manage", resource: "department" },
      schema: {
        operationId: "unarchiveDepartment",
        tags,
        summary: "Bring an archived department back",
        params: idParams,
        response: { 200: department, ...authErrors },
      },
    },
    async (request) => service().unarchive(contextOf(request), request.params.id),
  );
};
