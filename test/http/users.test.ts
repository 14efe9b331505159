import { beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  audits,
  call,
  createDepartment,
  login,
  type Member,
  PASSWORD,
  signUp,
  type Tenant,
  useIdentityApp,
} from "./identity-helpers.js";

describe("users", () => {
  const t = useIdentityApp();
  let tenant: Tenant;
  let sales: string;
  let head: Member; // dept_head of General, where the admin also sits
  let clerk: Member; // employee of General
  let seller: Member; // employee of Sales

  beforeAll(async () => {
    tenant = await signUp(t);
    sales = await createDepartment(t, tenant.token, "Sales");
    head = await addMember(t, tenant.token, tenant.generalId, "dept_head", "Hana Head");
    clerk = await addMember(t, tenant.token, tenant.generalId, "employee", "Carl Clerk");
    seller = await addMember(t, tenant.token, sales, "employee", "Sven Seller");
  });

  it("lists users with search and pagination, scoped to visible departments", async () => {
    const all = await call(t, "GET", "/users?pageSize=2", { token: tenant.token });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 4, pageSize: 2, totalPages: 2 });
    const page2 = await call(t, "GET", "/users?pageSize=2&page=2", { token: tenant.token });
    const ids = [...all.body.items, ...page2.body.items].map((u: { id: string }) => u.id);
    expect(new Set(ids).size).toBe(4);
    const found = await call(t, "GET", "/users?search=sven", { token: tenant.token });
    expect(found.body.items.map((u: { id: string }) => u.id)).toEqual([seller.id]);
    const byEmail = await call(t, "GET", `/users?search=${encodeURIComponent(clerk.email)}`, {
      token: tenant.token,
    });
    expect(byEmail.body.items.map((u: { id: string }) => u.id)).toEqual([clerk.id]);
    const wildcard = await call(t, "GET", "/users?search=%25", { token: tenant.token });
    expect(wildcard.body.total).toBe(0);

    const scoped = await call(t, "GET", "/users?pageSize=100", { token: head.token });
    expect(scoped.body.items.map((u: { id: string }) => u.id).sort()).toEqual(
      [tenant.adminId, head.id, clerk.id].sort(),
    );
    expect((await call(t, "GET", `/users/${seller.id}`, { token: head.token })).status).toBe(404);
    expect((await call(t, "GET", "/users", { token: clerk.token })).status).toBe(403);
    expect((await call(t, "GET", "/users?pageSize=1000", { token: tenant.token })).status).toBe(400);
  });

  it("lets anyone read their own record but nobody else's without users:manage", async () => {
    const own = await call(t, "GET", `/users/${clerk.id}`, { token: clerk.token });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: clerk.id, role: "employee", departmentId: tenant.generalId });
    expect((await call(t, "GET", `/users/${head.id}`, { token: clerk.token })).status).toBe(403);
    expect((await call(t, "GET", "/users/not-a-uuid", { token: tenant.token })).status).toBe(400);
  });

  it("changes profile fields and roles, keeping the legacy role in sync, audited", async () => {
    const member = await addMember(t, tenant.token, sales);
    const profile = await call(t, "PATCH", `/users/${member.id}`, {
      token: tenant.token,
      body: { name: "Renamed", phone: "+44 20 7946 0000", avatarUrl: "https://example.test/a.png" },
    });
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ name: "Renamed", phone: "+44 20 7946 0000" });
    const promoted = await call(t, "PATCH", `/users/${member.id}`, {
      token: tenant.token,
      body: { role: "approver" },
    });
    const roles = (await call(t, "GET", "/roles", { token: tenant.token })).body.items as {
      id: string;
      slug: string;
    }[];
    expect(promoted.body).toMatchObject({
      role: "approver",
      roleId: roles.find((r) => r.slug === "approver")!.id,
    });
    const custom = await call(t, "POST", "/roles", {
      token: tenant.token,
      body: { name: "Custom", slug: "custom-reader", permissions: ["kb:read"] },
    });
    const moved = await call(t, "PATCH", `/users/${member.id}`, {
      token: tenant.token,
      body: { roleId: custom.body.id },
    });
    expect(moved.body).toMatchObject({ role: "employee", roleId: custom.body.id });
    const me = await call(t, "GET", "/auth/me", { token: member.token });
    expect(me.body.permissions).toEqual(["kb:read"]);

    const rows = (await audits(t, tenant.orgId)).filter((a) => a.entityId === member.id);
    expect(rows.map((a) => a.action)).toEqual([
      "user.created",
      "user.updated",
      "user.role_changed",
      "user.role_changed",
    ]);
    expect(rows[1]?.changes).toMatchObject({ name: { from: "Mia Member", to: "Renamed" } });
    expect(rows[2]?.changes).toMatchObject({ role: { from: "employee", to: "approver" } });
    expect(
      (await call(t, "PATCH", `/users/${member.id}`, { token: tenant.token, body: { role: "ghost" } }))
        .status,
    ).toBe(404);
  });

  it("grants and revokes permissions and departments from the catalogue only", async () => {
    const member = await addMember(t, tenant.token, tenant.generalId);
    const granted = await call(t, "PATCH", `/users/${member.id}`, {
      token: tenant.token,
      body: {
        extraPermissions: ["analytics:read"],
        revokedPermissions: ["chat:use"],
        extraDepartmentIds: [sales],
      },
    });
    expect(granted.status).toBe(200);
    const me = await call(t, "GET", "/auth/me", { token: member.token });
    expect(me.body.permissions.sort()).toEqual(["analytics:read", "kb:read"]);
    expect(me.body.departmentIds.sort()).toEqual([tenant.generalId, sales].sort());
    const actions = (await audits(t, tenant.orgId))
      .filter((a) => a.entityId === member.id)
      .map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["user.permissions_changed", "user.departments_changed"]));

    const revoked = await call(t, "PATCH", `/users/${member.id}`, {
      token: tenant.token,
      body: { extraDepartmentIds: [], revokedDepartmentIds: [tenant.generalId] },
    });
    expect(revoked.status).toBe(200);
    expect((await call(t, "GET", "/auth/me", { token: member.token })).body.departmentIds).toEqual([]);

    const invalid = await call(t, "PATCH", `/users/${member.id}`, {
      token: tenant.token,
      body: { extraPermissions: ["root"] },
    });
    expect(invalid.status).toBe(400);
    const other = await signUp(t, "Elsewhere");
    const foreign = await call(t, "PATCH", `/users/${member.id}`, {
      token: tenant.token,
      body: { extraDepartmentIds: [other.generalId] },
    });
    expect(foreign.status).toBe(404);
  });

  it("stops a department head from escalating privileges", async () => {
    const attempts: [string, unknown][] = [
      [clerk.id, { extraPermissions: ["audit:read"] }],
      [clerk.id, { role: "admin" }],
      [tenant.adminId, { name: "Demoted" }],
      [tenant.adminId, { role: "employee" }],
    ];
    for (const [id, body] of attempts) {
      const res = await call(t, "PATCH", `/users/${id}`, { token: head.token, body });
      expect(res.status, JSON.stringify(body)).toBe(403);
    }
    const hiddenDept = await call(t, "PATCH", `/users/${clerk.id}`, {
      token: head.token,
      body: { extraDepartmentIds: [sales] },
    });
    expect(hiddenDept.status).toBe(404);
    expect((await call(t, "POST", `/users/${tenant.adminId}/deactivate`, { token: head.token })).status).toBe(
      403,
    );
    expect(
      (await call(t, "PATCH", `/users/${head.id}`, { token: head.token, body: { role: "admin" } })).status,
    ).toBe(403);
    const invite = await call(t, "POST", "/invitations", {
      token: head.token,
      body: { email: "boss@example.test", departmentId: tenant.generalId, role: "admin" },
    });
    expect(invite.status).toBe(403);
    // Within their reach it works: the head can make the clerk an approver of their department.
    const allowed = await call(t, "PATCH", `/users/${clerk.id}`, {
      token: head.token,
      body: { role: "approver" },
    });
    expect(allowed.status).toBe(200);
    expect((await call(t, "GET", `/users/${clerk.id}`, { token: tenant.token })).body.name).toBe(
      "Carl Clerk",
    );
  });

  it("refuses self-service access changes and self-deactivation", async () => {
    const self = await call(t, "PATCH", `/users/${tenant.adminId}`, {
      token: tenant.token,
      body: { revokedPermissions: ["org:admin"] },
    });
    expect(self.status).toBe(403);
    expect(
      (await call(t, "POST", `/users/${tenant.adminId}/deactivate`, { token: tenant.token })).status,
    ).toBe(403);
  });

  it("deactivates: tokens die at once, sign-in and refresh are refused; reactivation restores sign-in", async () => {
    const member = await addMember(t, tenant.token, sales);
    expect((await call(t, "GET", "/auth/me", { token: member.token })).status).toBe(200);
    const res = await call(t, "POST", `/users/${member.id}/deactivate`, { token: tenant.token });
    expect(res.status).toBe(200);
    expect(res.body.isActive).toBe(false);
    expect((await call(t, "GET", "/auth/me", { token: member.token })).status).toBe(401);
    expect((await login(t, member.email)).status).toBe(401);
    const refresh = await call(t, "POST", "/auth/refresh", { body: { refreshToken: member.refreshToken } });
    expect(refresh.status).toBe(401);
    const [row] = await audits(t, tenant.orgId, "user.deactivated");
    expect(row).toMatchObject({ entityId: member.id, userId: tenant.adminId });

    expect(
      (await call(t, "POST", `/users/${member.id}/reactivate`, { token: tenant.token })).body.isActive,
    ).toBe(true);
    const again = await login(t, member.email);
    expect(again.status).toBe(200);
    expect((await call(t, "GET", "/auth/me", { token: again.body.accessToken })).status).toBe(200);
    expect((await call(t, "GET", "/auth/me", { token: member.token })).status).toBe(401);
  });

  it("transfers only between departments the caller can see, never into an archived one", async () => {
    const member = await addMember(t, tenant.token, tenant.generalId);
    const hidden = await call(t, "POST", `/users/${member.id}/transfer`, {
      token: head.token,
      body: { departmentId: sales },
    });
    expect(hidden.status).toBe(404);
    const outsider = await call(t, "POST", `/users/${seller.id}/transfer`, {
      token: head.token,
      body: { departmentId: tenant.generalId },
    });
    expect(outsider.status).toBe(404);
    const archived = await createDepartment(t, tenant.token, "Old");
    await call(t, "POST", `/departments/${archived}/archive`, { token: tenant.token });
    const res = await call(t, "POST", `/users/${member.id}/transfer`, {
      token: tenant.token,
      body: { departmentId: archived },
    });
    expect(res.status).toBe(412);
  });

  it("lets users edit their own profile and change their password", async () => {
    const member = await addMember(t, tenant.token, sales);
    const me = await call(t, "PATCH", "/users/me", {
      token: member.token,
      body: { name: "New Me", phone: null },
    });
    expect(me.status).toBe(200);
    expect(me.body.name).toBe("New Me");
    const sneaky = await call(t, "PATCH", "/users/me", { token: member.token, body: { role: "admin" } });
    expect(sneaky.status).toBe(400);

    const wrong = await call(t, "POST", "/users/me/password", {
      token: member.token,
      body: { currentPassword: "not-my-password", newPassword: "another-long-password" },
    });
    expect(wrong.status).toBe(400);
    const weak = await call(t, "POST", "/users/me/password", {
      token: member.token,
      body: { currentPassword: PASSWORD, newPassword: "short" },
    });
    expect(weak.status).toBe(400);
    const changed = await call(t, "POST", "/users/me/password", {
      token: member.token,
      body: { currentPassword: PASSWORD, newPassword: "another-long-password" },
    });
    expect(changed.status).toBe(200);
    expect((await call(t, "GET", "/auth/me", { token: member.token })).status).toBe(401);
    expect(
      (await call(t, "POST", "/auth/refresh", { body: { refreshToken: member.refreshToken } })).status,
    ).toBe(401);
    expect((await call(t, "GET", "/auth/me", { token: changed.body.accessToken })).status).toBe(200);
    expect((await login(t, member.email)).status).toBe(401);
    expect((await login(t, member.email, "another-long-password")).status).toBe(200);
    const [row] = await audits(t, tenant.orgId, "user.password_changed");
    expect(row?.entityId).toBe(member.id);
    expect(JSON.stringify(row?.changes)).not.toContain("another-long-password");
  });
});
