import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requestMeta } from "../../auth.js";
import { authErrors, ok } from "../../schemas/common.js";

const forgotBody = z.object({
  email: z.email().max(320),
  organization: z.string().min(1).max(64).optional(),
});

const resetBody = z.object({
  token: z.string().min(1).max(512),
  password: z.string().min(10, "must be at least 10 characters").max(1024),
});

const accepted = z.object({ accepted: z.literal(true), message: z.string() });

const tags = ["auth"];

export const passwordRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.passwordReset;
  const rateLimit = { max: app.container.config.auth.rateLimitPerMinute, timeWindow: "1 minute" };

  app.post(
    "/auth/password/forgot",
    {
      config: { auth: "public", rateLimit },
      schema: {
        operationId: "forgotPassword",
        tags,
        summary: "Mail a password reset link (the answer is the same whether or not the email exists)",
        body: forgotBody,
        response: { 202: accepted, ...authErrors },
      },
    },
    async (request, reply) => {
      service().requestReset(request.body, requestMeta(request));
      return reply.status(202).send({
        accepted: true as const,
        message: "If an account uses this email, a reset link is on its way. It works once, for one hour.",
      });
    },
  );

  app.post(
    "/auth/password/reset",
    {
      config: { auth: "public", rateLimit, errors: ["PRECONDITION_FAILED"] },
      schema: {
        operationId: "resetPassword",
        tags,
        summary: "Choose a new password with a reset link's token (every session ends)",
        body: resetBody,
        response: { 200: ok, ...authErrors },
      },
    },
    async (request) => {
      await service().reset(request.body, requestMeta(request));
      return { ok: true as const };
    },
  );
};
