import { describe, expect, it } from "vitest";
import { addMember, call, login, PASSWORD, signUp, useIdentityApp } from "../http/identity-helpers.js";

/**
 * Finding 6: routes about a person's sign-in (sessions, password, own profile) need that person
 * signed in; an API key acting for them gets 403 and changes nothing.
 */
describe("security: session routes need a signed-in person, not an API key", () => {
  const t = useIdentityApp();

  async function keyed() {
    const tenant = await signUp(t);
    const key = await call(t, "POST", "/api-keys", {
      token: tenant.token,
      body: { name: "chat bot", permissions: ["chat:use"], allDepartments: true },
    });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    return { tenant, key: key.body.key as string };
  }

  const routes: Array<{ method: "POST" | "PATCH"; url: string; body?: object }> = [
    { method: "POST", url: "/auth/logout" },
    { method: "POST", url: "/auth/logout-all" },
    {
      method: "POST",
      url: "/users/me/password",
      body: { currentPassword: PASSWORD, newPassword: "another-password-1" },
    },
    { method: "PATCH", url: "/users/me", body: { name: "Renamed by a key" } },
  ];

  it.each(routes.map((r) => [`${r.method} ${r.url}`, r] as const))(
    "%s with an API key → 403",
    async (_name, route) => {
      const { tenant, key } = await keyed();
      const res = await call(t, route.method, route.url, { token: key, body: route.body });
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body.error).toMatchObject({ code: "FORBIDDEN" });
      expect(res.body.error.message).toMatch(/signed-in person/);
      // Nothing happened: the owner's sessions, tokens, password and name are as they were.
      expect((await call(t, "GET", "/auth/me", { token: tenant.token })).status).toBe(200);
      const refreshed = await call(t, "POST", "/auth/refresh", {
        body: { refreshToken: tenant.refreshToken },
      });
      expect(refreshed.status).toBe(200);
      expect((await login(t, tenant.adminEmail, PASSWORD)).status).toBe(200);
      const self = await call(t, "GET", `/users/${tenant.adminId}`, { token: refreshed.body.accessToken });
      expect(self.body.name).toBe("Olga Owner");
    },
  );

  it("the same routes still work for the signed-in person, and /auth/me still answers a key", async () => {
    const { tenant, key } = await keyed();
    expect((await call(t, "GET", "/auth/me", { token: key })).body.actor).toBe("api_key");
    const member = await addMember(t, tenant.token, tenant.generalId);
    expect(
      (await call(t, "PATCH", "/users/me", { token: member.token, body: { name: "Mia M." } })).status,
    ).toBe(200);
    expect((await call(t, "POST", "/auth/logout-all", { token: member.token })).status).toBe(200);
    expect((await call(t, "GET", "/auth/me", { token: member.token })).status).toBe(401);
  });
});
