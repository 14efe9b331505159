import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf, requestMeta } from "../../auth.js";
import { authErrors, idParams, pageOf, pageQuery, timestamp } from "../../schemas/common.js";
import { named } from "../../schemas/named.js";
import { tokenPair } from "../auth/index.js";
import { email, newPassword, personName, roleSlug, user } from "../users/schemas.js";

const status = z.enum(["pending", "accepted", "revoked", "expired"]);

const invitation = named(
  z.object({
    id: z.uuid(),
    email: z.string(),
    role: z.string(),
    roleId: z.uuid().nullable(),
    departmentId: z.uuid().nullable(),
    invitedById: z.uuid().nullable(),
    acceptedUserId: z.uuid().nullable(),
    status,
    expiresAt: timestamp,
    acceptedAt: timestamp.nullable(),
    revokedAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "Invitation",
);

const createBody = z.object({
  email,
  departmentId: z.uuid(),
  roleId: z.uuid().optional(),
  role: roleSlug.optional().describe("a role slug; employee when neither role nor roleId is given"),
  expiresInDays: z.number().int().min(1).max(30).optional().describe("default 7"),
});

const created = z.object({
  invitation,
  token: z.string().describe("shown once; only its hash is stored"),
  acceptUrl: z.string(),
  mailed: z.boolean(),
});

const tags = ["invitations"];

export const invitationRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.invitations;
  const rateLimit = { max: app.container.config.auth.rateLimitPerMinute, timeWindow: "1 minute" };

  app.post(
    "/invitations",
    {
      config: { permission: "users:manage" },
      schema: {
        operationId: "createInvitation",
        tags,
        summary: "Invite someone into a department with a role",
        body: createBody,
        response: { 201: created, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service().create(contextOf(request), request.body)),
  );

  app.get(
    "/invitations",
    {
      config: { permission: "users:manage" },
      schema: {
        operationId: "listInvitations",
        tags,
        summary: "Invitations into the departments the caller can see",
        querystring: pageQuery.extend({ status: status.optional(), email: email.optional() }),
        response: { 200: pageOf(invitation), ...authErrors },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      return service().list(contextOf(request), filter, { page, pageSize });
    },
  );

  app.get(
    "/invitations/:id",
    {
      config: { permission: "users:manage", resource: "invitation" },
      schema: {
        operationId: "getInvitation",
        tags,
        summary: "One invitation",
        params: idParams,
        response: { 200: invitation, ...authErrors },
      },
    },
    async (request) => service().get(contextOf(request), request.params.id),
  );

  app.delete(
    "/invitations/:id",
    {
      config: { permission: "users:manage", resource: "invitation" },
      schema: {
        operationId: "revokeInvitation",
        tags,
        summary: "Revoke an invitation (its link stops working)",
        params: idParams,
        response: { 200: invitation, ...authErrors },
      },
    },
    async (request) => service().revoke(contextOf(request), request.params.id),
  );

  app.post(
    "/invitations/accept",
    {
      config: {
        auth: "public",
        rateLimit,
        errors: ["UNAUTHORIZED", "NOT_FOUND", "CONFLICT", "PRECONDITION_FAILED"],
      },
      schema: {
        operationId: "acceptInvitation",
        tags,
        summary: "Accept an invitation: creates (or moves) your account and signs you in",
        body: z.object({ token: z.string().min(10).max(512), name: personName, password: newPassword }),
        response: { 200: z.object({ user, tokens: tokenPair }), ...authErrors },
      },
    },
    async (request) => service().accept(request.body, requestMeta(request)),
  );
};
