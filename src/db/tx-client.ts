import type pg from "pg";
import type { DatabaseHandle, Queryable } from "./client.js";

/**
 * The node-postgres connection an open Drizzle transaction runs on (server PostgreSQL only), so a
 * repository can stream COPY into the same transaction. Drizzle keeps it as `tx.session.client`; it is
 * not part of its typed API, hence this one guarded place. Undefined on PGlite or outside a transaction.
 */
export function transactionClient(
  handle: DatabaseHandle | undefined,
  tx: Queryable,
): pg.PoolClient | undefined {
  if (handle?.kind !== "postgres" || tx === handle.db) return undefined;
  const client = (tx as unknown as { session?: { client?: unknown } }).session?.client;
  if (!client || typeof client !== "object") return undefined;
  const candidate = client as Partial<pg.PoolClient>;
  // A pool has `query` too, but COPY must run on the transaction's own connection, which has `release`.
  return typeof candidate.query === "function" && typeof candidate.release === "function"
    ? (client as pg.PoolClient)
    : undefined;
}
