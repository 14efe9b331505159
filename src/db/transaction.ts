import type { Db, Queryable, Tx } from "./client.js";
import { translateDbError } from "./errors.js";

/**
 * Runs `work` in a transaction; nested calls reuse the open transaction as a savepoint.
 * Any error rolls back everything and surfaces as an AppError where it is a database rule.
 */
export async function withTransaction<T>(db: Queryable, work: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await (db as Db).transaction(work);
  } catch (error) {
    throw translateDbError(error);
  }
}
