import { eq } from "drizzle-orm";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { sessions, users } from "../../src/db/schema/index.js";
import { hashPassword } from "../../src/lib/passwords.js";
import { hashToken } from "../../src/lib/secrets.js";
import { encodeCacheValue } from "../../src/providers/cache/codec.js";
import { MemoryCache } from "../../src/providers/cache/memory-cache.js";
import { call, PASSWORD, signUp, type TestApp } from "../http/identity-helpers.js";
import { useTestApp } from "../setup/container.js";

const redisUrl = process.env.TEST_REDIS_URL;

/** The session id inside an access token (its `sid` claim). */
const sessionIdOf = (accessToken: string): string =>
  JSON.parse(Buffer.from(accessToken.split(".")[1]!, "base64url").toString()).sid;

/** Signs up, makes an authenticated request (which caches the user and the session) and returns the secrets. */
async function cachedIdentity(t: TestApp) {
  const tenant = await signUp(t);
  expect((await call(t, "GET", "/auth/me", { token: tenant.token })).status).toBe(200);
  const db = t.context.container.database.db;
  const [row] = await db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, tenant.adminId));
  const sessionId = sessionIdOf(tenant.token);
  const [session] = await db
    .select({ hash: sessions.refreshTokenHash })
    .from(sessions)
    .where(eq(sessions.id, sessionId));
  expect(row?.hash).toMatch(/^\$argon2/);
  expect(session?.hash).toBe(hashToken(tenant.refreshToken));
  return { tenant, sessionId, secrets: [row!.hash!, session!.hash, "$argon2"] };
}

function expectNoSecrets(raw: string | undefined, secrets: string[]) {
  expect(raw, "the row is cached").toBeDefined();
  for (const secret of secrets) expect(raw).not.toContain(secret);
  expect(raw).not.toMatch(/passwordHash|refreshTokenHash/);
}

/** Finding 7: cached identity rows carry no password or token hashes. */
describe("security: the in-process cache holds no password or token hashes", () => {
  const cache = new MemoryCache(1000);
  const t = useTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "1000" }, infra: { cache } });

  it("caches users and sessions without their hashes", async () => {
    const { tenant, sessionId, secrets } = await cachedIdentity(t);
    for (const key of [`user:${tenant.adminId}`, `session:${sessionId}`]) {
      const value = await cache.get(key);
      expectNoSecrets(value === undefined ? undefined : encodeCacheValue(value), secrets);
    }
  });

  it("checks the current password against the database, not a cached copy", async () => {
    const { tenant } = await cachedIdentity(t);
    // Changed behind the repository's back, so a cached row (if it held a hash) would be stale.
    await t.context.container.database.db
      .update(users)
      .set({ passwordHash: await hashPassword("rotated-elsewhere-1") })
      .where(eq(users.id, tenant.adminId));
    const stale = await call(t, "POST", "/users/me/password", {
      token: tenant.token,
      body: { currentPassword: PASSWORD, newPassword: "brand-new-password-2" },
    });
    expect(stale.status).toBe(400);
    const fresh = await call(t, "POST", "/users/me/password", {
      token: tenant.token,
      body: { currentPassword: "rotated-elsewhere-1", newPassword: "brand-new-password-2" },
    });
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(200);
  });
});

describe.runIf(redisUrl)("security: the Redis cache holds no password or token hashes", () => {
  const t = useTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "1000", REDIS_URL: redisUrl ?? "" } });
  const redis = new Redis(redisUrl ?? "redis://127.0.0.1:6379", { lazyConnect: true });
  afterAll(() => redis.disconnect());

  it("stores users and sessions in Redis without their hashes", async () => {
    const { tenant, sessionId, secrets } = await cachedIdentity(t);
    for (const key of [`atrium:user:${tenant.adminId}`, `atrium:session:${sessionId}`]) {
      const raw = await redis.get(key);
      expectNoSecrets(raw ?? undefined, secrets);
    }
  });
});
