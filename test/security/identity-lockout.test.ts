import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Container, createContainer } from "../../src/app/container.js";
import { buildApp } from "../../src/http/app.js";
import { createLogger } from "../../src/lib/logger.js";
import { FakeMailer, tokenFromMail } from "../fakes/mailer.js";
import {
  addMember,
  call,
  login,
  PASSWORD,
  type Reply,
  signUp,
  type TestApp,
  uniq,
} from "../http/identity-helpers.js";
import { testConfig, useTestApp } from "../setup/container.js";

const redisUrl = process.env.TEST_REDIS_URL;
/** Three failures lock for three seconds (a loaded machine takes most of a second per check), doubling; per-client limits out of the way. */
const LOCKOUT = {
  AUTH_RATE_LIMIT_PER_MINUTE: "1000",
  AUTH_LOCKOUT_THRESHOLD: "3",
  AUTH_LOCKOUT_SECONDS: "3",
  AUTH_LOCKOUT_MAX_SECONDS: "60",
  AUTH_LOCKOUT_WINDOW_SECONDS: "60",
};
const WRONG = "not-the-password";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The parts of an answer that must not differ between an existing and a missing account. */
const shape = (reply: Reply) => ({
  status: reply.status,
  code: reply.body?.error?.code,
  message: reply.body?.error?.message,
});

async function failLogins(t: TestApp, email: string, times: number) {
  for (let i = 0; i < times; i++) expect((await login(t, email, WRONG)).status).toBe(401);
}

/** Finding 6: per-account throttling with a lockout, on both counter stores. */
describe.each([
  ["in-process counters", {}],
  ...(redisUrl ? [["Redis counters", { REDIS_URL: redisUrl }] as const] : []),
] as const)("security: account lockout (%s)", (_name, env) => {
  const mailer = new FakeMailer();
  const t = useTestApp({ env: { ...LOCKOUT, ...env }, infra: { mailer } });

  it("locks an account after consecutive failures, even against the right password, then lets it in", async () => {
    const tenant = await signUp(t);
    await failLogins(t, tenant.adminEmail, 3);
    const locked = await login(t, tenant.adminEmail, PASSWORD);
    expect(locked.status, JSON.stringify(locked.body)).toBe(429);
    expect(locked.body.error).toMatchObject({ code: "LIMIT_EXCEEDED", details: { retryAfterSeconds: 3 } });
    await sleep(3100);
    expect((await login(t, tenant.adminEmail, PASSWORD)).status).toBe(200);
  });

  it("answers a locked unknown email exactly like a locked account (no enumeration)", async () => {
    const tenant = await signUp(t);
    const ghost = `${uniq("ghost")}@example.test`;
    const answers: Array<ReturnType<typeof shape>[]> = [];
    for (const email of [tenant.adminEmail, ghost]) {
      const seen: ReturnType<typeof shape>[] = [];
      for (let i = 0; i < 4; i++) seen.push(shape(await login(t, email, WRONG)));
      answers.push(seen);
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]!.map((a) => a.status)).toEqual([401, 401, 401, 429]);
  });

  it("counts only consecutive failures: a success clears them", async () => {
    const tenant = await signUp(t);
    await failLogins(t, tenant.adminEmail, 2);
    expect((await login(t, tenant.adminEmail)).status).toBe(200);
    await failLogins(t, tenant.adminEmail, 2);
    expect((await login(t, tenant.adminEmail)).status).toBe(200);
  });

  it("grows each further lock", async () => {
    const tenant = await signUp(t);
    await failLogins(t, tenant.adminEmail, 3);
    expect((await login(t, tenant.adminEmail)).body.error.details.retryAfterSeconds).toBe(3);
    await sleep(3100);
    await failLogins(t, tenant.adminEmail, 3);
    expect((await login(t, tenant.adminEmail)).body.error.details.retryAfterSeconds).toBe(6);
  });

  it("throttles the current-password check of a password change, sharing the count with sign-in", async () => {
    const tenant = await signUp(t);
    for (let i = 0; i < 3; i++) {
      const res = await call(t, "POST", "/users/me/password", {
        token: tenant.token,
        body: { currentPassword: WRONG, newPassword: "new-password-123" },
      });
      expect(res.status).toBe(400);
    }
    const right = await call(t, "POST", "/users/me/password", {
      token: tenant.token,
      body: { currentPassword: PASSWORD, newPassword: "new-password-123" },
    });
    expect(right.status).toBe(429);
    expect((await login(t, tenant.adminEmail)).status).toBe(429);
  });

  it("a password reset lifts the lock", async () => {
    const tenant = await signUp(t);
    await failLogins(t, tenant.adminEmail, 3);
    mailer.clear();
    await call(t, "POST", "/auth/password/forgot", { body: { email: tenant.adminEmail } });
    await t.context.container.services.passwordReset.idle();
    const token = tokenFromMail(mailer.to(tenant.adminEmail).at(-1));
    expect(
      (await call(t, "POST", "/auth/password/reset", { body: { token, password: "reset-password-1" } }))
        .status,
    ).toBe(200);
    expect((await login(t, tenant.adminEmail, "reset-password-1")).status).toBe(200);
  });

  it("an administrator lifts the lock; a manager who cannot manage the user cannot", async () => {
    const tenant = await signUp(t);
    const member = await addMember(t, tenant.token, tenant.generalId);
    const other = await signUp(t, "Other");
    await failLogins(t, member.email, 3);
    expect((await login(t, member.email)).status).toBe(429);
    expect((await call(t, "POST", `/users/${member.id}/unlock`, { token: member.token })).status).toBe(403);
    expect((await call(t, "POST", `/users/${member.id}/unlock`, { token: other.token })).status).toBe(404);
    const unlocked = await call(t, "POST", `/users/${member.id}/unlock`, { token: tenant.token });
    expect(unlocked.status, JSON.stringify(unlocked.body)).toBe(200);
    expect(unlocked.body).toMatchObject({ wasLocked: true, user: { id: member.id } });
    expect((await login(t, member.email)).status).toBe(200);
  });
});

/** Two replicas on one database and one Redis count every attempt against the same account once. */
describe.runIf(redisUrl)("security: account lockout across replicas (REDIS_URL)", () => {
  const env = { ...LOCKOUT, REDIS_URL: redisUrl ?? "" };
  const t = useTestApp({ env });
  let replica: { container: Container; app: Awaited<ReturnType<typeof buildApp>> };

  beforeAll(async () => {
    const container = await createContainer(testConfig(env), {
      logger: createLogger("silent"),
      database: t.context.database.handle,
    });
    replica = { container, app: await buildApp(container) };
  });
  afterAll(async () => {
    await replica?.app.close();
    await replica?.container.close();
  });

  it("sees one counter: failures on both replicas lock the account on both", async () => {
    const tenant = await signUp(t);
    const second = { ...t, app: replica.app } as TestApp;
    await failLogins(t, tenant.adminEmail, 2);
    await failLogins(second, tenant.adminEmail, 1);
    expect((await login(second, tenant.adminEmail)).status).toBe(429);
    expect((await login(t, tenant.adminEmail)).status).toBe(429);
  });
});
