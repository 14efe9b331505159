import { Redis } from "ioredis";
import type { Cache } from "./cache.js";
import { decodeCacheValue, encodeCacheValue } from "./codec.js";

/** Redis-backed cache. Fails fast when Redis is down so callers can fall back to the database. */
export class RedisCache implements Cache {
  readonly kind = "redis";
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix = "atrium:",
  ) {
    this.redis = new Redis(url, {
      lazyConnect: false,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 2_000,
      commandTimeout: 1_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    // Connection errors are reported per command to the caller; the client keeps reconnecting.
    this.redis.on("error", () => {});
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.redis.get(this.prefix + key);
    return raw === null ? undefined : decodeCacheValue<T>(raw);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.prefix + key, encodeCacheValue(value), "EX", ttlSeconds);
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length > 0) await this.redis.del(...keys.map((k) => this.prefix + k));
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
