import { describe, expect, it } from "vitest";
import { PASSWORD, signUp, useIdentityApp } from "./identity-helpers.js";

/** The web application's sessions: the refresh token only ever travels in an HttpOnly cookie. */
describe("web sessions (refresh token in a cookie)", () => {
  const t = useIdentityApp();

  const cookieOf = (setCookie: string | string[] | undefined) => {
    const line = [setCookie ?? []].flat().find((c) => c.startsWith("atrium_refresh="));
    return { line, value: line?.split(";")[0]?.slice("atrium_refresh=".length) };
  };

  async function signIn(email: string) {
    const res = await t.app.inject({
      method: "POST",
      url: "/auth/session",
      payload: { email, password: PASSWORD },
    });
    expect(res.statusCode, res.body).toBe(200);
    return { res, cookie: cookieOf(res.headers["set-cookie"]) };
  }

  const refresh = (cookie?: string) =>
    t.app.inject({
      method: "POST",
      url: "/auth/session/refresh",
      headers: cookie ? { cookie: `theme=dark; atrium_refresh=${cookie}` } : {},
    });

  it("signs in with the refresh token in an HttpOnly, SameSite=Strict cookie scoped to /auth/session", async () => {
    const tenant = await signUp(t);
    const { res, cookie } = await signIn(tenant.adminEmail);
    const body = res.json();
    expect(body).not.toHaveProperty("refreshToken");
    expect(body).toMatchObject({ tokenType: "Bearer", expiresIn: expect.any(Number) });
    expect(cookie.line).toMatch(/; Path=\/auth\/session; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
    const me = await t.app.inject({
      method: "GET",
      url: "/auth/me",
      headers: { authorization: `Bearer ${body.accessToken}` },
    });
    expect(me.json().email).toBe(tenant.adminEmail);
  });

  it("rotates the cookie on refresh; the old one then fails, ends the session and is cleared", async () => {
    const tenant = await signUp(t);
    const { cookie } = await signIn(tenant.adminEmail);
    const first = await refresh(cookie.value);
    expect(first.statusCode).toBe(200);
    expect(first.json()).not.toHaveProperty("refreshToken");
    const rotated = cookieOf(first.headers["set-cookie"]);
    expect(rotated.value).toBeTruthy();
    expect(rotated.value).not.toBe(cookie.value);

    const reused = await refresh(cookie.value);
    expect(reused.statusCode).toBe(401);
    expect(cookieOf(reused.headers["set-cookie"]).line).toMatch(/^atrium_refresh=; .*Max-Age=0/);
    const after = await refresh(rotated.value);
    expect(after.statusCode, "reuse revokes the whole family").toBe(401);
  });

  it("refuses a refresh without a cookie", async () => {
    const res = await refresh();
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe("UNAUTHORIZED");
  });

  it("signs out with the cookie alone (no access token needed) and clears it", async () => {
    const tenant = await signUp(t);
    const { cookie } = await signIn(tenant.adminEmail);
    const out = await t.app.inject({
      method: "DELETE",
      url: "/auth/session",
      headers: { cookie: `atrium_refresh=${cookie.value}` },
    });
    expect(out.statusCode).toBe(204);
    expect(cookieOf(out.headers["set-cookie"]).line).toMatch(/Max-Age=0/);
    expect((await refresh(cookie.value)).statusCode).toBe(401);
    const again = await t.app.inject({ method: "DELETE", url: "/auth/session" });
    expect(again.statusCode, "signing out twice is harmless").toBe(204);
  });

  it("refuses a wrong password without setting a cookie", async () => {
    const tenant = await signUp(t);
    const res = await t.app.inject({
      method: "POST",
      url: "/auth/session",
      payload: { email: tenant.adminEmail, password: "not-the-password" },
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers["set-cookie"]).toBeUndefined();
  });

  it("lists the sign-in methods: password only when no OAuth provider is configured", async () => {
    const res = await t.app.inject({ method: "GET", url: "/auth/providers" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ password: true, oauth: [] });
  });
});

describe("web sessions behind a TLS proxy", () => {
  const t = useIdentityApp({ TRUST_PROXY: "true" });

  it("marks the cookie Secure when the request came over HTTPS", async () => {
    const tenant = await signUp(t);
    const res = await t.app.inject({
      method: "POST",
      url: "/auth/session",
      headers: { "x-forwarded-proto": "https" },
      payload: { email: tenant.adminEmail, password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers["set-cookie"])).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
  });
});
