import { describe, expect, it } from "vitest";
import {
  addMember,
  call,
  createDepartment,
  signUp,
  type TestApp,
  uniq,
  useIdentityApp,
} from "../http/identity-helpers.js";

/**
 * Finding 2: a role whose reach is "the holder's own department" (allDepartments false, no
 * departmentIds) applies in every department, so only a caller who reaches every department may create,
 * edit or delete one. Roles are listed to every member, so the refusal is 403 (hiding them is pointless),
 * the same answer as the other "beyond your reach" checks of roles.
 */
describe("security: a department-limited role manager cannot touch roles that apply everywhere", () => {
  const t = useIdentityApp();

  async function world() {
    const tenant = await signUp(t);
    const sales = await createDepartment(t, tenant.token, "Sales");
    const it = await createDepartment(t, tenant.token, "IT");
    const managerRole = await call(t, "POST", "/roles", {
      token: tenant.token,
      body: {
        name: "Sales role manager",
        slug: uniq("sales-roles-"),
        permissions: ["roles:manage", "users:manage", "chat:use", "kb:read"],
        departmentIds: [sales],
      },
    });
    expect(managerRole.status, JSON.stringify(managerRole.body)).toBe(201);
    const manager = await addMember(t, tenant.token, sales, managerRole.body.slug, "Rita Roles");
    const roles = (await call(t, "GET", "/roles", { token: tenant.token })).body.items as Array<{
      id: string;
      slug: string;
      permissions: string[];
      name: string;
    }>;
    const employeeRole = roles.find((r) => r.slug === "employee")!;
    return { tenant, sales, it, manager, employeeRole };
  }

  const roleOf = async (t: TestApp, token: string, id: string) =>
    (await call(t, "GET", `/roles/${id}`, { token })).body;

  it("refuses edits of a built-in own-department role (permissions, name) and changes nothing", async () => {
    const { tenant, manager, employeeRole } = await world();
    const before = await roleOf(t, tenant.token, employeeRole.id);
    for (const body of [
      { permissions: ["kb:read"] },
      { permissions: ["kb:read", "chat:use", "users:manage"] },
      { name: "Staff" },
    ]) {
      const res = await call(t, "PATCH", `/roles/${employeeRole.id}`, { token: manager.token, body });
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body.error.code).toBe("FORBIDDEN");
      expect(res.body.error.message).toMatch(/every department/);
    }
    expect(await roleOf(t, tenant.token, employeeRole.id)).toEqual(before);
    // An organisation-wide administrator still may.
    const admin = await call(t, "PATCH", `/roles/${employeeRole.id}`, {
      token: tenant.token,
      body: { description: "Talks to the assistants" },
    });
    expect(admin.status).toBe(200);
  });

  it("refuses to create an own-department role, but creates one limited to its own departments", async () => {
    const { tenant, sales, manager } = await world();
    const slug = uniq("everywhere-");
    const res = await call(t, "POST", "/roles", {
      token: manager.token,
      body: { name: "Everywhere helper", slug, permissions: ["chat:use"] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    const slugs = (await call(t, "GET", "/roles", { token: tenant.token })).body.items.map(
      (r: { slug: string }) => r.slug,
    );
    expect(slugs).not.toContain(slug);
    const limited = await call(t, "POST", "/roles", {
      token: manager.token,
      body: {
        name: "Sales helper",
        slug: uniq("sales-helper-"),
        permissions: ["chat:use"],
        departmentIds: [sales],
      },
    });
    expect(limited.status, JSON.stringify(limited.body)).toBe(201);
  });

  it("refuses to delete an own-department custom role; the role stays", async () => {
    const { tenant, manager } = await world();
    const role = await call(t, "POST", "/roles", {
      token: tenant.token,
      body: { name: "Everyone reader", slug: uniq("reader-"), permissions: ["kb:read"] },
    });
    expect(role.status).toBe(201);
    const res = await call(t, "DELETE", `/roles/${role.body.id}`, { token: manager.token });
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect((await call(t, "GET", `/roles/${role.body.id}`, { token: tenant.token })).status).toBe(200);
  });

  it("refuses edits of a role held by someone in a department the manager does not reach", async () => {
    const { tenant, sales, it, manager } = await world();
    // Limited to Sales, but its IT holder uses it in IT too (a role always reaches its holder's own department).
    const role = await call(t, "POST", "/roles", {
      token: tenant.token,
      body: {
        name: "Sales viewer",
        slug: uniq("sales-viewer-"),
        permissions: ["kb:read"],
        departmentIds: [sales],
      },
    });
    await addMember(t, tenant.token, it, role.body.slug, "Ivan IT");
    const res = await call(t, "PATCH", `/roles/${role.body.id}`, {
      token: manager.token,
      body: { permissions: ["kb:read", "chat:use"] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect((await roleOf(t, tenant.token, role.body.id)).permissions).toEqual(["kb:read"]);
  });

  it("still assigns an own-department role to people in its own departments only", async () => {
    const { tenant, sales, it, manager } = await world();
    const reader = await call(t, "POST", "/roles", {
      token: tenant.token,
      body: { name: "Reader", slug: uniq("reader-"), permissions: ["kb:read"] },
    });
    const seller = await addMember(t, tenant.token, sales, "employee", "Sam Sales");
    const assigned = await call(t, "PATCH", `/users/${seller.id}`, {
      token: manager.token,
      body: { roleId: reader.body.id },
    });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    expect(assigned.body.roleId).toBe(reader.body.id);
    const outsider = await addMember(t, tenant.token, it, "employee", "Otto Outside");
    const refused = await call(t, "PATCH", `/users/${outsider.id}`, {
      token: manager.token,
      body: { roleId: reader.body.id },
    });
    expect(refused.status).toBe(404);
  });
});
