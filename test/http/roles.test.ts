import { describe, expect, it } from "vitest";
import { ALL_PERMISSIONS } from "../../src/core/permissions.js";
import {
  addMember,
  audits,
  call,
  createDepartment,
  signUp,
  uniq,
  useIdentityApp,
} from "./identity-helpers.js";

describe("roles and permissions", () => {
  const t = useIdentityApp();

  it("serves the permission catalogue and the org's roles to any member", async () => {
    const tenant = await signUp(t);
    const employee = await addMember(t, tenant.token, tenant.generalId);
    const catalogue = await call(t, "GET", "/permissions", { token: employee.token });
    expect(catalogue.status).toBe(200);
    expect(catalogue.body.items.map((p: { key: string }) => p.key)).toEqual(ALL_PERMISSIONS);
    const roles = await call(t, "GET", "/roles", { token: employee.token });
    expect(roles.status).toBe(200);
    expect(roles.body.items.map((r: { slug: string }) => r.slug).sort()).toEqual(
      ["admin", "approver", "dept_head", "employee"].sort(),
    );
    const admin = roles.body.items.find((r: { slug: string }) => r.slug === "admin");
    expect((await call(t, "GET", `/roles/${admin.id}`, { token: employee.token })).body.isSystem).toBe(true);
    expect((await call(t, "GET", "/roles")).status).toBe(401);
  });

  it("creates, changes and deletes custom roles with audit rows", async () => {
    const tenant = await signUp(t);
    const sales = await createDepartment(t, tenant.token, "Sales");
    const slug = uniq("analyst-");
    const created = await call(t, "POST", "/roles", {
      token: tenant.token,
      body: { name: "Analyst", slug, permissions: ["kb:read", "analytics:read"], departmentIds: [sales] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      slug,
      isSystem: false,
      allDepartments: false,
      departmentIds: [sales],
    });
    const duplicate = await call(t, "POST", "/roles", {
      token: tenant.token,
      body: { name: "Again", slug, permissions: [] },
    });
    expect(duplicate.status).toBe(409);

    const changed = await call(t, "PATCH", `/roles/${created.body.id}`, {
      token: tenant.token,
      body: { permissions: ["kb:read"], description: "Reads reports" },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.permissions).toEqual(["kb:read"]);
    const deleted = await call(t, "DELETE", `/roles/${created.body.id}`, { token: tenant.token });
    expect(deleted.status).toBe(204);
    expect((await call(t, "GET", `/roles/${created.body.id}`, { token: tenant.token })).status).toBe(404);

    const actions = (await audits(t, tenant.orgId)).filter((a) => a.entityType === "role");
    expect(actions.map((a) => a.action)).toEqual(["role.created", "role.updated", "role.deleted"]);
    expect(actions[1]?.changes).toMatchObject({
      permissions: { from: ["kb:read", "analytics:read"], to: ["kb:read"] },
    });
  });

  it("rejects unknown permissions, foreign departments and empty patches", async () => {
    const tenant = await signUp(t);
    const other = await signUp(t, "Other");
    const bad = [
      { name: "X", slug: "x-role", permissions: ["kb:read", "launch:missiles"] },
      { name: "X", slug: "Bad Slug", permissions: [] },
      { name: "", slug: "x-role", permissions: [] },
    ];
    for (const body of bad) {
      const res = await call(t, "POST", "/roles", { token: tenant.token, body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION");
    }
    const foreign = await call(t, "POST", "/roles", {
      token: tenant.token,
      body: { name: "X", slug: "x-role", permissions: [], departmentIds: [other.generalId] },
    });
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.body)).not.toContain("General");
    const roles = await call(t, "GET", "/roles", { token: tenant.token });
    const employee = roles.body.items.find((r: { slug: string }) => r.slug === "employee");
    expect((await call(t, "PATCH", `/roles/${employee.id}`, { token: tenant.token, body: {} })).status).toBe(
      400,
    );
  });

  it("protects built-in roles: not deletable, slugs fixed, admin always all-powerful", async () => {
    const tenant = await signUp(t);
    const roles = (await call(t, "GET", "/roles", { token: tenant.token })).body.items as {
      id: string;
      slug: string;
    }[];
    const bySlug = (slug: string) => roles.find((r) => r.slug === slug)!.id;
    for (const role of roles) {
      const res = await call(t, "DELETE", `/roles/${role.id}`, { token: tenant.token });
      expect(res.status).toBe(412);
      expect(res.body.error.message).toBe("built-in roles cannot be deleted");
    }
    const rename = await call(t, "PATCH", `/roles/${bySlug("approver")}`, {
      token: tenant.token,
      body: { slug: "checker" },
    });
    expect(rename.status).toBe(412);
    const weaken = await call(t, "PATCH", `/roles/${bySlug("admin")}`, {
      token: tenant.token,
      body: { permissions: ["kb:read"] },
    });
    expect(weaken.status).toBe(412);
    const relabel = await call(t, "PATCH", `/roles/${bySlug("approver")}`, {
      token: tenant.token,
      body: { name: "Reviewer" },
    });
    expect(relabel.body).toMatchObject({ name: "Reviewer", slug: "approver" });
  });

  it("refuses to delete a role that is still assigned", async () => {
    const tenant = await signUp(t);
    const role = await call(t, "POST", "/roles", {
      token: tenant.token,
      body: { name: "Temp", slug: uniq("temp-"), permissions: ["chat:use"] },
    });
    const member = await addMember(t, tenant.token, tenant.generalId, role.body.slug);
    const res = await call(t, "DELETE", `/roles/${role.body.id}`, { token: tenant.token });
    expect(res.status).toBe(409);
    expect(res.body.error.details).toMatchObject({ users: 1 });
    await call(t, "PATCH", `/users/${member.id}`, { token: tenant.token, body: { role: "employee" } });
    expect((await call(t, "DELETE", `/roles/${role.body.id}`, { token: tenant.token })).status).toBe(204);
  });

  it("applies a role edit on the holder's next request", async () => {
    const tenant = await signUp(t);
    const role = await call(t, "POST", "/roles", {
      token: tenant.token,
      body: { name: "Helper", slug: uniq("helper-"), permissions: ["chat:use"] },
    });
    const helper = await addMember(t, tenant.token, tenant.generalId, role.body.slug);
    expect((await call(t, "GET", "/users", { token: helper.token })).status).toBe(403);
    const before = await call(t, "GET", "/auth/me", { token: helper.token });
    expect(before.body.permissions).toEqual(["chat:use"]);

    await call(t, "PATCH", `/roles/${role.body.id}`, {
      token: tenant.token,
      body: { permissions: ["chat:use", "users:manage"] },
    });
    expect((await call(t, "GET", "/users", { token: helper.token })).status).toBe(200);

    await call(t, "PATCH", `/roles/${role.body.id}`, {
      token: tenant.token,
      body: { permissions: ["chat:use"] },
    });
    expect((await call(t, "GET", "/users", { token: helper.token })).status).toBe(403);
  });

  it("stops role managers from writing roles beyond their own reach", async () => {
    const tenant = await signUp(t);
    const sales = await createDepartment(t, tenant.token, "Sales");
    const manager = await call(t, "POST", "/roles", {
      token: tenant.token,
      body: { name: "Role manager", slug: uniq("rm-"), permissions: ["roles:manage", "kb:read"] },
    });
    const rm = await addMember(t, tenant.token, tenant.generalId, manager.body.slug);
    const attempts = [
      { name: "Sneaky", slug: "sneaky", permissions: ["org:admin"] },
      { name: "Sneaky", slug: "sneaky", permissions: ["kb:read"], allDepartments: true },
    ];
    for (const body of attempts) {
      const res = await call(t, "POST", "/roles", { token: rm.token, body });
      expect(res.status).toBe(403);
    }
    const hidden = await call(t, "POST", "/roles", {
      token: rm.token,
      body: { name: "Sneaky", slug: "sneaky", permissions: ["kb:read"], departmentIds: [sales] },
    });
    expect(hidden.status).toBe(404);
    const roles = (await call(t, "GET", "/roles", { token: rm.token })).body.items as {
      id: string;
      slug: string;
    }[];
    const admin = roles.find((r) => r.slug === "admin")!;
    const relabel = await call(t, "PATCH", `/roles/${admin.id}`, { token: rm.token, body: { name: "Mine" } });
    expect(relabel.status).toBe(403);
    const ok = await call(t, "POST", "/roles", {
      token: rm.token,
      body: {
        name: "Reader",
        slug: uniq("reader-"),
        permissions: ["kb:read"],
        departmentIds: [tenant.generalId],
      },
    });
    expect(ok.status).toBe(201);
    const employee = await addMember(t, tenant.token, tenant.generalId);
    expect((await call(t, "POST", "/roles", { token: employee.token, body: attempts[0] })).status).toBe(403);
  });
});
