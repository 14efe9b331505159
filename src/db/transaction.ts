import type { Db, Queryable, Tx } from "./client.js";
import { translateDbError } from "./errors.js";

/** Work waiting for the outermost open transaction to commit; nested transactions share their root's list. */
const afterCommitHooks = new WeakMap<object, Array<() => Promise<void>>>();

/**
 * Runs `hook` once the transaction `tx` belongs to has committed (never when it rolls back), e.g. to drop
 * cache entries: dropped earlier, another connection could re-cache the old row before the commit.
 * Returns false when `tx` was not opened by withTransaction; the caller then has no later moment to use.
 */
export function afterCommit(tx: Queryable, hook: () => Promise<void>): boolean {
  const hooks = afterCommitHooks.get(tx);
  if (!hooks) return false;
  hooks.push(hook);
  return true;
}

/**
 * Runs `work` in a transaction; nested calls reuse the open transaction as a savepoint.
 * Any error rolls back everything and surfaces as an AppError where it is a database rule.
 */
export async function withTransaction<T>(db: Queryable, work: (tx: Tx) => Promise<T>): Promise<T> {
  const parentHooks = afterCommitHooks.get(db);
  const hooks = parentHooks ?? [];
  let result: T;
  try {
    result = await (db as Db).transaction((tx) => {
      afterCommitHooks.set(tx, hooks);
      return work(tx);
    });
  } catch (error) {
    throw translateDbError(error);
  }
  // Hooks must not fail a transaction that has already committed.
  if (!parentHooks) await Promise.allSettled(hooks.map((hook) => hook()));
  return result;
}
