import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requestMeta } from "../../auth.js";
import { authErrors, errorBody } from "../../schemas/common.js";
import { tokenPair } from "./index.js";

const params = z.object({ provider: z.enum(["github", "google"]) });

const startQuery = z.object({
  organization: z.string().min(1).max(64).optional(),
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

const tags = ["auth"];

export const oauthRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.oauth;
  const rateLimit = { max: app.container.config.auth.rateLimitPerMinute, timeWindow: "1 minute" };

  app.get(
    "/auth/oauth/:provider/start",
    {
      config: { auth: "public", rateLimit },
      schema: {
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
      const url = await service().start(request.params.provider, request.query);
      return reply.redirect(url, 302);
    },
  );

  app.get(
    "/auth/oauth/:provider/callback",
    {
      config: { auth: "public", rateLimit },
      schema: {
        tags,
        summary: "Where the provider sends the browser back; answers with a token pair",
        params,
        querystring: callbackQuery,
        response: { 200: signedIn, ...authErrors, 503: errorBody },
      },
    },
    async (request) => service().callback(request.params.provider, request.query, requestMeta(request)),
  );
};
