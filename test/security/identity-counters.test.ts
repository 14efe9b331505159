import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/lib/logger.js";
import type { CounterStore } from "../../src/providers/counters/counter-store.js";
import { MemoryCounterStore } from "../../src/providers/counters/memory-counter-store.js";
import { RedisCounterStore } from "../../src/providers/counters/redis-counter-store.js";
import { ResilientCounterStore } from "../../src/providers/counters/resilient-counter-store.js";
import { uniq } from "../http/identity-helpers.js";

const redisUrl = process.env.TEST_REDIS_URL;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The counters behind per-account throttling: the same behaviour in process and in Redis. */
describe.each([
  ["memory", () => new MemoryCounterStore()],
  ...(redisUrl ? [["redis", () => new RedisCounterStore(redisUrl)] as const] : []),
] as const)("security: %s counter store", (_name, make) => {
  const store: CounterStore = make();
  afterAll(() => store.close());

  it("counts atomically, expires from the first increment, and forgets on delete", async () => {
    const key = uniq("counter:");
    const counts = await Promise.all(Array.from({ length: 10 }, () => store.increment(key, 300)));
    expect(counts.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const left = await store.remainingMs(key);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(300);
    await sleep(350);
    expect(await store.remainingMs(key)).toBe(0);
    expect(await store.increment(key, 1000)).toBe(1);
    await store.set(key, 7, 1000);
    expect(await store.increment(key, 1000)).toBe(8);
    await store.delete(key);
    expect(await store.remainingMs(key)).toBe(0);
  });
});

describe("security: counters survive a Redis outage", () => {
  it("counts in the process when Redis cannot be reached", async () => {
    const store = new ResilientCounterStore(
      new RedisCounterStore("redis://127.0.0.1:1"),
      createLogger("silent"),
    );
    try {
      const key = uniq("outage:");
      expect(await store.increment(key, 1000)).toBe(1);
      expect(await store.increment(key, 1000)).toBe(2);
      expect(await store.remainingMs(key)).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
