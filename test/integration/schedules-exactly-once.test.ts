import { afterAll, describe, expect, it } from "vitest";
import { type Container, createContainer } from "../../src/app/container.js";
import { openPostgres } from "../../src/db/client.js";
import { createLogger } from "../../src/lib/logger.js";
import {
  createTestContainer,
  destroyTestContainer,
  type TestContext,
  testConfig,
} from "../setup/container.js";
import { testBackend } from "../setup/database.js";
import { runScheduleHarness } from "../setup/schedule-harness.js";

/**
 * Exactly once across processes: three worker instances, each with its own container and connection
 * pool on one server database, tick and run 10 every-second schedules and 110 one-time schedules for
 * ten seconds (≥ 200 occurrences): every occurrence runs once — none twice, none missed.
 */
describe.skipIf(testBackend() !== "postgres")("schedules: exactly once with three workers", () => {
  let context: TestContext | undefined;
  const others: Container[] = [];

  afterAll(async () => {
    for (const c of others) await c.close();
    await destroyTestContainer(context);
  });

  it("runs every due occurrence exactly once", { timeout: 60_000 }, async () => {
    context = await createTestContainer();
    const url = context.database.url!;
    for (let i = 0; i < 2; i++) {
      others.push(
        await createContainer(testConfig(), {
          logger: createLogger("silent"),
          database: openPostgres({ url, poolSize: 4 }),
        }),
      );
    }
    const result = await runScheduleHarness({
      containers: [context.container, ...others],
      cronSchedules: 10,
      onceSchedules: 110,
      windowMs: 10_000,
      tickMs: 250,
    });
    const { lateness, ...summary } = result;
    expect(result.expected, JSON.stringify(summary)).toBeGreaterThanOrEqual(200);
    expect(result.duplicates).toBe(0);
    expect(result.missed).toBe(0);
    expect(result.notDone).toBe(0);
    expect(result.occurrences).toBe(result.expected);
    expect(result.workersUsed).toBeGreaterThanOrEqual(2);
  });
});
