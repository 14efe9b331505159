import { randomUUID } from "node:crypto";
import { makeMessage } from "../factories/conversations.js";
import { conversationIn } from "./conversation-fixture.js";
import type { ExampleContext, ResourceFixture } from "./resource-fixtures.js";
import { marker } from "./world.js";

/**
 * Isolation-matrix fixtures of approvals and notifications: a held reply with its pending approval
 * in a conversation of the scope's department, and a notification of a person of the scope (the
 * org admin's own when visible, so the control case reaches it).
 */
export const approvalFixtures: Record<string, ResourceFixture> = {
  approval: {
    visibility: "department",
    async create(world, scope, kind) {
      const conversation = await conversationIn(world, scope, kind);
      const row = await world.repos.conversations.findById(conversation.id);
      const draft = `Held draft ${marker(kind, "draft")}`;
      const message = await makeMessage(world.repos, row!, {
        role: "assistant",
        content: draft,
        heldForApproval: true,
      });
      const intent = marker(kind, "held-intent");
      const approval = await world.repos.approvals.create({
        orgId: scope.orgId,
        departmentId: scope.departmentId,
        conversationId: conversation.id,
        messageId: message.id,
        requesterId: row!.userId,
        intentName: intent,
        intentConfidence: 0.8,
        dueAt: new Date(Date.now() + 3_600_000),
      });
      return {
        id: approval.id,
        identifiers: [...conversation.identifiers, approval.id, draft, intent, message.id],
      };
    },
  },

  /** An approver group: organisation-wide; a hidden one has a member of the scope's department. */
  approverGroup: {
    visibility: "organisation",
    async create(world, scope, kind) {
      const name = marker(kind, "approver-group");
      const group = await world.repos.approverGroups.create({ orgId: scope.orgId, name });
      const members = kind === "hidden" ? [(await hiddenPerson(world, scope)).id] : [];
      await world.repos.approverGroups.setMembers(scope.orgId, group.id, members);
      return { id: group.id, identifiers: [group.id, name, ...members] };
    },
  },

  notification: {
    visibility: "department",
    async create(world, scope, kind) {
      const userId =
        kind === "visible"
          ? scope.orgId === world.orgA.org.id
            ? world.orgA.users.admin.id
            : world.orgB.admin.id
          : (await hiddenPerson(world, scope)).id;
      const title = marker(kind, "notification");
      const row = await world.repos.notifications.create({
        orgId: scope.orgId,
        userId,
        type: "approval.requested",
        title,
        body: marker(kind, "notification-body"),
        entityType: "approval",
        entityId: randomUUID(),
      });
      return { id: row.id, identifiers: [row.id, title, row.body!] };
    },
  },
};

async function hiddenPerson(
  world: Parameters<ResourceFixture["create"]>[0],
  scope: { orgId: string; departmentId: string },
) {
  const name = marker("hidden", "notified");
  const role = await world.repos.systemRoles.findBySlug(scope.orgId, "approver");
  const user = await world.repos.users.create({
    orgId: scope.orgId,
    email: `${name}@example.test`,
    name,
    role: "approver",
    roleId: role?.id ?? null,
    departmentId: scope.departmentId,
  });
  await world.repos.orgMembers.create({ orgId: scope.orgId, userId: user.id, role: "member" });
  return user;
}

export const approvalExampleBodies: Record<string, (ctx: ExampleContext) => unknown> = {
  "POST /approvals/:id/approve": () => ({ notes: marker("visible", "approve-notes") }),
  "POST /approvals/:id/reject": () => ({ notes: marker("visible", "reject-notes") }),
  "POST /approvals/:id/edit": () => ({ text: `Edited reply ${marker("visible", "edited")}` }),
  "POST /approvals/:id/escalate": ({ world }) => ({
    toUserId: world.orgA.users.admin.id,
    reason: marker("visible", "escalation"),
  }),
  "PATCH /namespaces/:id/trust/:intent": () => ({ threshold: 3, samplingRate: 0.2 }),
  "PUT /notifications/preferences": () => ({ email: true }),
  "POST /approver-groups": ({ world }) => ({
    name: marker("visible", "approver-group-new"),
    memberIds: [world.orgA.users.admin.id],
  }),
  "PATCH /approver-groups/:id": ({ world }) => ({ addMemberIds: [world.orgA.users.admin.id] }),
  "PATCH /namespaces/:id/approval-policy": () => ({
    dueMinutes: 30,
    rejectionMessage: "We cannot answer that here.",
  }),
};

export const approvalPathParams: Record<string, (ctx: ExampleContext) => Record<string, string>> = {
  "PATCH /namespaces/:id/trust/:intent": () => ({ intent: "leave_balance" }),
  "POST /namespaces/:id/trust/:intent/promote": () => ({ intent: "leave_balance" }),
  "POST /namespaces/:id/trust/:intent/demote": () => ({ intent: "leave_balance" }),
};
