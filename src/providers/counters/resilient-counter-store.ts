import type { Logger } from "../../lib/logger.js";
import { OutageLog } from "../../lib/outage-log.js";
import type { CounterStore } from "./counter-store.js";
import { MemoryCounterStore } from "./memory-counter-store.js";

/**
 * Counters that keep counting when Redis is down: each operation falls back to this process's own
 * counters (logged once per outage), so sign-in throttling weakens to per replica instead of failing
 * every sign-in or letting guesses through unthrottled.
 */
export class ResilientCounterStore implements CounterStore {
  private readonly fallback = new MemoryCounterStore();
  private readonly outage: OutageLog;

  constructor(
    private readonly inner: CounterStore,
    logger: Logger,
  ) {
    this.outage = new OutageLog(logger, {
      down: "counter store unavailable; counting in this process",
      up: "counter store recovered",
    });
  }

  get kind() {
    return this.inner.kind;
  }

  increment(key: string, ttlMs: number): Promise<number> {
    return this.attempt("increment", (store) => store.increment(key, ttlMs));
  }

  set(key: string, value: number, ttlMs: number): Promise<void> {
    return this.attempt("set", (store) => store.set(key, value, ttlMs));
  }

  remainingMs(key: string): Promise<number> {
    return this.attempt("remainingMs", (store) => store.remainingMs(key));
  }

  async delete(...keys: string[]): Promise<void> {
    await this.fallback.delete(...keys);
    await this.attempt("delete", (store) => store.delete(...keys));
  }

  async close(): Promise<void> {
    await this.fallback.close();
    await this.inner.close();
  }

  private async attempt<T>(operation: string, run: (store: CounterStore) => Promise<T>): Promise<T> {
    try {
      const result = await run(this.inner);
      this.outage.succeeded({ counters: this.inner.kind });
      return result;
    } catch (error) {
      this.outage.failed({ counters: this.inner.kind, operation, err: (error as Error).message });
      return run(this.fallback);
    }
  }
}
