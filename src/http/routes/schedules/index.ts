import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import { authErrors, idParams, pageOf, pageQuery } from "../../schemas/common.js";
import {
  createScheduleBody,
  schedule,
  scheduleListQuery,
  scheduleRun,
  updateScheduleBody,
} from "./schemas.js";

const tags = ["schedules"];
const config = { permission: "agents:manage" as const, resource: "schedule" };

/** Schedules (issue 14 item 4): what runs when, as whom; `agents:manage`, department-scoped. */
export const scheduleRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.schedules;

  app.get(
    "/schedules",
    {
      config: { permission: "agents:manage" },
      schema: {
        operationId: "listSchedules",
        tags,
        summary: "Schedules of the departments the caller can see, with their next five fire times",
        querystring: pageQuery.extend(scheduleListQuery.shape),
        response: { 200: pageOf(schedule), ...authErrors },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      return service().list(contextOf(request), filter, { page, pageSize });
    },
  );

  app.post(
    "/schedules",
    {
      config: { permission: "agents:manage" },
      schema: {
        operationId: "createSchedule",
        tags,
        summary: "Create a recurring (cron + time zone) or one-time schedule; every problem is listed (400)",
        body: createScheduleBody,
        response: { 201: schedule, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service().create(contextOf(request), request.body)),
  );

  app.get(
    "/schedules/:id",
    {
      config,
      schema: {
        operationId: "getSchedule",
        tags,
        summary: "One schedule, its status and next five fire times",
        params: idParams,
        response: { 200: schedule, ...authErrors },
      },
    },
    async (request) => service().get(contextOf(request), request.params.id),
  );

  app.patch(
    "/schedules/:id",
    {
      config,
      schema: {
        operationId: "updateSchedule",
        tags,
        summary: "Change a schedule's name, timing, missed-run policy or action",
        params: idParams,
        body: updateScheduleBody,
        response: { 200: schedule, ...authErrors },
      },
    },
    async (request) => service().update(contextOf(request), request.params.id, request.body),
  );

  app.post(
    "/schedules/:id/pause",
    {
      config,
      schema: {
        operationId: "pauseSchedule",
        tags,
        summary: "Pause an active schedule",
        params: idParams,
        response: { 200: schedule, ...authErrors },
      },
    },
    async (request) => service().pause(contextOf(request), request.params.id),
  );

  app.post(
    "/schedules/:id/resume",
    {
      config,
      schema: {
        operationId: "resumeSchedule",
        tags,
        summary: "Resume a paused schedule, or re-arm a stopped one under the caller's rights",
        params: idParams,
        response: { 200: schedule, ...authErrors },
      },
    },
    async (request) => service().resume(contextOf(request), request.params.id),
  );

  app.post(
    "/schedules/:id/run",
    {
      config,
      schema: {
        operationId: "runScheduleNow",
        tags,
        summary: "Run now: queues a run (also of a paused schedule) for the worker",
        params: idParams,
        response: { 202: scheduleRun, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await service().runNow(contextOf(request), request.params.id)),
  );

  app.get(
    "/schedules/:id/runs",
    {
      config,
      schema: {
        operationId: "listScheduleRuns",
        tags,
        summary: "Run history, newest first, each linked to the agent task it created",
        params: idParams,
        querystring: pageQuery,
        response: { 200: pageOf(scheduleRun), ...authErrors },
      },
    },
    async (request) => service().runs(contextOf(request), request.params.id, request.query),
  );

  app.delete(
    "/schedules/:id",
    {
      config,
      schema: {
        operationId: "deleteSchedule",
        tags,
        summary: "Delete a schedule and its run history (the tasks it created stay)",
        params: idParams,
        response: { 204: z.null(), ...authErrors },
      },
    },
    async (request, reply) => {
      await service().delete(contextOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
