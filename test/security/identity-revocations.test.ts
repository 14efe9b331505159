import { describe, expect, it } from "vitest";
import { ALL_PERMISSIONS } from "../../src/core/permissions.js";
import {
  addMember,
  call,
  createDepartment,
  signUp,
  type Tenant,
  uniq,
  useIdentityApp,
} from "../http/identity-helpers.js";

/**
 * Finding 4: lifting a revocation grants what was revoked, so it needs exactly the checks granting
 * needs; and nobody changes their own access, whether with a token or with an API key acting for them.
 */
describe("security: lifting revocations", () => {
  const t = useIdentityApp();

  async function customRole(tenant: Tenant, permissions: string[], departmentIds: string[] = []) {
    const res = await call(t, "POST", "/roles", {
      token: tenant.token,
      body: { name: uniq("Role "), slug: uniq("role-"), permissions, departmentIds },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; slug: string };
  }

  const me = async (token: string) => (await call(t, "GET", "/auth/me", { token })).body;

  it("refuses to lift a revoked permission the caller does not hold; nothing changes", async () => {
    const tenant = await signUp(t);
    const head = await addMember(t, tenant.token, tenant.generalId, "dept_head", "Hana Head");
    const auditor = await customRole(tenant, ["kb:read", "chat:use", "audit:read"]);
    const user = await addMember(t, tenant.token, tenant.generalId, auditor.slug, "Uma User");
    const revoke = await call(t, "PATCH", `/users/${user.id}`, {
      token: tenant.token,
      body: { revokedPermissions: ["audit:read"] },
    });
    expect(revoke.status).toBe(200);
    expect((await me(user.token)).permissions).not.toContain("audit:read");

    const lift = await call(t, "PATCH", `/users/${user.id}`, {
      token: head.token,
      body: { revokedPermissions: [] },
    });
    expect(lift.status, JSON.stringify(lift.body)).toBe(403);
    expect(lift.body.error.details).toMatchObject({ permissions: ["audit:read"] });
    expect((await me(user.token)).permissions).not.toContain("audit:read");
    const stored = await call(t, "GET", `/users/${user.id}`, { token: tenant.token });
    expect(stored.body.revokedPermissions).toEqual(["audit:read"]);
  });

  it("lets a manager lift a revocation of a permission they hold", async () => {
    const tenant = await signUp(t);
    const head = await addMember(t, tenant.token, tenant.generalId, "dept_head", "Hana Head");
    const user = await addMember(t, tenant.token, tenant.generalId, "employee", "Eve Employee");
    await call(t, "PATCH", `/users/${user.id}`, {
      token: tenant.token,
      body: { revokedPermissions: ["chat:use"] },
    });
    const lift = await call(t, "PATCH", `/users/${user.id}`, {
      token: head.token,
      body: { revokedPermissions: [] },
    });
    expect(lift.status, JSON.stringify(lift.body)).toBe(200);
    expect((await me(user.token)).permissions).toContain("chat:use");
  });

  it("keeps a revoked department the manager cannot see revoked; one they see can be lifted", async () => {
    const tenant = await signUp(t);
    const itDept = await createDepartment(t, tenant.token, "IT");
    const head = await addMember(t, tenant.token, tenant.generalId, "dept_head", "Hana Head");
    const viewer = await customRole(tenant, ["kb:read"], [itDept]);
    const user = await addMember(t, tenant.token, tenant.generalId, viewer.slug, "Walt Watcher");
    await call(t, "PATCH", `/users/${user.id}`, {
      token: tenant.token,
      body: { revokedDepartmentIds: [itDept, tenant.generalId] },
    });
    expect((await me(user.token)).departmentIds).toEqual([]);

    const lift = await call(t, "PATCH", `/users/${user.id}`, {
      token: head.token,
      body: { revokedDepartmentIds: [] },
    });
    expect(lift.status, JSON.stringify(lift.body)).toBe(200);
    // The department the head sees comes back; the hidden one stays revoked and is not shown.
    expect((await me(user.token)).departmentIds).toEqual([tenant.generalId]);
    expect(lift.body.revokedDepartmentIds).toEqual([]);
    const stored = await call(t, "GET", `/users/${user.id}`, { token: tenant.token });
    expect(stored.body.revokedDepartmentIds).toEqual([itDept]);
    const named = await call(t, "PATCH", `/users/${user.id}`, {
      token: head.token,
      body: { extraDepartmentIds: [itDept] },
    });
    expect(named.status).toBe(404);
  });

  it("an API key cannot change its owner's own access (no self-service through a key)", async () => {
    const tenant = await signUp(t);
    const second = await addMember(t, tenant.token, tenant.generalId, "admin", "Ada Admin");
    await call(t, "PATCH", `/users/${second.id}`, {
      token: tenant.token,
      body: { revokedPermissions: ["audit:read"] },
    });
    const key = await call(t, "POST", "/api-keys", {
      token: second.token,
      // Everything its owner holds, so only the self-service rule stands in the way.
      body: {
        name: "sync",
        permissions: ALL_PERMISSIONS.filter((p) => p !== "audit:read"),
        allDepartments: true,
      },
    });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    for (const body of [{ revokedPermissions: [] }, { role: "employee" }, { extraDepartmentIds: [] }]) {
      const res = await call(t, "PATCH", `/users/${second.id}`, { token: key.body.key, body });
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body.error.message).toMatch(/your own/);
    }
    const stored = await call(t, "GET", `/users/${second.id}`, { token: tenant.token });
    expect(stored.body).toMatchObject({ role: "admin", revokedPermissions: ["audit:read"] });
    // The key still manages other people.
    const other = await addMember(t, tenant.token, tenant.generalId, "employee", "Otto Other");
    const ok = await call(t, "PATCH", `/users/${other.id}`, {
      token: key.body.key,
      body: { role: "approver" },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });
});
