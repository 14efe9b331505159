import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf, requestMeta } from "../../auth.js";
import { authErrors, ok } from "../../schemas/common.js";
import { named } from "../../schemas/named.js";

export const tokenPair = named(
  z.object({
    tokenType: z.literal("Bearer"),
    accessToken: z.string(),
    expiresIn: z.number().int(),
    refreshToken: z.string(),
    refreshExpiresAt: z.string(),
  }),
  "TokenPair",
);

export const loginBody = named(
  z.object({
    email: z.email().max(320),
    password: z.string().min(1).max(1024),
    organization: z.string().min(1).max(64).optional(),
  }),
  "Login",
);

const me = z.object({
  id: z.uuid(),
  orgId: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.string(),
  roleId: z.uuid().nullable(),
  departmentId: z.uuid().nullable(),
  permissions: z.array(z.string()),
  allDepartments: z.boolean(),
  departmentIds: z.array(z.uuid()),
  actor: z.enum(["user", "api_key"]),
});

const tags = ["auth"];

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const sessions = () => app.container.services.sessions;
  const rateLimit = { max: app.container.config.auth.rateLimitPerMinute, timeWindow: "1 minute" };

  app.post(
    "/auth/login",
    {
      config: { auth: "public", rateLimit, errors: ["UNAUTHORIZED"] },
      schema: {
        operationId: "login",
        tags,
        summary: "Sign in with email and password",
        body: loginBody,
        response: { 200: tokenPair, ...authErrors },
      },
    },
    async (request) => sessions().login(request.body, requestMeta(request)),
  );

  app.post(
    "/auth/refresh",
    {
      config: { auth: "public", rateLimit, errors: ["UNAUTHORIZED"] },
      schema: {
        operationId: "refreshTokens",
        tags,
        summary: "Trade a refresh token for a new pair (the old one stops working)",
        body: z.object({ refreshToken: z.string().min(1).max(512) }),
        response: { 200: tokenPair, ...authErrors },
      },
    },
    async (request) => sessions().refresh(request.body.refreshToken, requestMeta(request)),
  );

  app.post(
    "/auth/logout",
    {
      config: { auth: "person" },
      schema: {
        operationId: "logout",
        tags,
        summary: "End this session",
        response: { 200: ok, ...authErrors },
      },
    },
    async (request) => {
      await sessions().logout(principalOf(request), requestMeta(request));
      return { ok: true as const };
    },
  );

  app.post(
    "/auth/logout-all",
    {
      config: { auth: "person" },
      schema: {
        operationId: "logoutAll",
        tags,
        summary: "End every session and revoke every token",
        response: { 200: ok, ...authErrors },
      },
    },
    async (request) => {
      await sessions().logoutAll(principalOf(request).user, requestMeta(request));
      return { ok: true as const };
    },
  );

  app.get(
    "/auth/me",
    {
      schema: {
        operationId: "getMe",
        tags,
        summary: "Who the caller is and what they may do",
        response: { 200: me, ...authErrors },
      },
    },
    async (request) => {
      const { user, access, actor } = principalOf(request);
      return {
        id: user.id,
        orgId: user.orgId,
        email: user.email,
        name: user.name,
        role: user.role,
        roleId: user.roleId,
        departmentId: user.departmentId,
        permissions: [...access.permissions].sort(),
        allDepartments: access.allDepartments,
        departmentIds: [...access.departmentIds],
        actor: actor.kind === "api_key" ? ("api_key" as const) : ("user" as const),
      };
    },
  );
};
