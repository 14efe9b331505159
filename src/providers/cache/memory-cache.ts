import { LRUCache } from "lru-cache";
import type { Cache } from "./cache.js";

/**
 * In-process LRU. A value is cloned once when stored and deep-frozen, then handed out as is: readers
 * share one immutable copy (Dates stay Dates) instead of paying a structured clone on every hit, and a
 * caller that tried to mutate a cached row would fail loudly instead of corrupting the cache.
 */
export class MemoryCache implements Cache {
  readonly kind = "memory";
  private readonly lru: LRUCache<string, { value: unknown }>;

  constructor(maxEntries: number) {
    this.lru = new LRUCache({ max: maxEntries });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const entry = this.lru.get(key);
    return entry === undefined ? undefined : (entry.value as T);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    this.lru.set(key, { value: deepFreeze(structuredClone(value)) }, { ttl: ttlSeconds * 1000 });
  }

  async delete(...keys: string[]): Promise<void> {
    for (const key of keys) this.lru.delete(key);
  }

  async close(): Promise<void> {
    this.lru.clear();
  }
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || Object.isFrozen(value) || ArrayBuffer.isView(value)) {
    return value;
  }
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
