import type { DatabaseHandle } from "../../db/client.js";
import { pingDatabase } from "../../db/migrate.js";
import { ATRIUM_VERSION } from "../../lib/version.js";
import type { Cache } from "../../providers/cache/cache.js";

export interface Health {
  status: "ok" | "degraded";
  database: "ok" | "down";
  databaseKind: "pglite" | "postgres";
  cache: "redis" | "memory";
  version: string;
}

export function createSystemService(deps: { database: DatabaseHandle; cache: Cache }) {
  return {
    async health(): Promise<Health> {
      const database = await pingDatabase(deps.database).then(
        () => "ok" as const,
        () => "down" as const,
      );
      return {
        status: database === "ok" ? "ok" : "degraded",
        database,
        databaseKind: deps.database.kind,
        cache: deps.cache.kind,
        version: ATRIUM_VERSION,
      };
    },
  };
}
