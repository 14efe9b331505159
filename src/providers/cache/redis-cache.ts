import type { Redis } from "ioredis";
import { connectRedis } from "../redis-client.js";
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
    // A cache read never waits for Redis: it fails fast and the caller reads the database.
    this.redis = connectRedis(url, { queueWhileConnecting: false });
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
