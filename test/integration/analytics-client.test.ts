import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createContainer } from "../../src/app/container.js";
import { createLogger } from "../../src/lib/logger.js";
import { testConfig } from "../setup/container.js";
import { createTestDatabase, testBackend } from "../setup/database.js";

type Rows = { rows: Record<string, unknown>[] };

describe("analytics client", () => {
  it.runIf(testBackend() === "postgres")(
    "is a separate pool with a 30 s statement timeout on the server",
    async () => {
      const database = await createTestDatabase();
      const container = await createContainer(testConfig({ DATABASE_URL: database.url! }), {
        database: database.handle,
        logger: createLogger("silent"),
      });
      try {
        expect(container.analytics).not.toBe(container.database);
        const analytics = (await container.analytics.db.execute(
          sql`show statement_timeout`,
        )) as unknown as Rows;
        expect(analytics.rows[0]).toEqual({ statement_timeout: "30s" });
        const main = (await container.database.db.execute(sql`show statement_timeout`)) as unknown as Rows;
        expect(main.rows[0]).toEqual({ statement_timeout: "0" });
      } finally {
        await container.close();
        await database.drop();
      }
    },
  );

  it.runIf(testBackend() === "pglite")("shares the single embedded connection", async () => {
    const database = await createTestDatabase();
    const container = await createContainer(testConfig(), {
      database: database.handle,
      logger: createLogger("silent"),
    });
    try {
      expect(container.analytics).toBe(container.database);
    } finally {
      await container.close();
      await database.drop();
    }
  });
});
