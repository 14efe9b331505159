import pg from "pg";
import { describe, expect, it } from "vitest";
import { createContainer } from "../../src/app/container.js";
import { buildApp } from "../../src/http/app.js";
import { createLogger } from "../../src/lib/logger.js";
import { testConfig } from "../setup/container.js";
import { createTestDatabase, testBackend } from "../setup/database.js";
import { call, signUp, type TestApp } from "./identity-helpers.js";

/**
 * A report that runs beyond the analytics statement timeout fails with 503 UNAVAILABLE, while the
 * main pool (no timeout) keeps serving. The report is made slow by holding an ACCESS EXCLUSIVE lock
 * on `agent_runs` from a third connection: the report's statement waits on it, and lock waits count
 * toward `statement_timeout` like any other time spent in the statement.
 */
describe("analytics statement timeout", () => {
  it.runIf(testBackend() === "postgres")(
    "cancels a slow report with 503 while a normal request on the main pool succeeds",
    async () => {
      const database = await createTestDatabase();
      const container = await createContainer(
        testConfig({ DATABASE_URL: database.url!, ANALYTICS_STATEMENT_TIMEOUT_MS: "300" }),
        { database: database.handle, logger: createLogger("silent") },
      );
      const app = await buildApp(container);
      await app.ready();
      const t = { app, context: { container, database } } as unknown as TestApp;
      const locker = new pg.Client({ connectionString: database.url! });
      await locker.connect();
      try {
        const tenant = await signUp(t);
        const before = await call(t, "GET", "/usage?groupBy=department", { token: tenant.token });
        expect(before.status, JSON.stringify(before.body)).toBe(200);

        await locker.query("begin");
        await locker.query("lock table agent_runs in access exclusive mode");
        const started = Date.now();
        const [slow, normal] = await Promise.all([
          app
            .inject({
              method: "GET",
              url: "/usage?groupBy=department",
              headers: { authorization: `Bearer ${tenant.token}` },
            })
            .then((r) => ({ status: r.statusCode, body: JSON.parse(r.body) })),
          call(t, "GET", "/departments", { token: tenant.token }),
        ]);
        const elapsed = Date.now() - started;
        expect(slow.status).toBe(503);
        expect(slow.body.error.code).toBe("UNAVAILABLE");
        expect(slow.body.error.message).toMatch(/took too long/);
        expect(elapsed).toBeLessThan(5_000);
        expect(normal.status, JSON.stringify(normal.body)).toBe(200);
        // The main pool has no timeout and is not poisoned by the cancelled analytics statement.
        const stillFine = await call(t, "GET", "/departments", { token: tenant.token });
        expect(stillFine.status).toBe(200);
        await locker.query("rollback");
        const after = await call(t, "GET", "/usage?groupBy=department", { token: tenant.token });
        expect(after.status).toBe(200);
      } finally {
        await locker.end();
        await app.close();
        await container.close();
        await database.drop();
      }
    },
  );
});
