import { beforeAll, describe, expect, it, vi } from "vitest";
import { hashToken } from "../../src/lib/secrets.js";
import type { UserRow } from "../../src/repositories/user.repository.js";
import { FakeMailer } from "../fakes/mailer.js";
import { useTestApp } from "../setup/container.js";

const meta = { requestId: "api-keys-test", ip: "127.0.0.1", userAgent: "vitest" };

describe("API keys", () => {
  const t = useTestApp({ infra: { mailer: new FakeMailer() } });
  const repos = () => t.context.container.repositories;
  const ids = { org: "", hr: "", it: "", finance: "" };
  let adminToken = "";
  let limitedAdmin: UserRow;
  let limitedToken = "";

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const withKey = (key: string) => ({ "x-api-key": key });
  const createKey = (payload: Record<string, unknown>, token = adminToken) =>
    t.app.inject({ method: "POST", url: "/api-keys", headers: bearer(token), payload });
  const tokenOf = async (user: UserRow) =>
    (await t.context.container.services.sessions.issue(user, meta)).accessToken;

  beforeAll(async () => {
    const seeded = (await t.context.container.services.seed.seedDemoIfEmpty())!;
    ids.org = seeded.orgId;
    for (const d of await repos().departments.findMany(undefined))
      ids[d.slug as "hr" | "it" | "finance"] = d.id;
    const admin = (await repos().users.findActiveByEmail(seeded.adminEmail))[0]!;
    adminToken = await tokenOf(admin);
    // An administrator whose role reaches HR only, without kb:write.
    const role = await repos().systemRoles.create({
      orgId: ids.org,
      name: "HR admin",
      slug: "hr-admin",
      permissions: ["org:admin", "kb:read", "audit:read"],
      departmentIds: [ids.hr],
    });
    limitedAdmin = await repos().users.create({
      orgId: ids.org,
      email: "hr.admin@demo.atrium.local",
      roleId: role.id,
      departmentId: ids.hr,
    });
    limitedToken = await tokenOf(limitedAdmin);
  });

  it("creates a key shown once, stores only prefix and hash, and audits it", async () => {
    const res = await createKey({
      name: "HR sync",
      permissions: ["kb:read", "audit:read"],
      departmentIds: [ids.hr],
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.key).toMatch(/^atr_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{32,64}$/);
    expect(body).toMatchObject({ status: "active", prefix: body.key.split("_")[1], allDepartments: false });
    expect(body).not.toHaveProperty("keyHash");
    const row = (await repos().apiKeys.findById(body.id))!;
    expect(row.keyHash).toBe(hashToken(body.key));
    expect(JSON.stringify(row)).not.toContain(body.key.slice(18));

    const list = await t.app.inject({ method: "GET", url: "/api-keys", headers: bearer(adminToken) });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((k: { id: string }) => k.id)).toContain(body.id);
    expect(list.body).not.toContain(body.key.slice(18));
    expect(list.body).not.toContain(row.keyHash);

    const audits = await repos().auditLogs.findMany(undefined);
    const created = audits.find((a) => a.action === "api_key.created" && a.entityId === body.id);
    expect(created?.changes).toMatchObject({ name: "HR sync", permissions: ["kb:read", "audit:read"] });
    expect(JSON.stringify(audits)).not.toContain(body.key.slice(18));
  });

  it("authenticates with the key, within its permissions and departments, and records its use", async () => {
    const { key, id } = (
      await createKey({ name: "reader", permissions: ["kb:read", "audit:read"], departmentIds: [ids.hr] })
    ).json();
    const me = await t.app.inject({ method: "GET", url: "/auth/me", headers: withKey(key) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      actor: "api_key",
      permissions: ["audit:read", "kb:read"],
      departmentIds: [ids.hr],
    });

    const departments = await t.app.inject({ method: "GET", url: "/departments", headers: bearer(key) });
    expect(departments.statusCode).toBe(200);
    expect(departments.json().items.map((d: { id: string }) => d.id)).toEqual([ids.hr]);
    const it = await t.app.inject({ method: "GET", url: `/departments/${ids.it}`, headers: withKey(key) });
    expect(it.statusCode).toBe(404);
    const write = await t.app.inject({
      method: "POST",
      url: "/departments",
      headers: withKey(key),
      payload: { name: "Legal", slug: "legal" },
    });
    expect(write.statusCode).toBe(403);
    expect((await t.app.inject({ method: "GET", url: "/api-keys", headers: withKey(key) })).statusCode).toBe(
      403,
    );

    await vi.waitFor(async () => {
      expect((await repos().apiKeys.findById(id))?.lastUsedAt).toBeInstanceOf(Date);
      const used = (await repos().auditLogs.findMany(undefined)).filter(
        (a) => a.action === "api_key.used" && a.entityId === id,
      );
      expect(used[0]).toMatchObject({ actorType: "api_key", actorId: id });
    });
  });

  it("stops a revoked key at once, idempotently, and audits the revocation", async () => {
    const { key, id } = (
      await createKey({ name: "short-lived", permissions: ["kb:read"], allDepartments: true })
    ).json();
    expect((await t.app.inject({ method: "GET", url: "/auth/me", headers: withKey(key) })).statusCode).toBe(
      200,
    );
    const revoke = await t.app.inject({
      method: "DELETE",
      url: `/api-keys/${id}`,
      headers: bearer(adminToken),
    });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json()).toMatchObject({ id, status: "revoked" });
    const refused = await t.app.inject({ method: "GET", url: "/auth/me", headers: withKey(key) });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.message).toMatch(/revoked/);
    const twice = await t.app.inject({
      method: "DELETE",
      url: `/api-keys/${id}`,
      headers: bearer(adminToken),
    });
    expect(twice.statusCode).toBe(200);
    const revocations = (await repos().auditLogs.findMany(undefined)).filter(
      (a) => a.action === "api_key.revoked" && a.entityId === id,
    );
    expect(revocations).toHaveLength(1);
    const listed = await t.app.inject({ method: "GET", url: "/api-keys", headers: bearer(adminToken) });
    expect(listed.json().items.map((k: { id: string }) => k.id)).not.toContain(id);
    const all = await t.app.inject({
      method: "GET",
      url: "/api-keys?includeRevoked=true",
      headers: bearer(adminToken),
    });
    expect(all.json().items.map((k: { id: string }) => k.id)).toContain(id);
  });

  it("refuses an expired key and a key whose owner was deactivated", async () => {
    const expiring = (
      await createKey({ name: "expiring", permissions: ["kb:read"], departmentIds: [ids.hr] })
    ).json();
    await repos().apiKeys.update(expiring.id, { expiresAt: new Date(Date.now() - 1000) });
    const expired = await t.app.inject({ method: "GET", url: "/auth/me", headers: withKey(expiring.key) });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.message).toMatch(/expired/);
    const view = await t.app.inject({
      method: "GET",
      url: `/api-keys/${expiring.id}`,
      headers: bearer(adminToken),
    });
    expect(view.json().status).toBe("expired");

    const owned = (
      await createKey({ name: "limited", permissions: ["kb:read"], departmentIds: [ids.hr] }, limitedToken)
    ).json();
    expect(
      (await t.app.inject({ method: "GET", url: "/auth/me", headers: withKey(owned.key) })).statusCode,
    ).toBe(200);
    await repos().users.update(limitedAdmin.id, { isActive: false });
    try {
      expect(
        (await t.app.inject({ method: "GET", url: "/auth/me", headers: withKey(owned.key) })).statusCode,
      ).toBe(401);
    } finally {
      await repos().users.update(limitedAdmin.id, { isActive: true });
    }
  });

  it("validates the scope against the catalogue and the creator's own reach", async () => {
    const expectCode = async (payload: Record<string, unknown>, status: number, token = adminToken) => {
      const res = await createKey({ name: "k", ...payload }, token);
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.json().error).toBeDefined();
    };
    await expectCode({ permissions: ["kb:read", "root:everything"] }, 400);
    await expectCode({ permissions: [] }, 400);
    await expectCode({ permissions: ["kb:read"], expiresAt: "2001-01-01T00:00:00Z" }, 400);
    await expectCode({ permissions: ["kb:read"], allDepartments: true, departmentIds: [ids.hr] }, 400);
    await expectCode(
      { permissions: ["kb:read"], departmentIds: ["00000000-0000-7000-8000-000000000000"] },
      404,
    );
    // The HR-only administrator cannot give what they do not have.
    await expectCode({ permissions: ["kb:write"], departmentIds: [ids.hr] }, 403, limitedToken);
    await expectCode({ permissions: ["kb:read"], allDepartments: true }, 403, limitedToken);
    await expectCode({ permissions: ["kb:read"], departmentIds: [ids.it] }, 404, limitedToken);
  });

  it("keeps keys of other departments out of reach of a department-limited administrator", async () => {
    const itKey = (
      await createKey({ name: "it-only-key", permissions: ["kb:read"], departmentIds: [ids.it] })
    ).json();
    const list = await t.app.inject({
      method: "GET",
      url: "/api-keys?pageSize=100",
      headers: bearer(limitedToken),
    });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(itKey.id);
    expect(list.body).not.toContain("it-only-key");
    for (const method of ["GET", "DELETE"] as const) {
      const res = await t.app.inject({ method, url: `/api-keys/${itKey.id}`, headers: bearer(limitedToken) });
      expect(res.statusCode).toBe(404);
    }
    expect((await repos().apiKeys.findById(itKey.id))?.revokedAt).toBeNull();
  });

  it("refuses callers without org:admin, and keys creating keys", async () => {
    const employee = (await repos().users.findActiveByEmail("employee@demo.atrium.local"))[0]!;
    const token = await tokenOf(employee);
    expect((await t.app.inject({ method: "GET", url: "/api-keys", headers: bearer(token) })).statusCode).toBe(
      403,
    );
    expect((await createKey({ name: "x", permissions: ["kb:read"] }, token)).statusCode).toBe(403);
    const adminKey = (
      await createKey({ name: "admin key", permissions: ["org:admin"], allDepartments: true })
    ).json();
    const res = await t.app.inject({
      method: "POST",
      url: "/api-keys",
      headers: withKey(adminKey.key),
      payload: { name: "child", permissions: ["org:admin"] },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toMatch(/not by other keys/);
  });
});
