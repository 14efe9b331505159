import { hash } from "@node-rs/argon2";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../../src/db/schema/index.js";
import { FakeMailer, tokenFromMail } from "../fakes/mailer.js";
import { call, login, PASSWORD, signUp, type TestApp, uniq } from "../http/identity-helpers.js";
import { useTestApp } from "../setup/container.js";

/** "Crème brûlée" typed with precomposed letters (NFC) and with combining accents (NFD). */
const COMPOSED = "Cr\u00e8me-br\u00fbl\u00e9e-2024";
const DECOMPOSED = COMPOSED.normalize("NFD");
/** Full-width letters and hyphen (as an East Asian keyboard may type them) and their NFKC form. */
const FULL_WIDTH = "\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44\uff0d\uff4f\uff4e\uff45";
const ASCII = "password-one";

async function tenantWith(t: TestApp, password: string) {
  const email = `${uniq("unicode")}@example.test`;
  const res = await call(t, "POST", "/orgs", {
    body: { organization: { name: "Unicode" }, admin: { name: "Uli", email, password } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { email, token: res.body.tokens.accessToken as string, userId: res.body.user.id as string };
}

/** Finding 7: passwords are compared in one Unicode form, and a new password must differ from the old. */
describe("security: passwords", () => {
  const mailer = new FakeMailer();
  const t = useTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "1000" }, infra: { mailer } });

  it("accepts a password typed in another Unicode form (NFKC before hashing and checking)", async () => {
    expect(DECOMPOSED).not.toBe(COMPOSED);
    const accented = await tenantWith(t, COMPOSED);
    expect((await login(t, accented.email, DECOMPOSED)).status).toBe(200);
    expect((await login(t, accented.email, COMPOSED)).status).toBe(200);
    const wide = await tenantWith(t, FULL_WIDTH);
    expect((await login(t, wide.email, ASCII)).status).toBe(200);
    expect((await login(t, wide.email, "password-two")).status).toBe(401);
  });

  it("keeps accepting hashes made before normalisation of passwords that were already normal", async () => {
    const tenant = await signUp(t);
    await t.context.container.database.db
      .update(users)
      .set({ passwordHash: await hash("legacy-password-1") })
      .where(eq(users.id, tenant.adminId));
    expect((await login(t, tenant.adminEmail, "legacy-password-1")).status).toBe(200);
    expect((await login(t, tenant.adminEmail, PASSWORD)).status).toBe(401);
  });

  it("refuses a new password equal to the current one on change (in any Unicode form)", async () => {
    const accented = await tenantWith(t, COMPOSED);
    for (const newPassword of [COMPOSED, DECOMPOSED]) {
      const res = await call(t, "POST", "/users/me/password", {
        token: accented.token,
        body: { currentPassword: COMPOSED, newPassword },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error).toMatchObject({ code: "VALIDATION", details: { field: "newPassword" } });
      expect(res.body.error.message).toMatch(/differ from the current/);
    }
    // Nothing changed: the token still works.
    expect((await call(t, "GET", "/auth/me", { token: accented.token })).status).toBe(200);
  });

  it("refuses a reset to the current password, and the link still works for a different one", async () => {
    const tenant = await signUp(t);
    mailer.clear();
    await call(t, "POST", "/auth/password/forgot", { body: { email: tenant.adminEmail } });
    await t.context.container.services.passwordReset.idle();
    const token = tokenFromMail(mailer.to(tenant.adminEmail).at(-1));
    const same = await call(t, "POST", "/auth/password/reset", { body: { token, password: PASSWORD } });
    expect(same.status, JSON.stringify(same.body)).toBe(400);
    expect(same.body.error.message).toMatch(/differ from the current/);
    expect((await call(t, "GET", "/auth/me", { token: tenant.token })).status).toBe(200);
    const other = await call(t, "POST", "/auth/password/reset", {
      body: { token, password: "a-different-one-9" },
    });
    expect(other.status).toBe(200);
    expect((await login(t, tenant.adminEmail, "a-different-one-9")).status).toBe(200);
  });
});
