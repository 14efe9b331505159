import { eq, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Queryable } from "../db/client.js";
import { afterCommit } from "../db/transaction.js";
import type { Cache } from "../providers/cache/cache.js";
import { type EntityTable, type Patch, type Row, TableRepository } from "./table-repository.js";

/**
 * Seed 001's cached repository pattern: reads by id go through the cache, every write through this
 * repository invalidates the rows it touched. Reads inside a transaction bypass the cache so uncommitted
 * rows are never cached (the root database passed as `tx` is not a transaction: it reads through).
 * The cache itself never throws (ResilientCache), so an outage means database reads.
 */
export class CachedTableRepository<T extends EntityTable, R extends object = Row<T>> extends TableRepository<
  T,
  R
> {
  constructor(
    db: Queryable,
    table: T,
    protected readonly cache: Cache,
    protected readonly namespace: string,
    protected readonly ttlSeconds: number,
    columns?: Record<string, PgColumn>,
  ) {
    super(db, table, columns);
  }

  protected key(id: string): string {
    return `${this.namespace}:${id}`;
  }

  override async findById(id: string, tx?: Queryable): Promise<R | undefined> {
    if (this.inTransaction(tx)) return super.findById(id, tx);
    const cached = await this.cache.get<R>(this.key(id));
    if (cached) return cached;
    const row = await super.findById(id);
    if (row) await this.cache.set(this.key(id), row, this.ttlSeconds);
    return row;
  }

  override async updateWhere(where: SQL | undefined, patch: Patch<T>, tx?: Queryable): Promise<R[]> {
    const rows = await super.updateWhere(where, patch, tx);
    await this.invalidateOnWrite(rows, tx);
    return rows;
  }

  override async deleteWhere(where: SQL | undefined, tx?: Queryable): Promise<number> {
    const rows = await this.findMany(where, tx, 10_000);
    const deleted = await super.deleteWhere(where, tx);
    await this.invalidateOnWrite(rows, tx);
    return deleted;
  }

  override async delete(id: string, tx?: Queryable): Promise<boolean> {
    const row = await super.findById(id, tx);
    const deleted = (await super.deleteWhere(eq(this.table.id, id), tx)) > 0;
    if (row) await this.invalidateOnWrite([row], tx);
    return deleted;
  }

  /**
   * Invalidates now and, inside a transaction, again after it commits: while it is open another
   * connection still reads the old row and may cache it, which would then outlive the commit.
   */
  protected async invalidateOnWrite(rows: R[], tx?: Queryable): Promise<void> {
    await this.invalidate(rows);
    if (this.inTransaction(tx) && rows.length > 0) afterCommit(tx, () => this.invalidate(rows));
  }

  /** Drops cached copies of these rows; subclasses extend it for derived keys (lists, lookups). */
  protected async invalidate(rows: R[]): Promise<void> {
    if (rows.length > 0) await this.cache.delete(...rows.map((r) => this.key((r as { id: string }).id)));
  }
}
