import type { Logger } from "../../lib/logger.js";
import type { Cache } from "./cache.js";

/**
 * A cache that never throws: an outage turns reads into misses and writes into no-ops, logged once per
 * outage, so the repositories fall through to the database.
 */
export class ResilientCache implements Cache {
  private failing = false;

  constructor(
    private readonly inner: Cache,
    private readonly logger: Logger,
  ) {}

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
      if (this.failing) {
        this.failing = false;
        this.logger.info({ cache: this.inner.kind }, "cache recovered");
      }
      return result;
    } catch (error) {
      if (!this.failing) {
        this.failing = true;
        this.logger.warn(
          { cache: this.inner.kind, operation, err: (error as Error).message },
          "cache unavailable; using the database",
        );
      }
      return fallback;
    }
  }
}
