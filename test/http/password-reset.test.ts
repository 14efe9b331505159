import { describe, expect, it } from "vitest";
import { hashToken } from "../../src/lib/secrets.js";
import { FakeMailer, tokenFromMail } from "../fakes/mailer.js";
import { useTestApp } from "../setup/container.js";

const EMAIL = "employee@demo.atrium.local";
const OLD_PASSWORD = "demo-password-1";

describe("password reset", () => {
  const mailer = new FakeMailer();
  const t = useTestApp({ infra: { mailer }, env: { PUBLIC_URL: "https://atrium.example.test" } });

  const post = (url: string, payload: Record<string, unknown>) =>
    t.app.inject({ method: "POST", url, payload });
  const login = (password: string, email = EMAIL) => post("/auth/login", { email, password });

  /** Asks for a link and returns the token it carries. */
  async function requestLink(email = EMAIL): Promise<string> {
    mailer.clear();
    const res = await post("/auth/password/forgot", { email });
    expect(res.statusCode).toBe(202);
    await t.context.container.services.passwordReset.idle();
    return tokenFromMail(mailer.to(email).at(-1));
  }

  it("answers 202 with the same body whether or not the email exists, and mails only real accounts", async () => {
    await t.context.container.services.seed.seedDemoIfEmpty();
    mailer.clear();
    const known = await post("/auth/password/forgot", { email: EMAIL });
    const unknown = await post("/auth/password/forgot", { email: "nobody@demo.atrium.local" });
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(unknown.body).toBe(known.body);
    await t.context.container.services.passwordReset.idle();
    expect(mailer.sent).toHaveLength(1);
    const [message] = mailer.sent;
    expect(message!.to).toBe(EMAIL);
    expect(message!.subject).toMatch(/reset/i);
    expect(message!.text).toContain("https://atrium.example.test/reset-password?token=");
  });

  it("stores only a hash of the token, expiring in one hour", async () => {
    const token = await requestLink();
    const { passwordResetTokens } = t.context.container.repositories;
    expect(await passwordResetTokens.findByTokenHash(token)).toBeUndefined();
    const row = await passwordResetTokens.findByTokenHash(hashToken(token));
    expect(row).toBeDefined();
    const ttl = row!.expiresAt.getTime() - Date.now();
    expect(ttl).toBeGreaterThan(59 * 60_000);
    expect(ttl).toBeLessThanOrEqual(60 * 60_000);
    expect(row!.usedAt).toBeNull();
  });

  it("rejects short passwords and unknown tokens with clear 400s", async () => {
    const token = await requestLink();
    const short = await post("/auth/password/reset", { token, password: "short" });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.code).toBe("VALIDATION");
    const unknown = await post("/auth/password/reset", {
      token: "not-a-real-token",
      password: "long-enough-pass",
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/not valid/);
  });

  it("a newer link replaces older unused ones", async () => {
    const first = await requestLink();
    const second = await requestLink();
    const old = await post("/auth/password/reset", { token: first, password: "first-new-password" });
    expect(old.statusCode).toBe(412);
    expect(old.json().error.message).toMatch(/expired or was replaced/);
    // The newer link still works afterwards (the failed attempt did not consume it).
    const row = await t.context.container.repositories.passwordResetTokens.findByTokenHash(hashToken(second));
    expect(row!.usedAt).toBeNull();
  });

  it("resets the password once, ends every session and token, and audits it", async () => {
    const session = (await login(OLD_PASSWORD)).json();
    const auth = { authorization: `Bearer ${session.accessToken}` };
    expect((await t.app.inject({ method: "GET", url: "/auth/me", headers: auth })).statusCode).toBe(200);

    const token = await requestLink();
    const reset = await post("/auth/password/reset", { token, password: "brand-new-password" });
    expect(reset.statusCode).toBe(200);

    expect((await t.app.inject({ method: "GET", url: "/auth/me", headers: auth })).statusCode).toBe(401);
    expect((await post("/auth/refresh", { refreshToken: session.refreshToken })).statusCode).toBe(401);
    expect((await login(OLD_PASSWORD)).statusCode).toBe(401);
    expect((await login("brand-new-password")).statusCode).toBe(200);

    const again = await post("/auth/password/reset", { token, password: "another-new-password" });
    expect(again.statusCode).toBe(412);
    expect(again.json().error.message).toMatch(/already been used/);

    const { repositories } = t.context.container;
    const user = (await repositories.users.findActiveByEmail(EMAIL))[0]!;
    const audits = await repositories.auditLogs.findMany(undefined);
    const row = audits.find((a) => a.action === "auth.password_reset" && a.entityId === user.id);
    expect(row).toMatchObject({ userId: user.id, actorType: "user", entityType: "user" });
    expect(JSON.stringify(audits)).not.toContain(token);
    expect(audits.some((a) => a.action === "auth.password_reset_requested" && a.userId === user.id)).toBe(
      true,
    );
  });

  it("refuses an expired link", async () => {
    const token = await requestLink();
    const { passwordResetTokens } = t.context.container.repositories;
    const row = await passwordResetTokens.findByTokenHash(hashToken(token));
    await passwordResetTokens.update(row!.id, { expiresAt: new Date(Date.now() - 1000) });
    const res = await post("/auth/password/reset", { token, password: "expired-link-password" });
    expect(res.statusCode).toBe(412);
    expect(res.json().error.code).toBe("PRECONDITION_FAILED");
  });

  it("refuses a link of a user deactivated after it was sent", async () => {
    const email = "approver@demo.atrium.local";
    const token = await requestLink(email);
    const { users } = t.context.container.repositories;
    const user = (await users.findActiveByEmail(email))[0]!;
    await users.update(user.id, { isActive: false });
    const res = await post("/auth/password/reset", { token, password: "deactivated-password" });
    expect(res.statusCode).toBe(412);
    await users.update(user.id, { isActive: true });
  });

  it("still answers 202 when the mail provider fails", async () => {
    mailer.failWith = new Error("smtp down");
    try {
      const res = await post("/auth/password/forgot", { email: "hr.head@demo.atrium.local" });
      expect(res.statusCode).toBe(202);
      await t.context.container.services.passwordReset.idle();
    } finally {
      mailer.failWith = undefined;
    }
  });

  it("rejects malformed bodies with the error envelope", async () => {
    const res = await post("/auth/password/forgot", { email: "not an email" });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: "VALIDATION" });
  });
});

describe("password reset rate limit", () => {
  const t = useTestApp({ infra: { mailer: new FakeMailer() }, env: { AUTH_RATE_LIMIT_PER_MINUTE: "2" } });

  it("limits requests per client", async () => {
    const send = () =>
      t.app.inject({ method: "POST", url: "/auth/password/forgot", payload: { email: "a@example.test" } });
    expect((await send()).statusCode).toBe(202);
    expect((await send()).statusCode).toBe(202);
    const limited = await send();
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe("LIMIT_EXCEEDED");
    await t.context.container.services.passwordReset.idle();
  });
});
