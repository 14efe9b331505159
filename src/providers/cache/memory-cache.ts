import { LRUCache } from "lru-cache";
import type { Cache } from "./cache.js";
import { decodeCacheValue, encodeCacheValue } from "./codec.js";

/** In-process LRU; values are stored serialised so callers never share mutable objects. */
export class MemoryCache implements Cache {
  readonly kind = "memory";
  private readonly lru: LRUCache<string, string>;

  constructor(maxEntries: number) {
    this.lru = new LRUCache({ max: maxEntries });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = this.lru.get(key);
    return raw === undefined ? undefined : decodeCacheValue<T>(raw);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    this.lru.set(key, encodeCacheValue(value), { ttl: ttlSeconds * 1000 });
  }

  async delete(...keys: string[]): Promise<void> {
    for (const key of keys) this.lru.delete(key);
  }

  async close(): Promise<void> {
    this.lru.clear();
  }
}
