import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";

const healthSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  database: z.enum(["ok", "down"]),
  databaseKind: z.enum(["pglite", "postgres"]),
  cache: z.enum(["redis", "memory"]),
  version: z.string(),
});

export const systemRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/health",
    {
      config: { auth: "public" },
      schema: {
        operationId: "getHealth",
        tags: ["system"],
        summary: "Liveness and database check",
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (_request, reply) => {
      const health = await app.container.services.system.health();
      return reply.status(health.status === "ok" ? 200 : 503).send(health);
    },
  );
};
