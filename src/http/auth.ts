import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { hasPermission } from "../core/access.js";
import type { Permission } from "../core/permissions.js";
import { AppError } from "../lib/errors.js";
import type { Principal } from "../services/auth/authenticate.js";
import type { RequestMeta, ServiceContext } from "../services/context.js";

/**
 * "public": no credentials; "user" (default): a signed-in person's token or an API key; "person": a
 * signed-in person only — routes about their own sign-in (sessions, password, profile), which an API
 * key acting for them must not reach.
 */
export type RouteAuth = "public" | "user" | "person";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Who may call (see RouteAuth); default "user". */
    auth?: RouteAuth;
    /** A permission checked before the handler runs (departments are checked by the service). */
    permission?: Permission;
    /**
     * The kind of resource named by the route's `:id` (e.g. "department"). The isolation matrix uses
     * it to aim requests at another department's and another organisation's resource.
     */
    resource?: string;
    /** A file of the web application's build (index.html or a hashed asset): public, static, hidden. */
    webAsset?: boolean;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** Routes served by plugins that cannot carry route config (the docs UI). */
const PUBLIC_PREFIXES = ["/docs"];

function credentials(request: FastifyRequest): { bearer?: string; apiKey?: string } {
  const header = request.headers.authorization;
  const apiKey = request.headers["x-api-key"];
  if (typeof apiKey === "string" && apiKey.length > 0) return { apiKey };
  if (typeof header === "string") {
    const [scheme, value] = header.split(" ", 2);
    if (scheme?.toLowerCase() === "bearer" && value) {
      return value.startsWith("atr_") ? { apiKey: value } : { bearer: value };
    }
    throw new AppError("UNAUTHORIZED", "Use an Authorization: Bearer <token> header or an x-api-key header");
  }
  return {};
}

export function requestMeta(request: FastifyRequest): RequestMeta {
  const userAgent = request.headers["user-agent"];
  return { requestId: String(request.id), ip: request.ip, userAgent: userAgent?.slice(0, 512) };
}

/** The service context of an authenticated request. */
export function contextOf(request: FastifyRequest): ServiceContext {
  const principal = request.principal;
  if (!principal) throw new AppError("UNAUTHORIZED", "Authentication is required");
  const { container } = request.server;
  return {
    orgId: principal.orgId,
    actor: principal.actor,
    access: principal.access,
    db: container.database.db,
    meta: requestMeta(request),
    logger: request.log as ServiceContext["logger"],
  };
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError("UNAUTHORIZED", "Authentication is required");
  return request.principal;
}

/**
 * Authenticates every route that is not public (secure by default), then checks the route's
 * permission. A missing route (404) is left to the not-found handler.
 */
export const authPlugin = fp(async (app: FastifyInstance) => {
  app.decorateRequest("principal", undefined);
  app.addHook("onRequest", async (request) => {
    const url = request.routeOptions.url;
    if (!url || request.routeOptions.config.auth === "public") return;
    if (PUBLIC_PREFIXES.some((p) => url === p || url.startsWith(`${p}/`))) return;
    const { authenticator } = request.server.container.services;
    const given = credentials(request);
    if (given.apiKey) {
      request.principal = await authenticator.fromApiKey(given.apiKey);
      void authenticator
        .touchApiKey(request.principal.apiKeyId!, requestMeta(request))
        .catch((error: unknown) => {
          request.log.warn({ err: error }, "could not record API key use");
        });
    } else if (given.bearer) {
      request.principal = await authenticator.fromBearer(given.bearer);
    } else {
      throw new AppError("UNAUTHORIZED", "Authentication is required");
    }
    if (request.routeOptions.config.auth === "person" && request.principal.actor.kind !== "user") {
      throw new AppError(
        "FORBIDDEN",
        "This needs a signed-in person; an API key cannot end sessions or change its owner's sign-in or profile",
      );
    }
    const permission = request.routeOptions.config.permission;
    if (permission && !hasPermission(request.principal.access, permission)) {
      throw new AppError("FORBIDDEN", `This needs the ${permission} permission`, { permission });
    }
  });
});
