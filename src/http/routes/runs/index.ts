import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import { authErrors, idParams } from "../../schemas/common.js";
import { runListItem, runTrace } from "./schemas.js";

export const runRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/runs",
    {
      // No route permission: everyone may list their own runs; analytics:read adds the departments'.
      schema: {
        operationId: "listRuns",
        tags: ["chat"],
        summary: "The newest runs whose traces you may read, newest first",
        description:
          "Your own runs; with analytics:read also the runs of the departments you reach; with org:admin " +
          "also the runs of organisation-wide assistants (the rule of GET /runs/{id}).",
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ items: z.array(runListItem) }), ...authErrors },
      },
    },
    async (request) => ({
      items: await app.container.services.chat.listReadableRuns(contextOf(request), request.query.limit),
    }),
  );

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
