import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import { authErrors, idParams, resourceName, timestamp } from "../../schemas/common.js";
import { named } from "../../schemas/named.js";

const group = named(
  z.object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    memberIds: z.array(z.uuid()).describe("Member user ids, in the order they were added"),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "ApproverGroup",
);

const members = z.array(z.uuid()).max(500);

const createBody = z.object({
  name: resourceName,
  description: z.string().trim().max(2000).nullish(),
  memberIds: members.optional(),
});

const updateBody = z
  .object({
    name: resourceName.optional(),
    description: z.string().trim().max(2000).nullable().optional(),
    addMemberIds: members.optional(),
    removeMemberIds: members.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), "send at least one field");

const tags = ["approvals"];

/** Named approver groups a namespace's approval policy may name (agents:manage, like the policy). */
export const approverGroupRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.approverGroups;
  const manage = { permission: "agents:manage" } as const;
  const one = { permission: "agents:manage", resource: "approverGroup" } as const;

  app.get(
    "/approver-groups",
    {
      config: manage,
      schema: {
        operationId: "listApproverGroups",
        tags,
        summary: "The organisation's approver groups",
        response: { 200: z.object({ items: z.array(group) }), ...authErrors },
      },
    },
    async (request) => service().list(contextOf(request)),
  );

  app.post(
    "/approver-groups",
    {
      config: manage,
      schema: {
        operationId: "createApproverGroup",
        tags,
        summary: "Create an approver group (members: active users of the organisation)",
        body: createBody,
        response: { 201: group, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service().create(contextOf(request), request.body)),
  );

  app.get(
    "/approver-groups/:id",
    {
      config: one,
      schema: {
        operationId: "getApproverGroup",
        tags,
        summary: "One approver group",
        params: idParams,
        response: { 200: group, ...authErrors },
      },
    },
    async (request) => service().get(contextOf(request), request.params.id),
  );

  app.patch(
    "/approver-groups/:id",
    {
      config: one,
      schema: {
        operationId: "updateApproverGroup",
        tags,
        summary: "Rename an approver group, or add and remove members",
        params: idParams,
        body: updateBody,
        response: { 200: group, ...authErrors },
      },
    },
    async (request) => service().update(contextOf(request), request.params.id, request.body),
  );

  app.delete(
    "/approver-groups/:id",
    {
      config: one,
      schema: {
        operationId: "deleteApproverGroup",
        tags,
        summary: "Delete an approver group (409 while an approval policy names it)",
        params: idParams,
        response: { 204: z.null(), ...authErrors },
      },
    },
    async (request, reply) => {
      await service().remove(contextOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
