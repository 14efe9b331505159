import { customType, timestamp, uuid } from "drizzle-orm/pg-core";
import { newId } from "../../lib/ids.js";

/** Primary key: UUID v7 generated in the application (time-ordered, index friendly). */
export const id = () =>
  uuid()
    .primaryKey()
    .$defaultFn(() => newId());

/** created_at / updated_at, both set by the database on insert; repositories set updated_at on update. */
export const timestamps = () => ({
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * pgvector `halfvec` without a fixed dimension: models of different sizes share one column and each
 * model gets its own partial expression HNSW index (`(embedding::halfvec(D)) WHERE embedding_model = …`).
 */
export const halfvec = customType<{ data: number[]; driverData: string }>({
  dataType() {
    return "halfvec";
  },
  toDriver(value: number[]): string {
    return `[${value.join(",")}]`;
  },
  fromDriver(value: string | unknown): number[] {
    if (typeof value !== "string") return value as number[];
    return value
      .slice(1, -1)
      .split(",")
      .filter((v) => v.length > 0)
      .map(Number);
  },
});

/** Postgres tsvector, filled by a generated column. */
export const tsvector = customType<{ data: string }>({
  dataType() {
    return "tsvector";
  },
});
