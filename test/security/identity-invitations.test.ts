import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { orgMembers, users } from "../../src/db/schema/index.js";
import { systemContext } from "../../src/services/orgs/system-context.js";
import {
  addMember,
  call,
  createDepartment,
  login,
  PASSWORD,
  signUp,
  uniq,
  useIdentityApp,
} from "../http/identity-helpers.js";

/**
 * Finding 6: an invitation grants only what its inviter could grant directly — when it is created and,
 * with the inviter's access at that moment, when it is accepted; accepting never lowers an existing
 * account's role; and org_members.role always agrees with the user's role.
 */
describe("security: invitations grant no more than their inviter could", () => {
  const t = useIdentityApp();
  const invite = (token: string, body: Record<string, unknown>) =>
    call(t, "POST", "/invitations", { token, body });
  const accept = (token: string, password = PASSWORD) =>
    call(t, "POST", "/invitations/accept", { body: { token, name: "Ines Invitee", password } });
  const userOf = async (adminToken: string, id: string) =>
    (await call(t, "GET", `/users/${id}`, { token: adminToken })).body;

  /** Every user of the organisation has a membership, and it says admin exactly when the user is one. */
  async function expectMembershipsAgree(orgId: string) {
    const rows = await t.context.container.database.db
      .select({ id: users.id, role: users.role, member: orgMembers.role })
      .from(users)
      .leftJoin(orgMembers, and(eq(orgMembers.userId, users.id), eq(orgMembers.orgId, users.orgId)))
      .where(eq(users.orgId, orgId));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.member, `membership of ${row.id}`).not.toBeNull();
      expect(
        row.member === "owner" || row.member === "admin",
        `user ${row.id} is ${row.role}, member ${row.member}`,
      ).toBe(row.role === "admin");
    }
  }

  it("a department head cannot demote an administrator through an invitation", async () => {
    const tenant = await signUp(t);
    const sales = await createDepartment(t, tenant.token, "Sales");
    const head = await addMember(t, tenant.token, tenant.generalId, "dept_head", "Hana Head");
    const admin = await addMember(t, tenant.token, sales, "admin", "Ada Admin");
    // The head cannot see Sales, so the invitation is taken (nothing revealed), and refused on acceptance.
    const sent = await invite(head.token, {
      email: admin.email,
      departmentId: tenant.generalId,
      role: "employee",
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const res = await accept(sent.body.token);
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(await userOf(tenant.token, admin.id)).toMatchObject({ role: "admin", departmentId: sales });
    expect((await call(t, "GET", "/auth/me", { token: admin.token })).body.permissions).toContain(
      "org:admin",
    );
    await expectMembershipsAgree(tenant.orgId);

    // An administrator the head can see is refused when the invitation is made.
    const nearby = await addMember(t, tenant.token, tenant.generalId, "admin", "Nia Nearby");
    const direct = await invite(head.token, { email: nearby.email, departmentId: tenant.generalId });
    expect(direct.status, JSON.stringify(direct.body)).toBe(403);
  });

  it("checks the inviter's access again when the invitation is accepted", async () => {
    const tenant = await signUp(t);
    const head = await addMember(t, tenant.token, tenant.generalId, "dept_head", "Hana Head");
    const email = `${uniq("late")}@example.test`;
    const sent = await invite(head.token, { email, departmentId: tenant.generalId, role: "approver" });
    expect(sent.status).toBe(201);
    const demoted = await call(t, "PATCH", `/users/${head.id}`, {
      token: tenant.token,
      body: { role: "employee" },
    });
    expect(demoted.status).toBe(200);
    const res = await accept(sent.body.token);
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect((await login(t, email)).status).toBe(401);

    const second = await addMember(t, tenant.token, tenant.generalId, "dept_head", "Hal Head");
    const other = `${uniq("gone")}@example.test`;
    const pending = await invite(second.token, { email: other, departmentId: tenant.generalId });
    await call(t, "POST", `/users/${second.id}/deactivate`, { token: tenant.token });
    expect((await accept(pending.body.token)).status).toBe(403);
    expect((await login(t, other)).status).toBe(401);
    await expectMembershipsAgree(tenant.orgId);
  });

  it("never lowers an existing member's role silently; a promotion or a lateral move is accepted", async () => {
    const tenant = await signUp(t);
    const sales = await createDepartment(t, tenant.token, "Sales");
    const head = await addMember(t, tenant.token, tenant.generalId, "dept_head", "Dora Head");
    const lower = await invite(tenant.token, { email: head.email, departmentId: sales, role: "employee" });
    const refused = await accept(lower.body.token);
    expect(refused.status, JSON.stringify(refused.body)).toBe(412);
    expect(refused.body.error.message).toMatch(/lower your role/);
    expect(await userOf(tenant.token, head.id)).toMatchObject({
      role: "dept_head",
      departmentId: tenant.generalId,
    });

    const same = await invite(tenant.token, { email: head.email, departmentId: sales, role: "dept_head" });
    expect((await accept(same.body.token)).status).toBe(200);
    const up = await invite(tenant.token, { email: head.email, departmentId: sales, role: "admin" });
    const promoted = await accept(up.body.token);
    expect(promoted.status).toBe(200);
    expect(promoted.body.user).toMatchObject({ role: "admin", departmentId: sales });
    await expectMembershipsAgree(tenant.orgId);
  });

  it("keeps org_members.role in step with the user's role through every flow", async () => {
    const tenant = await signUp(t);
    await expectMembershipsAgree(tenant.orgId);
    const invitedAdmin = await addMember(t, tenant.token, tenant.generalId, "admin", "Ivo Invited");
    await expectMembershipsAgree(tenant.orgId);
    const employee = await addMember(t, tenant.token, tenant.generalId, "employee", "Emma Employee");
    expect(
      (await call(t, "PATCH", `/users/${employee.id}`, { token: tenant.token, body: { role: "admin" } }))
        .status,
    ).toBe(200);
    await expectMembershipsAgree(tenant.orgId);
    expect(
      (
        await call(t, "PATCH", `/users/${invitedAdmin.id}`, {
          token: tenant.token,
          body: { role: "approver" },
        })
      ).status,
    ).toBe(200);
    await expectMembershipsAgree(tenant.orgId);
    // The owner demoted by another administrator is no longer an owner.
    expect(
      (
        await call(t, "PATCH", `/users/${tenant.adminId}`, {
          token: employee.token,
          body: { role: "employee" },
        })
      ).status,
    ).toBe(200);
    await expectMembershipsAgree(tenant.orgId);
    const { container } = t.context;
    const ctx = systemContext(tenant.orgId, container.database.db, container.logger);
    await container.services.users.createAdmin(ctx, {
      email: `${uniq("cli")}@example.test`,
      name: "Cli Admin",
      password: PASSWORD,
    });
    await expectMembershipsAgree(tenant.orgId);
  });
});
