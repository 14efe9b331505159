import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { contextOf } from "../../auth.js";
import { authErrors, idParams } from "../../schemas/common.js";
import { runTrace } from "./schemas.js";

export const runRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/runs/:id",
    {
      // No route permission: the person who asked may read their own trace without analytics:read.
      config: { resource: "run" },
      schema: {
        operationId: "getRun",
        tags: ["chat"],
        summary: "The trace of one answer: task, tool calls, model run and retrieved passages",
        description:
          "`id` is a run id or the id of its agent task. Readable by the person who asked, by reviewers " +
          "(analytics:read) of the department, and by organisation admins for org-wide assistants.",
        params: idParams,
        response: { 200: runTrace, ...authErrors },
      },
    },
    async (request) => app.container.services.chat.getRunTrace(contextOf(request), request.params.id),
  );
};
