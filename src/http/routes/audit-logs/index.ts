import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import { authErrors, cursorPageOf, cursorQuery, timestamp } from "../../schemas/common.js";

const auditLog = z.object({
  id: z.uuid(),
  departmentId: z.uuid().nullable(),
  userId: z.uuid().nullable(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  changes: z.record(z.string(), z.unknown()).nullable(),
  ipAddress: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
  createdAt: timestamp,
});

const listQuery = cursorQuery.extend({
  action: z.string().min(1).max(200).optional().describe("Exact action, e.g. auth.login"),
  entityType: z.string().min(1).max(100).optional(),
  entityId: z.string().min(1).max(200).optional(),
  userId: z.uuid().optional(),
  departmentId: z.uuid().optional(),
  from: timestamp.optional().describe("Inclusive lower bound on createdAt"),
  to: timestamp.optional().describe("Exclusive upper bound on createdAt"),
});

export const auditLogRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/audit-logs",
    {
      config: { permission: "audit:read" },
      schema: {
        operationId: "listAuditLogs",
        tags: ["audit"],
        summary: "The audit log, newest first, filtered and limited to the caller's departments",
        querystring: listQuery,
        response: { 200: cursorPageOf(auditLog), ...authErrors },
      },
    },
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      return app.container.services.audit.list(contextOf(request), filter, { cursor, limit });
    },
  );
};
