import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import { authErrors, idParams, timestamp } from "../../schemas/common.js";
import { named } from "../../schemas/named.js";

const profile = named(
  z.object({
    userId: z.string(),
    departmentId: z.string().nullable(),
    summary: z.string(),
    currentProjects: z.array(z.string()),
    preferences: z.record(z.string(), z.unknown()),
    frequentIntents: z.array(z.object({ intent: z.string(), count: z.number() })),
    accessLevel: z.string().nullable(),
    profileVersion: z.number().int(),
    lastExtractedAt: timestamp.nullable(),
    updatedAt: timestamp,
  }),
  "MemoryProfile",
);

const tags = ["memory"];

export const profileRoutes: FastifyPluginAsyncZod = async (app) => {
  const memory = () => app.container.services.memory;

  app.get(
    "/me/profile",
    {
      schema: {
        operationId: "getMyProfile",
        tags,
        summary: "What the assistants remember about you (built from your conversations)",
        response: { 200: profile, ...authErrors },
      },
    },
    async (request) => memory().getMine(contextOf(request)),
  );

  app.delete(
    "/me/profile",
    {
      schema: {
        operationId: "deleteMyProfile",
        tags,
        summary: "Erase your memory profile; conversations before now are never used for it again",
        response: { 204: z.null(), ...authErrors },
      },
    },
    async (request, reply) => {
      await memory().eraseMine(contextOf(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/users/:id/profile",
    {
      config: { permission: "users:manage", resource: "employee_profile" },
      schema: {
        operationId: "getUserProfile",
        tags,
        summary: "A user's memory profile (users you manage)",
        params: idParams,
        response: { 200: profile, ...authErrors },
      },
    },
    async (request) => memory().getForUser(contextOf(request), request.params.id),
  );
};
