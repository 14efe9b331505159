import { beforeAll, describe, expect, it } from "vitest";
import type { AuditLogRow } from "../../src/repositories/audit-log.repository.js";
import type { UserRow } from "../../src/repositories/user.repository.js";
import { FakeMailer } from "../fakes/mailer.js";
import { useTestApp } from "../setup/container.js";

const meta = { requestId: "audit-test", ip: "127.0.0.1", userAgent: "vitest" };

describe("GET /audit-logs", () => {
  const t = useTestApp({ infra: { mailer: new FakeMailer() } });
  const repos = () => t.context.container.repositories;
  const ids = { org: "", otherOrg: "", otherDept: "", hr: "", it: "" };
  const tokens = { admin: "", hrReader: "", revokedIt: "", employee: "" };
  let admin: UserRow;

  const get = async (token: string, query = "") => {
    const res = await t.app.inject({
      method: "GET",
      url: `/audit-logs${query}`,
      headers: { authorization: `Bearer ${token}` },
    });
    return res;
  };
  const items = async (token: string, query = "") => {
    const res = await get(token, query);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as Array<AuditLogRow & { createdAt: string }>;
  };

  beforeAll(async () => {
    const seeded = (await t.context.container.services.seed.seedDemoIfEmpty())!;
    ids.org = seeded.orgId;
    for (const d of await repos().departments.findMany(undefined)) {
      if (d.slug === "hr" || d.slug === "it") ids[d.slug] = d.id;
    }
    admin = (await repos().users.findActiveByEmail(seeded.adminEmail))[0]!;
    const issue = async (user: UserRow) =>
      (await t.context.container.services.sessions.issue(user, meta)).accessToken;
    tokens.admin = await issue(admin);
    tokens.employee = await issue((await repos().users.findActiveByEmail("employee@demo.atrium.local"))[0]!);
    const hrRole = await repos().systemRoles.create({
      orgId: ids.org,
      name: "HR auditor",
      slug: "hr-auditor",
      permissions: ["audit:read"],
      departmentIds: [ids.hr],
    });
    tokens.hrReader = await issue(
      await repos().users.create({ orgId: ids.org, email: "auditor@demo.atrium.local", roleId: hrRole.id }),
    );
    const adminRole = (await repos().systemRoles.findBySlug(ids.org, "admin"))!;
    tokens.revokedIt = await issue(
      await repos().users.create({
        orgId: ids.org,
        email: "no-it@demo.atrium.local",
        roleId: adminRole.id,
        role: "admin",
        revokedDepartmentIds: [ids.it],
      }),
    );

    const other = await repos().organizations.create({ name: "Other", slug: "other-org" });
    ids.otherOrg = other.id;
    ids.otherDept = (await repos().departments.create({ orgId: other.id, name: "Other HR", slug: "hr" })).id;

    const row = (orgId: string, departmentId: string | null, action: string, entityId: string) =>
      repos().auditLogs.create({
        orgId,
        departmentId,
        userId: orgId === ids.org ? admin.id : null,
        actorType: "system",
        actorId: "test",
        action,
        entityType: "widget",
        entityId,
      });
    for (let i = 0; i < 3; i++) await row(ids.org, ids.hr, "test.hr", `hr-${i}`);
    for (let i = 0; i < 2; i++) await row(ids.org, ids.it, "test.it", `it-${i}`);
    await row(ids.org, null, "test.org", "org-0");
    await row(ids.otherOrg, null, "test.foreign", "foreign-0");
    await row(ids.otherOrg, ids.otherDept, "test.foreign", "foreign-1");
  });

  it("needs audit:read", async () => {
    const res = await get(tokens.employee);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe("FORBIDDEN");
    expect((await t.app.inject({ method: "GET", url: "/audit-logs" })).statusCode).toBe(401);
  });

  it("shows an org-wide admin every row of the organisation, newest first, and none of another", async () => {
    const rows = await items(tokens.admin, "?limit=100");
    const actions = rows.map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["org.seeded", "test.hr", "test.it", "test.org"]));
    expect(actions).not.toContain("test.foreign");
    const ids_ = rows.map((r) => r.id);
    expect(ids_).toEqual([...ids_].sort().reverse());
  });

  it("limits a department auditor to rows of their departments", async () => {
    const rows = await items(tokens.hrReader, "?limit=100");
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.every((r) => r.departmentId === ids.hr)).toBe(true);
    // The demo seed writes HR rows of its own (knowledge base, documents, assistant); these are the test's.
    const widgets = rows.filter((r) => r.entityType === "widget");
    expect(widgets.map((r) => r.entityId)).toEqual(["hr-2", "hr-1", "hr-0"]);
  });

  it("honours a revoked department even for an org-wide role (org-level rows stay visible)", async () => {
    const rows = await items(tokens.revokedIt, "?limit=100");
    expect(rows.some((r) => r.departmentId === ids.it)).toBe(false);
    expect(rows.some((r) => r.departmentId === null)).toBe(true);
    expect(rows.some((r) => r.departmentId === ids.hr)).toBe(true);
  });

  it("filters by action, entity, user, department and time", async () => {
    expect((await items(tokens.admin, "?action=test.it")).map((r) => r.entityId)).toEqual(["it-1", "it-0"]);
    expect((await items(tokens.admin, "?entityType=widget&entityId=hr-1")).map((r) => r.entityId)).toEqual([
      "hr-1",
    ]);
    expect(
      (await items(tokens.admin, `?departmentId=${ids.it}`)).every((r) => r.departmentId === ids.it),
    ).toBe(true);
    const byUser = await items(tokens.admin, `?userId=${admin.id}&action=test.org`);
    expect(byUser).toHaveLength(1);
    const all = await items(tokens.admin, "?entityType=widget&limit=100");
    const newest = all[0]!;
    const before = await items(tokens.admin, `?entityType=widget&to=${encodeURIComponent(newest.createdAt)}`);
    expect(before.map((r) => r.id)).not.toContain(newest.id);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await items(tokens.admin, `?from=${encodeURIComponent(future)}`)).toEqual([]);
  });

  it("pages with a cursor without gaps or repeats", async () => {
    const everything = (await items(tokens.admin, "?limit=100")).map((r) => r.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const res = await get(tokens.admin, query);
      expect(res.statusCode).toBe(200);
      const page = res.json() as { items: AuditLogRow[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(everything);
  });

  it("answers malformed queries with 400, never 500", async () => {
    for (const query of ["?cursor=garbage", "?from=yesterday", "?userId=nope", "?limit=0", "?limit=1000"]) {
      const res = await get(tokens.admin, query);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBe("VALIDATION");
    }
  });
});
