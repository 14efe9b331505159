import type { Logger } from "../../lib/logger.js";
import { OutageLog } from "../../lib/outage-log.js";
import type { Cache } from "./cache.js";

/**
 * A cache that never throws: an outage turns reads into misses and writes into no-ops, logged once per
 * outage, so the repositories fall through to the database.
 */
export class ResilientCache implements Cache {
  private readonly outage: OutageLog;

  constructor(
    private readonly inner: Cache,
    logger: Logger,
  ) {
    this.outage = new OutageLog(logger, {
      down: "cache unavailable; using the database",
      up: "cache recovered",
    });
  }

  get kind() {
    return this.inner.kind;
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.attempt("get", () => this.inner.get<T>(key), undefined);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    await this.attempt("set", () => this.inner.set(key, value, ttlSeconds), undefined);
  }

  async delete(...keys: string[]): Promise<void> {
    await this.attempt("delete", () => this.inner.delete(...keys), undefined);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async attempt<T>(operation: string, run: () => Promise<T>, fallback: T): Promise<T> {
    try {
      const result = await run();
      this.outage.succeeded({ cache: this.inner.kind });
      return result;
    } catch (error) {
      this.outage.failed({ cache: this.inner.kind, operation, err: (error as Error).message });
      return fallback;
    }
  }
}
