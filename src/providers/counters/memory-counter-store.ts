import { LRUCache } from "lru-cache";
import type { CounterStore } from "./counter-store.js";

/** In-process counters, bounded in number; what a single process (or a Redis outage) falls back to. */
export class MemoryCounterStore implements CounterStore {
  readonly kind = "memory";
  private readonly entries: LRUCache<string, { value: number; expiresAt: number }>;

  constructor(maxEntries = 100_000) {
    this.entries = new LRUCache({ max: maxEntries });
  }

  private live(key: string) {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const entry = this.live(key);
    const next = { value: (entry?.value ?? 0) + 1, expiresAt: entry?.expiresAt ?? Date.now() + ttlMs };
    this.entries.set(key, next);
    return next.value;
  }

  async set(key: string, value: number, ttlMs: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: Date.now() + ttlMs });
  }

  async remainingMs(key: string): Promise<number> {
    const entry = this.live(key);
    return entry ? entry.expiresAt - Date.now() : 0;
  }

  async delete(...keys: string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
