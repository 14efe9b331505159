import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import { authErrors, idParams, timestamp } from "../../schemas/common.js";
import { named } from "../../schemas/named.js";

const route = z.enum(["auto", "hold", "handoff", "assistant"]);

const matrix = named(
  z.object({
    namespaceId: z.uuid(),
    intents: z.array(
      z.object({
        intent: z.string(),
        successfulCount: z.number().int(),
        rejectedCount: z.number().int(),
        threshold: z.number().int(),
        samplingRate: z.number(),
        isAutonomous: z.boolean(),
        promotedAt: timestamp.nullable(),
        route,
        routeAgentId: z.uuid().nullable(),
        examples: z.number().int(),
      }),
    ),
  }),
  "IntentTrustMatrix",
);

const trustPatch = z
  .object({
    threshold: z.number().int().min(1).max(100_000).optional(),
    samplingRate: z.number().min(0).max(1).optional(),
    route: route
      .optional()
      .describe("auto: trust decides; hold: always held; handoff: to a person; assistant: agentId answers"),
    agentId: z.uuid().nullish(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), "send at least one field");

const policy = named(
  z.object({
    namespaceId: z.uuid(),
    dueMinutes: z.number().int(),
    onTimeout: z.enum(["none", "escalate", "reject"]),
    escalateToUserId: z.uuid().nullable(),
    rejectionMessage: z.string().nullable(),
    approverGroupId: z.uuid().nullable(),
    departmentApproverGroups: z.record(z.string(), z.uuid()),
  }),
  "ApprovalPolicy",
);

const policyPatch = z
  .object({
    dueMinutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 90)
      .optional(),
    onTimeout: z.enum(["none", "escalate", "reject"]).optional(),
    escalateToUserId: z.uuid().nullable().optional(),
    rejectionMessage: z.string().trim().min(1).max(4000).nullable().optional(),
    approverGroupId: z
      .uuid()
      .nullable()
      .optional()
      .describe("Only this approver group's members review the namespace's held replies"),
    departmentApproverGroups: z
      .record(z.uuid(), z.uuid())
      .optional()
      .describe(
        "Per department id, the approver group reviewing its held replies (overrides approverGroupId)",
      ),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), "send at least one field");

const intentParams = idParams.extend({ intent: z.string().min(1).max(1000) });

const tags = ["approvals"];

// Reads need chat:use or agents:manage (the service checks), writes agents:manage.
export const trustRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.trust;
  const manage = { permission: "agents:manage", resource: "namespace" } as const;

  app.get(
    "/namespaces/:id/trust",
    {
      config: { resource: "namespace" },
      schema: {
        operationId: "getIntentTrust",
        tags,
        summary: "The namespace's trust matrix: per intent, earned approvals, autonomy, sampling and route",
        params: idParams,
        response: { 200: matrix, ...authErrors },
      },
    },
    async (request) => service().trust(contextOf(request), request.params.id),
  );

  app.patch(
    "/namespaces/:id/trust/:intent",
    {
      config: manage,
      schema: {
        operationId: "updateIntentTrust",
        tags,
        summary: "Set an intent's threshold, sampling rate or route",
        params: intentParams,
        body: trustPatch,
        response: { 200: matrix, ...authErrors },
      },
    },
    async (request) =>
      service().setTrust(contextOf(request), request.params.id, request.params.intent, request.body),
  );

  for (const action of ["promote", "demote"] as const) {
    app.post(
      `/namespaces/:id/trust/:intent/${action}`,
      {
        config: manage,
        schema: {
          operationId: action === "promote" ? "promoteIntent" : "demoteIntent",
          tags,
          summary:
            action === "promote"
              ? "Make an intent autonomous now (audited)"
              : "Take an intent's autonomy away and restart its count (audited)",
          params: intentParams,
          response: { 200: matrix, ...authErrors },
        },
      },
      async (request) => service()[action](contextOf(request), request.params.id, request.params.intent),
    );
  }

  app.get(
    "/namespaces/:id/approval-policy",
    {
      config: { resource: "namespace" },
      schema: {
        operationId: "getApprovalPolicy",
        tags,
        summary: "How the namespace's held replies are reviewed: due time, timeout action, refusal text",
        params: idParams,
        response: { 200: policy, ...authErrors },
      },
    },
    async (request) => service().policy(contextOf(request), request.params.id),
  );

  app.patch(
    "/namespaces/:id/approval-policy",
    {
      config: manage,
      schema: {
        operationId: "updateApprovalPolicy",
        tags,
        summary: "Change the namespace's approval policy",
        params: idParams,
        body: policyPatch,
        response: { 200: policy, ...authErrors },
      },
    },
    async (request) => service().setPolicy(contextOf(request), request.params.id, request.body),
  );
};
