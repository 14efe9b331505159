import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import { authErrors, idParams, pageOf, pageQuery, timestamp } from "../../schemas/common.js";
import { named } from "../../schemas/named.js";

const citation = z.object({
  label: z.number().int(),
  chunkId: z.string(),
  documentId: z.string(),
  knowledgeBaseId: z.string(),
  title: z.string(),
  snippet: z.string(),
  score: z.number(),
});

const status = z.enum(["pending", "approved", "rejected", "edited", "escalated"]);

const approval = named(
  z.object({
    id: z.uuid(),
    status,
    isSample: z
      .boolean()
      .describe("An autonomous reply already delivered, sampled for review after the fact"),
    departmentId: z.uuid().nullable(),
    namespaceId: z.uuid().nullable(),
    conversationId: z.uuid().nullable().describe("The held reply's conversation (null for a generation)"),
    messageId: z.uuid().nullable().describe("The held draft (null for a generation)"),
    documentGenerationId: z
      .uuid()
      .nullable()
      .describe("A held generation of a template that requires approval (approve renders, reject fails it)"),
    generation: z
      .object({
        templateId: z.uuid().nullable(),
        templateVersion: z.number().int().nullable(),
        outputFormat: z.enum(["markdown", "html", "text", "pdf", "docx"]),
        input: z.record(z.string(), z.unknown()),
        status: z.enum(["pending", "rendering", "done", "failed", "awaiting_approval"]),
      })
      .nullable()
      .describe("What the held generation renders, for the approver's review"),
    requesterId: z.uuid().nullable(),
    approverId: z.uuid().nullable(),
    intent: z.string().nullable(),
    confidence: z.number().nullable(),
    question: z.string().nullable().describe("The requester's question the draft answers"),
    draft: z.string().describe("The reply as drafted (kept after an edit)"),
    citations: z.array(citation),
    editedText: z.string().nullable(),
    pendingToolCall: z
      .object({ name: z.string(), input: z.unknown() })
      .nullable()
      .describe("A tool call the turn paused before: approving runs it and resumes the turn"),
    notes: z.string().nullable(),
    escalatedToId: z.uuid().nullable(),
    escalationReason: z.string().nullable(),
    deliveredMessageId: z.uuid().nullable().describe("What the requester received once decided"),
    dueAt: timestamp.nullable(),
    decidedAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "Approval",
);

const boolString = z.enum(["true", "false"]).transform((v) => v === "true");

const listQuery = pageQuery.extend({
  status: status.optional(),
  namespaceId: z.uuid().optional(),
  departmentId: z.uuid().optional(),
  intent: z.string().min(1).max(1000).optional(),
  dueBefore: z.iso.datetime({ offset: true }).optional().describe("Only approvals due by then"),
  sample: boolString.optional().describe("true: only samples; false: only held replies"),
});

const statsQuery = z.object({
  namespaceId: z.uuid().optional(),
  departmentId: z.uuid().optional(),
  since: z.iso.datetime({ offset: true }).optional(),
});

const stats = named(
  z.object({
    decided: z.number().int(),
    pending: z.number().int(),
    p50Seconds: z.number().nullable().describe("Median time from hold to decision"),
    p95Seconds: z.number().nullable(),
    byIntent: z.array(
      z.object({
        intent: z.string(),
        decided: z.number().int(),
        approved: z.number().int(),
        approvalRate: z.number(),
      }),
    ),
  }),
  "ApprovalStats",
);

const notes = z.string().trim().max(4000).optional();

const tags = ["approvals"];
const decide = { permission: "approvals:decide", resource: "approval" } as const;

export const approvalRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.approvals;

  app.get(
    "/approvals",
    {
      config: { permission: "approvals:decide" },
      schema: {
        operationId: "listApprovals",
        tags,
        summary: "The approval inbox: held replies and samples of the departments the caller reviews",
        querystring: listQuery,
        response: { 200: pageOf(approval), ...authErrors },
      },
    },
    async (request) => {
      const { page, pageSize, dueBefore, sample, ...filter } = request.query;
      return service().list(
        contextOf(request),
        { ...filter, dueBefore: dueBefore ? new Date(dueBefore) : undefined, isSample: sample },
        { page, pageSize },
      );
    },
  );

  app.get(
    "/approvals/stats",
    {
      config: { permission: "approvals:decide" },
      schema: {
        operationId: "getApprovalStats",
        tags,
        summary: "Time to decision (p50/p95) and approval rate per intent",
        querystring: statsQuery,
        response: { 200: stats, ...authErrors },
      },
    },
    async (request) => {
      const { since, ...filter } = request.query;
      return service().stats(contextOf(request), { ...filter, since: since ? new Date(since) : undefined });
    },
  );

  app.get(
    "/approvals/:id",
    {
      config: decide,
      schema: {
        operationId: "getApproval",
        tags,
        summary: "One approval with its draft",
        params: idParams,
        response: { 200: approval, ...authErrors },
      },
    },
    async (request) => service().get(contextOf(request), request.params.id),
  );

  app.post(
    "/approvals/:id/approve",
    {
      config: decide,
      schema: {
        operationId: "approveApproval",
        tags,
        summary:
          "Approve: the draft is delivered as it is (409 with the winner's decision if already decided)",
        params: idParams,
        body: z.object({ notes }),
        response: { 200: approval, ...authErrors },
      },
    },
    async (request) =>
      service().decide(contextOf(request), request.params.id, { kind: "approve", notes: request.body.notes }),
  );

  app.post(
    "/approvals/:id/reject",
    {
      config: decide,
      schema: {
        operationId: "rejectApproval",
        tags,
        summary: "Reject: the requester gets the namespace's polite message instead",
        params: idParams,
        body: z.object({ notes }),
        response: { 200: approval, ...authErrors },
      },
    },
    async (request) =>
      service().decide(contextOf(request), request.params.id, { kind: "reject", notes: request.body.notes }),
  );

  app.post(
    "/approvals/:id/edit",
    {
      config: decide,
      schema: {
        operationId: "editApproval",
        tags,
        summary: "Edit: the edited text is delivered; the original draft is kept",
        params: idParams,
        body: z.object({ text: z.string().max(32_000), notes }),
        response: { 200: approval, ...authErrors },
      },
    },
    async (request) =>
      service().decide(contextOf(request), request.params.id, {
        kind: "edit",
        text: request.body.text,
        notes: request.body.notes,
      }),
  );

  app.post(
    "/approvals/:id/escalate",
    {
      config: decide,
      schema: {
        operationId: "escalateApproval",
        tags,
        summary: "Escalate to a named person with a reason (status escalated; still decidable)",
        params: idParams,
        body: z.object({ toUserId: z.uuid(), reason: z.string().max(4000) }),
        response: { 200: approval, ...authErrors },
      },
    },
    async (request) =>
      service().decide(contextOf(request), request.params.id, {
        kind: "escalate",
        toUserId: request.body.toUserId,
        reason: request.body.reason,
      }),
  );
};
