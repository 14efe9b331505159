import { LRUCache } from "lru-cache";
import type { Cache } from "./cache.js";

/**
 * In-process LRU. Values are stored and handed out as structured clones (Dates stay Dates), so callers
 * never share mutable objects, without a JSON round trip on every hit.
 */
export class MemoryCache implements Cache {
  readonly kind = "memory";
  private readonly lru: LRUCache<string, { value: unknown }>;

  constructor(maxEntries: number) {
    this.lru = new LRUCache({ max: maxEntries });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const entry = this.lru.get(key);
    return entry === undefined ? undefined : (structuredClone(entry.value) as T);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    this.lru.set(key, { value: structuredClone(value) }, { ttl: ttlSeconds * 1000 });
  }

  async delete(...keys: string[]): Promise<void> {
    for (const key of keys) this.lru.delete(key);
  }

  async close(): Promise<void> {
    this.lru.clear();
  }
}
