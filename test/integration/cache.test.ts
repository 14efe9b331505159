import { Writable } from "node:stream";
import { eq } from "drizzle-orm";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Infra } from "../../src/app/container.js";
import { conversations, messages, users } from "../../src/db/schema/index.js";
import { withTransaction } from "../../src/db/transaction.js";
import { createLogger } from "../../src/lib/logger.js";
import type { Cache } from "../../src/providers/cache/cache.js";
import { MemoryCache } from "../../src/providers/cache/memory-cache.js";
import { RedisCache } from "../../src/providers/cache/redis-cache.js";
import { ResilientCache } from "../../src/providers/cache/resilient-cache.js";
import {
  makeConversation,
  makeMessage,
  makeOrg,
  makeUser,
  messageValues,
  type OrgRow,
} from "../factories/index.js";
import { createTestContainer, destroyTestContainer, type TestContext } from "../setup/container.js";

const redisUrl = process.env.TEST_REDIS_URL;

/** A container per describe block; `infra` is built lazily so skipped blocks open no connections. */
function useContainer(infra: () => Omit<Infra, "database"> = () => ({})) {
  const holder = {} as { current: TestContext; org: OrgRow };
  beforeAll(async () => {
    holder.current = await createTestContainer({ infra: infra() });
    holder.org = await makeOrg(holder.current.container.repositories);
  });
  afterAll(() => destroyTestContainer(holder.current));
  return holder;
}

/** Invalidation behaviour every cache backend must give the cached repositories. */
function cachedRepositoryBehaviour(t: ReturnType<typeof useContainer>) {
  const repos = () => t.current.container.repositories;
  const db = () => t.current.container.database.db;

  it("users: the second read is served from the cache until an update through the repository", async () => {
    const user = await makeUser(repos(), t.org.id, { name: "Original" });
    expect((await repos().users.findById(user.id))?.name).toBe("Original");
    await db().update(users).set({ name: "Behind the back" }).where(eq(users.id, user.id));
    const cached = await repos().users.findById(user.id);
    expect(cached?.name).toBe("Original");
    expect(cached?.createdAt).toBeInstanceOf(Date);
    expect(cached?.createdAt.getTime()).toBe(user.createdAt.getTime());
    expect(cached).toEqual(user);

    await repos().users.update(user.id, { phone: "+100" });
    expect(await repos().users.findById(user.id)).toMatchObject({ name: "Behind the back", phone: "+100" });

    await repos().users.findById(user.id);
    await repos().users.bumpTokenVersion(user.id);
    expect((await repos().users.findById(user.id))?.tokenVersion).toBe(1);

    await repos().users.delete(user.id);
    expect(await repos().users.findById(user.id)).toBeUndefined();
  });

  it("conversations: cached by id, invalidated by update and appendMessage", async () => {
    const user = await makeUser(repos(), t.org.id);
    const conversation = await makeConversation(repos(), user, { title: "Before" });
    await repos().conversations.findById(conversation.id);
    await db().update(conversations).set({ title: "Raw" }).where(eq(conversations.id, conversation.id));
    expect((await repos().conversations.findById(conversation.id))?.title).toBe("Before");

    await repos().conversations.appendMessage(messageValues(conversation, { content: "hello" }));
    const fresh = await repos().conversations.findById(conversation.id);
    expect(fresh).toMatchObject({ title: "Raw", messageCount: 1 });
    expect(fresh?.lastMessageAt).toBeInstanceOf(Date);
  });

  it("messages: by id and recent history are cached; create, update and delete invalidate", async () => {
    const user = await makeUser(repos(), t.org.id);
    const conversation = await makeConversation(repos(), user);
    const first = await makeMessage(repos(), conversation, { content: "one" });
    expect((await repos().messages.listRecent(conversation.id)).map((m) => m.content)).toEqual(["one"]);

    // A row written behind the repository's back is not seen: the history is cached.
    await db()
      .insert(messages)
      .values(messageValues(conversation, { content: "raw" }));
    const cachedHistory = await repos().messages.listRecent(conversation.id);
    expect(cachedHistory.map((m) => m.content)).toEqual(["one"]);
    expect(cachedHistory[0]?.createdAt).toBeInstanceOf(Date);

    await makeMessage(repos(), conversation, { content: "three" });
    expect((await repos().messages.listRecent(conversation.id)).map((m) => m.content)).toEqual([
      "one",
      "raw",
      "three",
    ]);
    expect((await repos().messages.listRecent(conversation.id, 2)).map((m) => m.content)).toEqual([
      "raw",
      "three",
    ]);

    await repos().messages.findById(first.id);
    await db().update(messages).set({ content: "raw edit" }).where(eq(messages.id, first.id));
    expect((await repos().messages.findById(first.id))?.content).toBe("one");
    await repos().messages.update(first.id, { heldForApproval: true });
    expect(await repos().messages.findById(first.id)).toMatchObject({
      content: "raw edit",
      heldForApproval: true,
    });
    expect((await repos().messages.listRecent(conversation.id))[0]?.content).toBe("raw edit");

    await repos().messages.delete(first.id);
    expect(await repos().messages.findById(first.id)).toBeUndefined();
    expect((await repos().messages.listRecent(conversation.id)).map((m) => m.content)).toEqual([
      "raw",
      "three",
    ]);
  });

  it("an update inside a transaction leaves no stale cached row after commit", async () => {
    const user = await makeUser(repos(), t.org.id, { name: "Committed" });
    await repos().users.findById(user.id);
    await withTransaction(db(), async (tx) => {
      await repos().users.update(user.id, { name: "Updated in tx" }, tx);
      // Another request reads the user while the transaction is open (server PostgreSQL only: PGlite has
      // one connection, so a read outside the transaction would wait for it).
      if (t.current.container.database.kind === "postgres") {
        expect((await repos().users.findById(user.id))?.name).toBe("Committed");
      }
    });
    expect((await repos().users.findById(user.id))?.name).toBe("Updated in tx");
  });

  it("a message appended inside a transaction shows in the cached history after commit", async () => {
    const user = await makeUser(repos(), t.org.id);
    const conversation = await makeConversation(repos(), user);
    await makeMessage(repos(), conversation, { content: "before" });
    await withTransaction(db(), async (tx) => {
      await repos().conversations.appendMessage(messageValues(conversation, { content: "in tx" }), {}, tx);
      if (t.current.container.database.kind === "postgres") {
        expect((await repos().messages.listRecent(conversation.id)).map((m) => m.content)).toEqual([
          "before",
        ]);
        expect((await repos().conversations.findById(conversation.id))?.messageCount).toBe(0);
      }
    });
    expect((await repos().messages.listRecent(conversation.id)).map((m) => m.content)).toEqual([
      "before",
      "in tx",
    ]);
    expect((await repos().conversations.findById(conversation.id))?.messageCount).toBe(1);
  });

  it("a rolled-back update leaves the cached row valid", async () => {
    const user = await makeUser(repos(), t.org.id, { name: "Kept" });
    await repos().users.findById(user.id);
    await expect(
      withTransaction(db(), async (tx) => {
        await repos().users.update(user.id, { name: "Discarded" }, tx);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect((await repos().users.findById(user.id))?.name).toBe("Kept");
  });
}

describe("cached repositories (in-memory cache)", () => {
  const t = useContainer();
  cachedRepositoryBehaviour(t);

  it("uses the in-process cache by default", () => {
    expect(t.current.container.cache.kind).toBe("memory");
  });
});

describe.runIf(redisUrl)("cached repositories (Redis)", () => {
  const t = useContainer(() => ({ cache: new RedisCache(redisUrl!) }));
  cachedRepositoryBehaviour(t);

  it("stores rows in Redis with a TTL", async () => {
    expect(t.current.container.cache.kind).toBe("redis");
    const user = await makeUser(t.current.container.repositories, t.org.id);
    await t.current.container.repositories.users.findById(user.id);
    const redis = new Redis(redisUrl!);
    try {
      const raw = await redis.get(`atrium:user:${user.id}`);
      expect(JSON.parse(raw!)).toMatchObject({
        id: user.id,
        email: user.email,
        createdAt: { $date: user.createdAt.toISOString() },
      });
      const ttl = await redis.ttl(`atrium:user:${user.id}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(t.current.container.config.cache.ttlSeconds);
    } finally {
      redis.disconnect();
    }
  });
});

describe("cache outage (Redis unreachable)", () => {
  const lines: string[] = [];
  const capture = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const t = useContainer(() => ({
    cache: new RedisCache("redis://127.0.0.1:1/0"),
    logger: createLogger("warn", capture),
  }));

  it("reads and writes through the cached repositories fall back to the database and a warning is logged", async () => {
    const repos = t.current.container.repositories;
    const user = await makeUser(repos, t.org.id, { name: "Ada" });
    expect(await repos.users.findById(user.id)).toEqual(user);
    // Nothing was cached: a change made behind the repository's back is visible at once.
    await t.current.container.database.db.update(users).set({ name: "Grace" }).where(eq(users.id, user.id));
    expect((await repos.users.findById(user.id))?.name).toBe("Grace");
    expect(await repos.users.update(user.id, { name: "Hopper" })).toMatchObject({ name: "Hopper" });

    const conversation = await makeConversation(repos, user);
    await repos.conversations.appendMessage(messageValues(conversation, { content: "still works" }));
    expect((await repos.messages.listRecent(conversation.id)).map((m) => m.content)).toEqual(["still works"]);
    expect(await repos.conversations.findById(conversation.id)).toMatchObject({ messageCount: 1 });
    expect(await repos.users.delete(user.id)).toBe(true);
    expect(await repos.users.findById(user.id)).toBeUndefined();

    const warnings = lines.map((line) => JSON.parse(line) as { level: number; msg: string; cache?: string });
    const outage = warnings.filter((w) => w.msg === "cache unavailable; using the database");
    expect(outage).toHaveLength(1);
    expect(outage[0]).toMatchObject({ level: 40, cache: "redis" });
  });
});

describe("ResilientCache", () => {
  /** A cache that fails while `down` is set. */
  function flaky() {
    const inner = new MemoryCache(100);
    const state = { down: false };
    const guard = async <T>(run: () => Promise<T>) => {
      if (state.down) throw new Error("connection refused");
      return run();
    };
    const cache: Cache = {
      kind: "redis",
      get: (key) => guard(() => inner.get(key)),
      set: (key, value, ttl) => guard(() => inner.set(key, value, ttl)),
      delete: (...keys) => guard(() => inner.delete(...keys)),
      close: () => inner.close(),
    };
    return { cache, state };
  }

  it("turns failures into misses, warns once per outage and reports recovery", async () => {
    const lines: string[] = [];
    const capture = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const { cache, state } = flaky();
    const resilient = new ResilientCache(cache, createLogger("info", capture));
    await resilient.set("k", { at: new Date(0) }, 60);
    state.down = true;
    await expect(resilient.get("k")).resolves.toBeUndefined();
    await expect(resilient.set("k2", 1, 60)).resolves.toBeUndefined();
    await expect(resilient.delete("k")).resolves.toBeUndefined();
    state.down = false;
    expect(await resilient.get("k")).toEqual({ at: new Date(0) });
    const messages = lines.map((l) => (JSON.parse(l) as { msg: string; level: number }).msg);
    expect(messages).toEqual(["cache unavailable; using the database", "cache recovered"]);
  });
});
