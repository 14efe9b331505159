import {
  and,
  asc,
  count,
  desc,
  eq,
  getTableColumns,
  getTableName,
  type InferInsertModel,
  type InferSelectModel,
  inArray,
  lt,
  type SQL,
  sql,
} from "drizzle-orm";
import { toSnakeCase } from "drizzle-orm/casing";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { newId } from "../lib/ids.js";
import {
  buildCursorPage,
  buildPage,
  type CursorPage,
  decodeCursor,
  type Page,
  type PageQuery,
  toOffset,
} from "../lib/pagination.js";

/** Tables with the common columns every Atrium table has (see db/schema/_columns.ts). */
export type EntityTable = PgTable & { id: PgColumn; createdAt: PgColumn; updatedAt: PgColumn };

export type Row<T extends EntityTable> = InferSelectModel<T>;
export type NewRow<T extends EntityTable> = InferInsertModel<T>;
export type Patch<T extends EntityTable> = Partial<NewRow<T>>;

/**
 * An insert or update built by its table's repository but not run: another repository's statement
 * carries it along as a data-modifying CTE (see `ConversationRepository.appendMessage`), so several
 * rows of different tables are written in one round trip, atomically, without a transaction.
 */
export interface PendingWrite {
  readonly table: string;
  /** The insert or update, ending in `returning id` (a CTE needs a result). */
  readonly statement: SQL;
}

/**
 * SQL-only data access for one table: create, read, update, delete, offset and keyset pages.
 * Every method takes an optional transaction, returns rows through `returning()`, and rethrows
 * constraint violations as AppErrors. Domain repositories extend it with their own queries.
 *
 * Rows carry `columns`: every column by default; a repository whose table holds secrets (password
 * or token hashes) narrows it to an explicit set with the row type `R`, so those never travel with a
 * row (nor into a cache) and are read only by the queries that need them.
 */
export class TableRepository<T extends EntityTable, R extends object = Row<T>> {
  protected readonly columns: Record<string, PgColumn>;

  constructor(
    protected readonly db: Queryable,
    protected readonly table: T,
    columns?: Record<string, PgColumn>,
  ) {
    this.columns = columns ?? (getTableColumns(table as PgTable) as Record<string, PgColumn>);
  }

  protected q(tx?: Queryable): Queryable {
    return tx ?? this.db;
  }

  /**
   * Whether `tx` is an open transaction. Services pass their context's database as `tx` too; that is
   * the root database, not a transaction, so caches and prepared statements still apply to it.
   */
  protected inTransaction(tx?: Queryable): tx is Queryable {
    return tx !== undefined && tx !== this.db;
  }

  async create(values: NewRow<T>, tx?: Queryable): Promise<R> {
    const rows = await guarded(() =>
      this.q(tx)
        .insert(this.table)
        .values(values as never)
        .returning(this.columns),
    );
    return (rows as R[])[0]!;
  }

  async createMany(values: NewRow<T>[], tx?: Queryable): Promise<R[]> {
    if (values.length === 0) return [];
    const rows = await guarded(() =>
      this.q(tx)
        .insert(this.table)
        .values(values as never)
        .returning(this.columns),
    );
    return rows as R[];
  }

  async findById(id: string, tx?: Queryable): Promise<R | undefined> {
    return this.findOne(eq(this.table.id, id), tx);
  }

  async findByIds(ids: string[], tx?: Queryable): Promise<R[]> {
    if (ids.length === 0) return [];
    return this.findMany(inArray(this.table.id, ids), tx);
  }

  async findOne(where: SQL | undefined, tx?: Queryable): Promise<R | undefined> {
    const rows = await guarded(() =>
      this.q(tx)
        .select(this.columns)
        .from(this.table as PgTable)
        .where(where)
        .limit(1),
    );
    return (rows as R[])[0];
  }

  async findMany(where: SQL | undefined, tx?: Queryable, limit = 1000): Promise<R[]> {
    const rows = await guarded(() =>
      this.q(tx)
        .select(this.columns)
        .from(this.table as PgTable)
        .where(where)
        .orderBy(asc(this.table.createdAt), asc(this.table.id))
        .limit(limit),
    );
    return rows as R[];
  }

  /**
   * Many rows as one `jsonb` parameter read by `jsonb_to_recordset`, as a write for another statement
   * to carry. Building a multi-row VALUES list costs Drizzle about 10 µs a value (a turn's eight
   * retrieval hits, over a millisecond); this is one JSON.stringify. For rows that share their keys and
   * plain column types (uuid, text, numbers, booleans, timestamps, jsonb); ids are made when missing,
   * columns left out take their database defaults.
   */
  insertRowsStatement(rows: readonly NewRow<T>[]): PendingWrite {
    const columns = getTableColumns(this.table as PgTable) as Record<string, PgColumn>;
    const keys = [...new Set(["id", ...rows.flatMap((row) => Object.keys(row))])].filter(
      (key) => columns[key] !== undefined,
    );
    // The schema names columns by their keys; the database spells them in snake_case (db/client.ts).
    const nameOf = (key: string) => {
      const column = columns[key]!;
      return column.keyAsName ? toSnakeCase(column.name) : column.name;
    };
    const records = rows.map((row) =>
      Object.fromEntries(
        keys.map((key) => {
          const value = (row as Record<string, unknown>)[key];
          return [nameOf(key), key === "id" ? (value ?? newId()) : (value ?? null)];
        }),
      ),
    );
    const names = sql.join(
      keys.map((key) => sql.identifier(nameOf(key))),
      sql`, `,
    );
    const types = sql.join(
      keys.map((key) => sql`${sql.identifier(nameOf(key))} ${sql.raw(columns[key]!.getSQLType())}`),
      sql`, `,
    );
    return {
      table: getTableName(this.table),
      statement: sql`insert into ${this.table} (${names}) select ${names} from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as rows(${types}) returning id`,
    };
  }

  /** `update` as a write for another statement to carry (see PendingWrite). */
  updateStatement(id: string, patch: Patch<T>): PendingWrite {
    return {
      table: getTableName(this.table),
      statement: this.db
        .update(this.table)
        .set({ ...patch, updatedAt: new Date() } as never)
        .where(eq(this.table.id, id))
        .returning({ id: this.table.id })
        .getSQL(),
    };
  }

  async update(id: string, patch: Patch<T>, tx?: Queryable): Promise<R | undefined> {
    return (await this.updateWhere(eq(this.table.id, id), patch, tx))[0];
  }

  async updateWhere(where: SQL | undefined, patch: Patch<T>, tx?: Queryable): Promise<R[]> {
    const values = { ...patch, updatedAt: new Date() };
    const rows = await guarded(() =>
      this.q(tx)
        .update(this.table)
        .set(values as never)
        .where(where)
        .returning(this.columns),
    );
    return rows as R[];
  }

  async delete(id: string, tx?: Queryable): Promise<boolean> {
    return (await this.deleteWhere(eq(this.table.id, id), tx)) > 0;
  }

  async deleteWhere(where: SQL | undefined, tx?: Queryable): Promise<number> {
    const rows = await guarded(() =>
      this.q(tx).delete(this.table).where(where).returning({ id: this.table.id }),
    );
    return rows.length;
  }

  async count(where: SQL | undefined, tx?: Queryable): Promise<number> {
    const rows = await guarded(() =>
      this.q(tx)
        .select({ n: count() })
        .from(this.table as PgTable)
        .where(where),
    );
    return rows[0]?.n ?? 0;
  }

  /** Offset page, newest first (ties broken by id so pages never overlap). */
  async page(where: SQL | undefined, query: PageQuery, tx?: Queryable): Promise<Page<R>> {
    const { limit, offset } = toOffset(query);
    // One round trip: the window count rides along with the page's rows.
    const rows = (await guarded(() =>
      this.q(tx)
        // Nested, so each row comes back as its own object: deleting a key from it would drop V8's
        // fast properties for every later read of the row (serialisation included).
        .select({
          row: this.columns,
          pageTotal: sql<number>`count(*) over()`.mapWith(Number),
        })
        .from(this.table as PgTable)
        .where(where)
        .orderBy(desc(this.table.createdAt), desc(this.table.id))
        .limit(limit)
        .offset(offset),
    )) as { row: R; pageTotal: number }[];
    const first = rows[0];
    // Past the last page there are no rows to carry the count, so ask for it (rare).
    const total = first ? first.pageTotal : offset > 0 ? await this.count(where, tx) : 0;
    return buildPage(
      rows.map((r) => r.row),
      query,
      total,
    );
  }

  /** Keyset page, newest first: stable under concurrent inserts and O(limit) at any depth. */
  async pageAfter(
    where: SQL | undefined,
    options: { cursor?: string | undefined; limit: number },
    tx?: Queryable,
  ): Promise<CursorPage<R>> {
    const after = options.cursor ? lt(this.table.id, decodeCursor(options.cursor).id) : undefined;
    const rows = await guarded(() =>
      this.q(tx)
        .select(this.columns)
        .from(this.table as PgTable)
        .where(and(where, after))
        .orderBy(desc(this.table.id))
        .limit(options.limit + 1),
    );
    return buildCursorPage(rows as (R & { id: string })[], options.limit);
  }
}
