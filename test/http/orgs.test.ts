import { describe, expect, it } from "vitest";
import { BUILT_IN_ROLES } from "../../src/core/permissions.js";
import {
  addMember,
  audits,
  call,
  createDepartment,
  PASSWORD,
  signUp,
  uniq,
  useIdentityApp,
} from "./identity-helpers.js";

describe("organisations", () => {
  const t = useIdentityApp();

  it("signs up an organisation with built-in roles, a first department and its admin, signed in", async () => {
    const email = `${uniq("Founder")}@Example.test`;
    const res = await call(t, "POST", "/orgs", {
      body: { organization: { name: "Zoë's Bakery" }, admin: { name: "Zoë", email, password: PASSWORD } },
    });
    expect(res.status).toBe(201);
    const { organization, user, tokens } = res.body;
    expect(organization.slug).toBe("zoe-s-bakery");
    expect(user).toMatchObject({ email: email.toLowerCase(), role: "admin", isActive: true });
    expect(user).not.toHaveProperty("passwordHash");
    expect(user).not.toHaveProperty("tokenVersion");

    const { repositories } = t.context.container;
    const roles = await repositories.systemRoles.listForOrg(organization.id);
    expect(roles.map((r) => r.slug).sort()).toEqual(BUILT_IN_ROLES.map((r) => r.slug).sort());
    expect(roles.every((r) => r.isSystem)).toBe(true);
    expect(user.roleId).toBe(roles.find((r) => r.slug === "admin")!.id);
    const department = await repositories.departments.findById(user.departmentId);
    expect(department).toMatchObject({ orgId: organization.id, name: "General", slug: "general" });
    const member = await repositories.orgMembers.findMembership(organization.id, user.id);
    expect(member?.role).toBe("owner");

    const me = await call(t, "GET", "/auth/me", { token: tokens.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.permissions).toContain("org:admin");
    const org = await call(t, "GET", "/org", { token: tokens.accessToken });
    expect(org.body).toMatchObject({ id: organization.id, name: "Zoë's Bakery" });
    const login = await call(t, "POST", "/auth/login", { body: { email, password: PASSWORD } });
    expect(login.status).toBe(200);

    const actions = (await audits(t, organization.id)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["org.created", "user.created"]));
  });

  it("refuses a taken slug, and suffixes a derived one", async () => {
    const slug = uniq("taken-");
    const body = (s?: string) => ({
      organization: { name: "Taken Inc", ...(s ? { slug: s } : {}) },
      admin: { name: "A", email: `${uniq("a")}@example.test`, password: PASSWORD },
    });
    expect((await call(t, "POST", "/orgs", { body: body(slug) })).status).toBe(201);
    const clash = await call(t, "POST", "/orgs", { body: body(slug) });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe("CONFLICT");
    const first = await call(t, "POST", "/orgs", { body: body() });
    const second = await call(t, "POST", "/orgs", { body: body() });
    expect(first.body.organization.slug).not.toBe(second.body.organization.slug);
    expect(second.body.organization.slug).toMatch(/^taken-inc/);
  });

  it("validates the sign-up body", async () => {
    const good = {
      organization: { name: "Valid" },
      admin: { name: "V", email: "v@example.test", password: PASSWORD },
    };
    for (const body of [
      {},
      { ...good, admin: { ...good.admin, password: "short" } },
      { ...good, admin: { ...good.admin, email: "not-an-email" } },
      { ...good, organization: { name: "" } },
      { ...good, organization: { name: "X", slug: "Not A Slug" } },
    ]) {
      const res = await call(t, "POST", "/orgs", { body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION");
    }
  });

  it("lets org:admin change settings and budgets, audited with a diff; others get 403", async () => {
    const tenant = await signUp(t);
    const patch = { name: "Acme Renamed", monthlyBudgetUsd: 250.5, settings: { locale: "de" } };
    const res = await call(t, "PATCH", "/org", { token: tenant.token, body: patch });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject(patch);
    const [row] = await audits(t, tenant.orgId, "org.updated");
    expect(row?.changes).toMatchObject({
      name: { from: "Acme", to: "Acme Renamed" },
      monthlyBudgetUsd: { to: 250.5 },
    });

    const employee = await addMember(t, tenant.token, tenant.generalId);
    expect((await call(t, "GET", "/org", { token: employee.token })).status).toBe(200);
    const denied = await call(t, "PATCH", "/org", { token: employee.token, body: { name: "Mine now" } });
    expect(denied.status).toBe(403);
    expect((await call(t, "PATCH", "/org", { token: tenant.token, body: {} })).status).toBe(400);
    expect(
      (await call(t, "PATCH", "/org", { token: tenant.token, body: { monthlyBudgetUsd: -1 } })).status,
    ).toBe(400);
  });

  it("lists members to users:manage, scoped to the departments the caller sees", async () => {
    const tenant = await signUp(t);
    const sales = await createDepartment(t, tenant.token, "Sales");
    const head = await addMember(t, tenant.token, sales, "dept_head");
    const seller = await addMember(t, tenant.token, sales, "employee");
    const all = await call(t, "GET", "/org/members?pageSize=50", { token: tenant.token });
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(3);
    expect(all.body.items.find((m: { user: { id: string } }) => m.user.id === tenant.adminId).role).toBe(
      "owner",
    );
    const scoped = await call(t, "GET", "/org/members", { token: head.token });
    expect(scoped.body.items.map((m: { user: { id: string } }) => m.user.id).sort()).toEqual(
      [head.id, seller.id].sort(),
    );
    expect((await call(t, "GET", "/org/members", { token: seller.token })).status).toBe(403);
  });

  it("keeps organisations apart", async () => {
    const a = await signUp(t, "Alpha");
    const b = await signUp(t, "Beta");
    const org = await call(t, "GET", "/org", { token: b.token });
    expect(org.body.id).toBe(b.orgId);
    const users = await call(t, "GET", "/users?pageSize=100", { token: b.token });
    expect(users.body.items.map((u: { id: string }) => u.id)).not.toContain(a.adminId);
    expect((await call(t, "GET", `/users/${a.adminId}`, { token: b.token })).status).toBe(404);
  });
});

describe("organisation sign-up rate limit", () => {
  const t = useIdentityApp({ AUTH_RATE_LIMIT_PER_MINUTE: "2" });

  it("answers 429 after the configured number of sign-ups a minute", async () => {
    const body = {
      organization: { name: "Spam" },
      admin: { name: "S", email: "s@example.test", password: "x" },
    };
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(t, "POST", "/orgs", { body })).status);
    expect(statuses).toEqual([400, 400, 429]);
  });
});
