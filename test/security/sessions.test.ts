import { describe, expect, it } from "vitest";
import { audits, call, login, type Reply, signUp, useIdentityApp } from "../http/identity-helpers.js";

/**
 * Stolen refresh tokens and ended sessions, as an attacker who copied a token would replay them:
 * rotation, reuse detection (the whole family dies, including tokens issued after the theft),
 * concurrent refreshes, logout and logout-all.
 */
describe("attack: replayed refresh tokens and ended sessions", () => {
  const t = useIdentityApp({ ALLOW_SIGNUP: "true" });
  const refresh = (refreshToken: string) => call(t, "POST", "/auth/refresh", { body: { refreshToken } });
  const me = (token: string) => call(t, "GET", "/auth/me", { token }).then((r) => r.status);

  it("a rotated refresh token presented again revokes the whole family, tokens issued later included", async () => {
    const tenant = await signUp(t);
    const first = (await login(t, tenant.adminEmail)).body;
    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    const third = await refresh(second.body.refreshToken);
    expect(third.status).toBe(200);
    // The legitimate client's newest pair works…
    expect(await me(third.body.accessToken)).toBe(200);
    // …another session of the same person (sign-up) is a separate family.
    expect(await me(tenant.token)).toBe(200);

    // The attacker replays the first (already rotated) refresh token.
    const replay = await refresh(first.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe("UNAUTHORIZED");

    // Every token of the family is dead: the newest access token and refresh token too.
    expect(await me(third.body.accessToken)).toBe(401);
    expect(await me(second.body.accessToken)).toBe(401);
    expect((await refresh(third.body.refreshToken)).status).toBe(401);
    // The other family is untouched, and the reuse is on the audit log.
    expect(await me(tenant.token)).toBe(200);
    const detected = await audits(t, tenant.orgId, "auth.refresh_reuse_detected");
    expect(detected).toHaveLength(1);
  });

  it("two refreshes racing with one token: at most one wins, and the loser cannot mint a second family", async () => {
    const tenant = await signUp(t);
    const pair = (await login(t, tenant.adminEmail)).body;
    const results: Reply[] = await Promise.all([refresh(pair.refreshToken), refresh(pair.refreshToken)]);
    const winners = results.filter((r) => r.status === 200);
    expect(winners.length).toBeLessThanOrEqual(1);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 401)).toBe(true);
    // The token was spent either way: presenting it a third time is reuse.
    expect((await refresh(pair.refreshToken)).status).toBe(401);
    for (const winner of winners) expect(await me(winner.body.accessToken)).toBe(401);
  });

  it("after logout, the session's access token and refresh token are refused; other sessions go on", async () => {
    const tenant = await signUp(t);
    const phone = (await login(t, tenant.adminEmail)).body;
    const laptop = (await login(t, tenant.adminEmail)).body;
    const out = await call(t, "POST", "/auth/logout", { token: phone.accessToken });
    expect(out.status).toBe(200);
    expect(await me(phone.accessToken)).toBe(401);
    expect((await refresh(phone.refreshToken)).status).toBe(401);
    expect(await me(laptop.accessToken)).toBe(200);
  });

  it("after logout-all, every access token already issued and every refresh token is refused", async () => {
    const tenant = await signUp(t);
    const pairs = [(await login(t, tenant.adminEmail)).body, (await login(t, tenant.adminEmail)).body];
    expect((await call(t, "POST", "/auth/logout-all", { token: pairs[0].accessToken })).status).toBe(200);
    for (const pair of [...pairs, { accessToken: tenant.token, refreshToken: tenant.refreshToken }]) {
      expect(await me(pair.accessToken)).toBe(401);
      expect((await refresh(pair.refreshToken)).status).toBe(401);
    }
    // Signing in again works: the account is not locked, only the old credentials are gone.
    const fresh = await login(t, tenant.adminEmail);
    expect(await me(fresh.body.accessToken)).toBe(200);
  });

  it("a refresh token of a deactivated account is refused", async () => {
    const tenant = await signUp(t);
    const invite = await call(t, "POST", "/invitations", {
      token: tenant.token,
      body: { email: `gone-${Date.now()}@example.test`, departmentId: tenant.generalId, role: "employee" },
    });
    const accepted = await call(t, "POST", "/invitations/accept", {
      body: { token: invite.body.token, name: "Gone Soon", password: "correct-horse-battery" },
    });
    expect(accepted.status).toBe(200);
    const deactivated = await call(t, "POST", `/users/${accepted.body.user.id}/deactivate`, {
      token: tenant.token,
    });
    expect(deactivated.status, JSON.stringify(deactivated.body)).toBeLessThan(300);
    expect(await me(accepted.body.tokens.accessToken)).toBe(401);
    expect((await refresh(accepted.body.tokens.refreshToken)).status).toBe(401);
  });
});
