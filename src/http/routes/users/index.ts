import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import { authErrors, idParams, pageOf, pageQuery } from "../../schemas/common.js";
import { tokenPair } from "../auth/index.js";
import { newPassword, permission, profileFields, roleSlug, user } from "./schemas.js";

const nonEmpty = (b: object) => Object.keys(b).length > 0;

const updateBody = z
  .object({
    ...profileFields,
    roleId: z.uuid().optional(),
    role: roleSlug.optional().describe("a role slug (built-in like dept_head, or custom)"),
    extraPermissions: z.array(permission).max(50).optional(),
    revokedPermissions: z.array(permission).max(50).optional(),
    extraDepartmentIds: z.array(z.uuid()).max(500).optional(),
    revokedDepartmentIds: z.array(z.uuid()).max(500).optional(),
  })
  .refine(nonEmpty, "send at least one field");

const meBody = z.strictObject(profileFields).refine(nonEmpty, "send at least one field");

const listQuery = pageQuery.extend({
  search: z.string().trim().max(200).optional(),
  departmentId: z.uuid().optional(),
  isActive: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
});

const tags = ["users"];
const managed = { permission: "users:manage", resource: "user" } as const;

export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.users;
  // Per client, on top of the per-account lockout of the current-password check.
  const rateLimit = { max: app.container.config.auth.rateLimitPerMinute, timeWindow: "1 minute" };

  app.get(
    "/users",
    {
      config: { permission: "users:manage" },
      schema: {
        operationId: "listUsers",
        tags,
        summary: "Users in the departments the caller can see",
        querystring: listQuery,
        response: { 200: pageOf(user), ...authErrors },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      return service().list(contextOf(request), filter, { page, pageSize });
    },
  );

  app.patch(
    "/users/me",
    {
      config: { auth: "person" },
      schema: {
        operationId: "updateMe",
        tags,
        summary: "Change your own name, phone or avatar",
        body: meBody,
        response: { 200: user, ...authErrors },
      },
    },
    async (request) => service().updateMe(contextOf(request), request.body),
  );

  app.post(
    "/users/me/password",
    {
      config: { auth: "person", rateLimit },
      schema: {
        operationId: "changeMyPassword",
        tags,
        summary: "Change your password; every other session and token ends, a fresh pair is returned",
        body: z.object({ currentPassword: z.string().min(1).max(1024), newPassword }),
        response: { 200: tokenPair, ...authErrors },
      },
    },
    async (request) => service().changePassword(contextOf(request), request.body),
  );

  app.get(
    "/users/:id",
    {
      config: { resource: "user" },
      schema: {
        operationId: "getUser",
        tags,
        summary: "One user (your own record, or any you manage)",
        params: idParams,
        response: { 200: user, ...authErrors },
      },
    },
    async (request) => service().get(contextOf(request), request.params.id),
  );

  app.patch(
    "/users/:id",
    {
      config: managed,
      schema: {
        operationId: "updateUser",
        tags,
        summary: "Change a user's profile, role, permissions or department overrides",
        params: idParams,
        body: updateBody,
        response: { 200: user, ...authErrors },
      },
    },
    async (request) => service().update(contextOf(request), request.params.id, request.body),
  );

  app.post(
    "/users/:id/deactivate",
    {
      config: managed,
      schema: {
        operationId: "deactivateUser",
        tags,
        summary: "Deactivate: sign-in refused, sessions and tokens end",
        params: idParams,
        response: { 200: user, ...authErrors },
      },
    },
    async (request) => service().deactivate(contextOf(request), request.params.id),
  );

  app.post(
    "/users/:id/unlock",
    {
      config: managed,
      schema: {
        operationId: "unlockUser",
        tags,
        summary: "Lift a sign-in lock after too many failed password attempts (and forget the failures)",
        params: idParams,
        response: { 200: z.object({ user, wasLocked: z.boolean() }), ...authErrors },
      },
    },
    async (request) => service().unlock(contextOf(request), request.params.id),
  );

  app.post(
    "/users/:id/reactivate",
    {
      config: managed,
      schema: {
        operationId: "reactivateUser",
        tags,
        summary: "Let a deactivated user sign in again",
        params: idParams,
        response: { 200: user, ...authErrors },
      },
    },
    async (request) => service().reactivate(contextOf(request), request.params.id),
  );

  app.post(
    "/users/:id/transfer",
    {
      config: managed,
      schema: {
        operationId: "transferUser",
        tags,
        summary: "Move a user to another department (their current access tokens end)",
        params: idParams,
        body: z.object({ departmentId: z.uuid() }),
        response: { 200: user, ...authErrors },
      },
    },
    async (request) => service().transfer(contextOf(request), request.params.id, request.body.departmentId),
  );
};
