import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { approvals } from "../../src/db/schema/index.js";
import { createWorker } from "../../src/worker/index.js";
import {
  addMember,
  ask,
  call,
  createAgent,
  signUp,
  type TestChatModels,
  useChatApp,
} from "./chat-helpers.js";
import { audits, type TestApp, uniq } from "./identity-helpers.js";

const trainCsv = readFileSync(new URL("../fixtures/intents-mini/train.csv", import.meta.url), "utf8");
const LEAVE = "How many days of leave do I have left?";

/** A trained HR namespace, an employee and two approvers; `held()` makes a held reply. */
async function governedOrg(t: TestApp, models: TestChatModels) {
  const tenant = await signUp(t);
  const ns = await call(t, "POST", "/namespaces", {
    token: tenant.token,
    body: { departmentId: tenant.generalId, name: "HR desk", slug: uniq("hr") },
  });
  await call(t, "POST", `/namespaces/${ns.body.id}/intent-examples/import`, {
    token: tenant.token,
    body: { csv: trainCsv },
  });
  const agentId = await createAgent(t, tenant.token, { departmentId: tenant.generalId });
  const employee = await addMember(t, tenant.token, tenant.generalId, "employee", "Emma Employee");
  const outsider = await addMember(t, tenant.token, tenant.generalId, "approver", "Arno Approver");
  const member = await addMember(t, tenant.token, tenant.generalId, "approver", "Bea Approver");
  const held = async () => {
    const conversation = await call(t, "POST", "/conversations", {
      token: employee.token,
      body: { agentId, namespaceId: ns.body.id },
    });
    models.scripted.script({ text: "You have 12 days left." });
    const res = await ask(t, employee.token, conversation.body.id, LEAVE);
    expect(res.body.held, JSON.stringify(res.body)).toBeDefined();
    return res.body.held.approvalId as string;
  };
  const policy = (body: object) =>
    call(t, "PATCH", `/namespaces/${ns.body.id}/approval-policy`, { token: tenant.token, body });
  const group = async (name: string, memberIds: string[]) => {
    const res = await call(t, "POST", "/approver-groups", { token: tenant.token, body: { name, memberIds } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  return { tenant, namespaceId: ns.body.id as string, employee, outsider, member, held, policy, group };
}

const requested = async (t: TestApp, token: string, approvalId: string) =>
  (await call(t, "GET", "/notifications", { token })).body.items.some(
    (n: { type: string; entityId: string }) => n.type === "approval.requested" && n.entityId === approvalId,
  );

describe("approver groups", () => {
  const t = useChatApp();
  const db = () => t.context.container.database.db;

  it("only the policy's group reviews: a non-member approver is not told and cannot decide; a member can", async () => {
    const s = await governedOrg(t, t.models);
    const reviewers = await s.group("Reviewers", [s.member.id]);
    const listed = await call(t, "GET", "/approver-groups", { token: s.tenant.token });
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: reviewers, name: "Reviewers", memberIds: [s.member.id] }),
    ]);
    // Without a group, every approver of the department is told.
    const open = await s.held();
    expect(await requested(t, s.outsider.token, open)).toBe(true);

    expect((await s.policy({ approverGroupId: reviewers })).body).toMatchObject({
      approverGroupId: reviewers,
      departmentApproverGroups: {},
    });
    const id = await s.held();
    expect(await requested(t, s.member.token, id)).toBe(true);
    expect(await requested(t, s.outsider.token, id)).toBe(false);
    expect(await requested(t, s.tenant.token, id)).toBe(false);

    // The non-member approver (and the admin) cannot see or decide it: as for any approval they cannot decide.
    expect((await call(t, "GET", `/approvals/${id}`, { token: s.outsider.token })).status).toBe(404);
    const refused = await call(t, "POST", `/approvals/${id}/approve`, { token: s.outsider.token, body: {} });
    expect(refused.status).toBe(404);
    const inbox = await call(t, "GET", "/approvals?status=pending", { token: s.outsider.token });
    expect(inbox.body.items.map((a: { id: string }) => a.id)).not.toContain(id);
    // The earlier approval (held before the policy named the group) is the group's now too.
    expect((await call(t, "GET", `/approvals/${open}`, { token: s.outsider.token })).status).toBe(404);

    const approved = await call(t, "POST", `/approvals/${id}/approve`, { token: s.member.token, body: {} });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.status).toBe("approved");
    expect(await audits(t, s.tenant.orgId, "approver_group.created")).toHaveLength(1);
  });

  it("a department's group overrides the namespace's", async () => {
    const s = await governedOrg(t, t.models);
    const namespaceGroup = await s.group("Namespace reviewers", [s.member.id]);
    const departmentGroup = await s.group("General reviewers", [s.outsider.id]);
    const set = await s.policy({
      approverGroupId: namespaceGroup,
      departmentApproverGroups: { [s.tenant.generalId]: departmentGroup },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const id = await s.held();
    expect(await requested(t, s.outsider.token, id)).toBe(true);
    expect(await requested(t, s.member.token, id)).toBe(false);
    expect((await call(t, "GET", `/approvals/${id}`, { token: s.member.token })).status).toBe(404);
    const decided = await call(t, "POST", `/approvals/${id}/reject`, { token: s.outsider.token, body: {} });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
  });

  it("refuses members and groups of another organisation (400) and deleting a group in use (409)", async () => {
    const s = await governedOrg(t, t.models);
    const other = await signUp(t, "Other");
    const foreignGroup = await call(t, "POST", "/approver-groups", {
      token: other.token,
      body: { name: "Theirs" },
    });
    expect(foreignGroup.status).toBe(201);

    const foreignMember = await call(t, "POST", "/approver-groups", {
      token: s.tenant.token,
      body: { name: "Mixed", memberIds: [other.adminId] },
    });
    expect(foreignMember.status).toBe(400);
    expect(foreignMember.body.error).toMatchObject({
      code: "VALIDATION",
      details: { reason: "user_not_in_organisation" },
    });
    const reviewers = await s.group("Reviewers", [s.member.id]);
    const addForeign = await call(t, "PATCH", `/approver-groups/${reviewers}`, {
      token: s.tenant.token,
      body: { addMemberIds: [other.adminId] },
    });
    expect(addForeign.status).toBe(400);

    for (const body of [
      { approverGroupId: foreignGroup.body.id },
      { departmentApproverGroups: { [s.tenant.generalId]: foreignGroup.body.id } },
    ]) {
      const res = await s.policy(body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.details.reason).toBe("approver_group_not_in_organisation");
    }
    const foreignDepartment = await s.policy({ departmentApproverGroups: { [other.generalId]: reviewers } });
    expect(foreignDepartment.body.error.details.reason).toBe("department_not_in_organisation");
    // Another organisation's group is not found at all.
    expect(
      (await call(t, "GET", `/approver-groups/${foreignGroup.body.id}`, { token: s.tenant.token })).status,
    ).toBe(404);

    expect((await s.policy({ departmentApproverGroups: { [s.tenant.generalId]: reviewers } })).status).toBe(
      200,
    );
    const inUse = await call(t, "DELETE", `/approver-groups/${reviewers}`, { token: s.tenant.token });
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.details).toMatchObject({
      reason: "approver_group_in_use",
      namespaceIds: [s.namespaceId],
    });
    await s.policy({ departmentApproverGroups: {} });
    expect((await call(t, "DELETE", `/approver-groups/${reviewers}`, { token: s.tenant.token })).status).toBe(
      204,
    );
    expect((await call(t, "GET", `/approver-groups/${reviewers}`, { token: s.tenant.token })).status).toBe(
      404,
    );
    // Managing groups needs agents:manage.
    expect((await call(t, "GET", "/approver-groups", { token: s.member.token })).status).toBe(403);
    // A head of one department reads groups but may not change them: they are organisation-wide.
    const head = await addMember(t, s.tenant.token, s.tenant.generalId, "dept_head", "Hal Head");
    expect((await call(t, "GET", "/approver-groups", { token: head.token })).status).toBe(200);
    const byHead = await call(t, "POST", "/approver-groups", { token: head.token, body: { name: "Mine" } });
    expect(byHead.status).toBe(403);
  });

  it("a timeout escalates to the group's first approver, not to someone outside it", async () => {
    const s = await governedOrg(t, t.models);
    const reviewers = await s.group("Reviewers", [s.employee.id, s.member.id]);
    // The policy's named user is outside the group: the group wins.
    const set = await s.policy({
      approverGroupId: reviewers,
      dueMinutes: 5,
      onTimeout: "escalate",
      escalateToUserId: s.outsider.id,
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const id = await s.held();
    await db()
      .update(approvals)
      .set({ dueAt: new Date(Date.now() - 1000) })
      .where(eq(approvals.id, id));
    const worker = createWorker(t.context.container, { tickEveryMs: 0 });
    await worker.pollOnce(Date.now() + 60_000);
    await worker.stop(0);
    // The employee is a member but may not decide (and is the requester): the next member is chosen.
    const escalated = await call(t, "GET", `/approvals/${id}`, { token: s.member.token });
    expect(escalated.body).toMatchObject({ status: "escalated", escalatedToId: s.member.id });
  });
});
