import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf, requestMeta } from "../../auth.js";
import {
  authErrors,
  jsonObjectInput,
  pageOf,
  pageQuery,
  resourceName,
  timestamp,
} from "../../schemas/common.js";
import { named } from "../../schemas/named.js";
import { tokenPair } from "../auth/index.js";
import { email, newPassword, personName, user } from "../users/schemas.js";

const organization = named(
  z.object({
    id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    settings: z.record(z.string(), z.unknown()),
    monthlyBudgetUsd: z.number().nullable(),
    monthlyTokenBudget: z.number().int().nullable(),
    isActive: z.boolean(),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "Organization",
);

const orgName = resourceName;
const slug = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "lower-case letters, digits and single hyphens");

const signUpBody = z.object({
  organization: z.object({ name: orgName, slug: slug.optional() }),
  admin: z.object({ name: personName, email, password: newPassword }),
  departmentName: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe('the first department (default "General")'),
});

const updateBody = z
  .object({
    name: orgName,
    settings: jsonObjectInput,
    monthlyBudgetUsd: z.number().min(0).max(999_999).nullable(),
    monthlyTokenBudget: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, "send at least one field");

const member = z.object({
  id: z.uuid(),
  role: z.enum(["owner", "admin", "member"]),
  createdAt: timestamp,
  user,
});

const tags = ["organisation"];

export const orgRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.orgs;
  const rateLimit = { max: app.container.config.auth.rateLimitPerMinute, timeWindow: "1 minute" };

  app.post(
    "/orgs",
    {
      config: { auth: "public", rateLimit, errors: ["CONFLICT", "PRECONDITION_FAILED"] },
      schema: {
        operationId: "createOrg",
        tags,
        summary: "Sign up: a new organisation with you as its administrator, signed in",
        body: signUpBody,
        response: { 201: z.object({ organization, user, tokens: tokenPair }), ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service().signUp(request.body, requestMeta(request))),
  );

  app.get(
    "/org",
    {
      schema: {
        operationId: "getOrg",
        tags,
        summary: "The caller's organisation",
        response: { 200: organization, ...authErrors },
      },
    },
    async (request) => service().get(contextOf(request)),
  );

  app.patch(
    "/org",
    {
      config: { permission: "org:admin" },
      schema: {
        operationId: "updateOrg",
        tags,
        summary: "Change the organisation's name, settings or budgets",
        body: updateBody,
        response: { 200: organization, ...authErrors },
      },
    },
    async (request) => service().update(contextOf(request), request.body),
  );

  app.get(
    "/org/members",
    {
      config: { permission: "users:manage" },
      schema: {
        operationId: "listOrgMembers",
        tags,
        summary: "Members of the organisation in the departments the caller can see",
        querystring: pageQuery.extend({ search: z.string().trim().max(200).optional() }),
        response: { 200: pageOf(member), ...authErrors },
      },
    },
    async (request) => {
      const { page, pageSize, search } = request.query;
      return service().listMembers(contextOf(request), { search }, { page, pageSize });
    },
  );
};
