import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { isAppError } from "../../../lib/errors.js";
import { randomToken } from "../../../lib/secrets.js";
import { requestMeta } from "../../auth.js";
import { clearOAuthCookie, readOAuthCookie, setOAuthCookie } from "../../cookies/oauth-cookie.js";
import { sendRefreshCookie } from "../../cookies/refresh-cookie.js";
import { authErrors, errorBody } from "../../schemas/common.js";
import { tokenPair } from "./index.js";

const params = z.object({ provider: z.enum(["github", "google"]) });

/** A path on this server: one leading slash (never `//host` or a backslash trick). */
const returnPath = z
  .string()
  .max(512)
  .regex(/^\/(?:[^/\\\s][^\\\s]*)?$/, "must be a path on this server, like /chat");

const startQuery = z.object({
  organization: z.string().min(1).max(64).optional(),
  returnTo: returnPath
    .optional()
    .describe("Web sign-in: come back to this page with a session cookie instead of a JSON token pair"),
});

const callbackQuery = z.object({
  code: z.string().min(1).max(2048).optional(),
  state: z.string().min(1).max(4096),
  error: z.string().max(256).optional(),
});

const signedIn = tokenPair.extend({
  account: z
    .enum(["existing", "linked", "created"])
    .describe("Found by provider id, linked by email, or new"),
});

const providers = z.object({
  password: z.literal(true).describe("Email and password sign-in is always available"),
  oauth: z
    .array(z.object({ id: z.enum(["github", "google"]), label: z.string() }))
    .describe("The OAuth providers configured on this server"),
});

const tags = ["auth"];

export const oauthRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.oauth;
  const rateLimit = { max: app.container.config.auth.rateLimitPerMinute, timeWindow: "1 minute" };

  app.get(
    "/auth/providers",
    {
      config: { auth: "public" },
      schema: {
        operationId: "listAuthProviders",
        tags,
        summary: "How people can sign in here (the sign-in page shows a button per OAuth provider)",
        response: { 200: providers },
      },
    },
    async () => ({ password: true as const, oauth: service().providers() }),
  );

  app.get(
    "/auth/oauth/:provider/start",
    {
      config: { auth: "public", rateLimit, errors: ["NOT_FOUND", "UNAVAILABLE"] },
      schema: {
        operationId: "startOAuth",
        tags,
        summary: "Start signing in with GitHub or Google (redirects to the provider)",
        params,
        querystring: startQuery,
        response: {
          302: z.null().describe("Redirect to the provider's consent page (Location header)"),
          ...authErrors,
          503: errorBody,
        },
      },
    },
    async (request, reply) => {
      const { returnTo, ...input } = request.query;
      // Every sign-in is bound to this browser: the state carries a nonce this cookie holds too.
      const nonce = randomToken(16);
      const location = await service().start(request.params.provider, input, { nonce, returnTo });
      setOAuthCookie(request, reply, nonce, returnTo !== undefined);
      return reply.redirect(location, 302);
    },
  );

  app.get(
    "/auth/oauth/:provider/callback",
    {
      config: {
        auth: "public",
        rateLimit,
        errors: ["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "UNAVAILABLE"],
      },
      schema: {
        operationId: "finishOAuth",
        tags,
        summary: "Where the provider sends the browser back; answers with a token pair",
        description:
          "Only the browser that started the sign-in may finish it: the start sets an HttpOnly cookie " +
          "(`atrium_oauth`, or `atrium_oauth_api` without `returnTo`) whose value the signed state " +
          "carries, and a callback without it is a 401. " +
          "A sign-in started with `returnTo` (the web application) answers with a redirect to that page " +
          "and the session cookie instead; its failures redirect to /sign-in?error=<message>.",
        params,
        querystring: callbackQuery,
        response: {
          200: signedIn,
          302: z.null().describe("Web sign-in: back to the application (Location header)"),
          ...authErrors,
          503: errorBody,
        },
      },
    },
    async (request, reply) => {
      const webNonce = readOAuthCookie(request, true);
      let web: boolean | undefined;
      try {
        const result = await service().callback(
          request.params.provider,
          request.query,
          requestMeta(request),
          (state) => {
            web = state.returnTo !== undefined;
            return readOAuthCookie(request, web);
          },
        );
        const { returnTo, account, ...pair } = result;
        clearOAuthCookie(request, reply, returnTo !== undefined);
        if (returnTo === undefined) return { ...pair, account };
        sendRefreshCookie(request, reply, pair);
        return reply.redirect(returnTo, 302);
      } catch (error) {
        // A browser in the middle of a web sign-in (or one whose state no longer verifies) reads the
        // reason on the sign-in page, not as JSON; an API sign-in keeps its JSON error.
        if (webNonce === undefined || web === false || !isAppError(error)) throw error;
        clearOAuthCookie(request, reply, true);
        return reply.redirect(`/sign-in?error=${encodeURIComponent(error.message)}`, 302);
      }
    },
  );
};
