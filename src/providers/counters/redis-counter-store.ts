import type { Redis } from "ioredis";
import { connectRedis } from "../redis-client.js";
import type { CounterStore } from "./counter-store.js";

/** INCR and, for a new key, PEXPIRE in one step, so concurrent increments never lose the expiry. */
const INCREMENT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** Counters in Redis, shared by every replica. Fails fast when Redis is down (see ResilientCounterStore). */
export class RedisCounterStore implements CounterStore {
  readonly kind = "redis";
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix = "atrium:",
  ) {
    this.redis = connectRedis(url, { queueWhileConnecting: false });
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    return Number(await this.redis.eval(INCREMENT, 1, this.prefix + key, ttlMs));
  }

  async set(key: string, value: number, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + key, value, "PX", ttlMs);
  }

  async remainingMs(key: string): Promise<number> {
    return Math.max(0, await this.redis.pttl(this.prefix + key));
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length > 0) await this.redis.del(...keys.map((k) => this.prefix + k));
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
