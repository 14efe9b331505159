import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { type Container, createContainer, type Infra } from "../../src/app/container.js";
import { loadConfig } from "../../src/config/env.js";
import { buildApp } from "../../src/http/app.js";
import { createLogger } from "../../src/lib/logger.js";
import { createTestDatabase, type TestDatabase } from "./database.js";

export interface TestContext {
  container: Container;
  database: TestDatabase;
}

const testDataDir = mkdtempSync(join(tmpdir(), "atrium-test-data-"));

/** Configuration for tests: silent logs, the demo password fixed, anything else overridable. */
export function testConfig(env: Record<string, string> = {}) {
  return loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    DEMO_PASSWORD: "demo-password-1",
    AUTH_SECRET: "test-secret-that-is-long-enough-0123456789",
    // Anything a test writes to disk (mail outbox, files) stays out of the working tree.
    ATRIUM_DATA_DIR: testDataDir,
    // The web build appears part-way through a run (the web project builds it): app tests see none
    // unless they make their own, so their route table does not depend on timing.
    WEB_DIST_DIR: join(testDataDir, "no-web-build"),
    // Tests sign organisations up over HTTP like a user; sign-up is closed by default (pass
    // ALLOW_SIGNUP: "" for the default, "false" to close it).
    ALLOW_SIGNUP: "true",
    ...env,
  });
}

/** A container on a private, migrated database of the current backend (PGlite or server PostgreSQL). */
export async function createTestContainer(
  options: { env?: Record<string, string>; infra?: Omit<Infra, "database"> } = {},
): Promise<TestContext> {
  const database = await createTestDatabase();
  const container = await createContainer(testConfig(options.env), {
    logger: createLogger("silent"),
    ...options.infra,
    database: database.handle,
  });
  return { container, database };
}

export async function destroyTestContainer(context: TestContext | undefined): Promise<void> {
  if (!context) return;
  await context.container.close();
  await context.database.drop();
}

/** Registers beforeAll/afterAll for one container per test file; read `.current` inside tests. */
export function useTestContainer(options: Parameters<typeof createTestContainer>[0] = {}) {
  const holder = {} as { current: TestContext };
  beforeAll(async () => {
    holder.current = await createTestContainer(options);
  });
  afterAll(async () => {
    await destroyTestContainer(holder.current);
  });
  return holder;
}

/** The HTTP app on a private database, for `app.inject` tests. */
export function useTestApp(options: Parameters<typeof createTestContainer>[0] = {}) {
  const holder = {} as { app: Awaited<ReturnType<typeof buildApp>>; context: TestContext };
  beforeAll(async () => {
    holder.context = await createTestContainer(options);
    holder.app = await buildApp(holder.context.container);
    await holder.app.ready();
  });
  afterAll(async () => {
    await holder.app?.close();
    await destroyTestContainer(holder.context);
  });
  return holder;
}
