import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError, isAppError } from "../../../lib/errors.js";
import { requestMeta } from "../../auth.js";
import { clearRefreshCookie, readRefreshCookie, sendRefreshCookie } from "../../cookies/refresh-cookie.js";
import { authErrors } from "../../schemas/common.js";
import { named } from "../../schemas/named.js";
import { loginBody, tokenPair } from "./index.js";

/** An access token for the web application; its refresh token went into an HttpOnly cookie. */
export const webSession = named(tokenPair.omit({ refreshToken: true }), "WebSession");

const tags = ["auth"];

/**
 * Sessions of the web application: the same sign-in and rotation as /auth/login and /auth/refresh,
 * with the refresh token in the `atrium_refresh` cookie (HttpOnly, SameSite=Strict, Path=/auth/session)
 * instead of the body. API clients keep using the JSON routes.
 */
export const webSessionRoutes: FastifyPluginAsyncZod = async (app) => {
  const sessions = () => app.container.services.sessions;
  const rateLimit = { max: app.container.config.auth.rateLimitPerMinute, timeWindow: "1 minute" };

  app.post(
    "/auth/session",
    {
      config: { auth: "public", rateLimit, errors: ["UNAUTHORIZED"] },
      schema: {
        operationId: "createWebSession",
        tags,
        summary: "Sign in from the web application (refresh token in an HttpOnly cookie)",
        body: loginBody,
        response: { 200: webSession, ...authErrors },
      },
    },
    async (request, reply) => {
      const pair = await sessions().login(request.body, requestMeta(request));
      return sendRefreshCookie(request, reply, pair);
    },
  );

  app.post(
    "/auth/session/refresh",
    {
      config: { auth: "public", rateLimit, errors: ["UNAUTHORIZED"] },
      schema: {
        operationId: "refreshWebSession",
        tags,
        summary: "Trade the session cookie for a new access token (the cookie is rotated)",
        response: { 200: webSession, ...authErrors },
      },
    },
    async (request, reply) => {
      const token = readRefreshCookie(request);
      if (!token) throw new AppError("UNAUTHORIZED", "There is no session; sign in");
      try {
        return sendRefreshCookie(request, reply, await sessions().refresh(token, requestMeta(request)));
      } catch (error) {
        // A cookie that no longer works is dropped, so the browser stops sending it (an outage is not
        // a reason to sign anyone out).
        if (isAppError(error) && error.code === "UNAUTHORIZED") clearRefreshCookie(request, reply);
        throw error;
      }
    },
  );

  app.delete(
    "/auth/session",
    {
      config: { auth: "public", rateLimit },
      schema: {
        operationId: "deleteWebSession",
        tags,
        summary: "Sign out of the web application: ends the cookie's session and clears the cookie",
        response: { 204: z.null(), ...authErrors },
      },
    },
    async (request, reply) => {
      const token = readRefreshCookie(request);
      if (token) await sessions().logoutByRefreshToken(token, requestMeta(request));
      clearRefreshCookie(request, reply);
      return reply.status(204).send(null);
    },
  );
};
