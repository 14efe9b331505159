import { defineConfig } from "vitest/config";

const dbTests = ["test/integration/**/*.test.ts", "test/http/**/*.test.ts", "test/security/**/*.test.ts"];
const serverBackend = Boolean(process.env.TEST_DATABASE_URL);
const serverJourneys = ["test/web/first-answer.test.ts", "test/web/chat.test.ts"];
const journeys = {
  globalSetup: ["test/web/support/global-setup.ts"],
  fileParallelism: false,
  testTimeout: 90_000,
  hookTimeout: 300_000,
  // A page waits on a real server and model: poll longer than Vitest's default second.
  expect: { poll: { timeout: 20_000, interval: 100 } },
};
// Said once per run (the configuration is read again by each project).
if (!serverBackend && !process.env.ATRIUM_SKIP_NOTICE_SHOWN) {
  process.env.ATRIUM_SKIP_NOTICE_SHOWN = "1";
  console.warn(
    "TEST_DATABASE_URL is not set: skipping the postgres and web-pg projects (database tests and journeys " +
      "on server PostgreSQL); `bash scripts/services.sh` starts PostgreSQL and Redis and prints the variables.",
  );
}

/**
 * Unit tests run once; every database-backed test runs on embedded PGlite and, when TEST_DATABASE_URL is
 * set, again on server PostgreSQL. Each test file gets its own database cloned from a migrated template.
 */
export default defineConfig({
  test: {
    globalSetup: ["test/setup/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts", "src/**/*.test.ts"] } },
      { extends: true, test: { name: "pglite", include: dbTests, env: { ATRIUM_TEST_BACKEND: "pglite" } } },
      ...(serverBackend
        ? [
            {
              extends: true as const,
              test: { name: "postgres", include: dbTests, env: { ATRIUM_TEST_BACKEND: "postgres" } },
            },
          ]
        : []),
      {
        // Journeys in a real browser against a real `npm start` on the embedded database
        // (test/web/support/global-setup.ts). One server and one file at a time: the machine has two cores.
        test: { name: "web", include: ["test/web/**/*.test.ts"], ...journeys },
      },
      ...(serverBackend
        ? [
            {
              // The first answer and chat journeys once more, against a server on a scratch database of
              // TEST_DATABASE_URL and on TEST_REDIS_URL.
              test: { name: "web-pg", include: serverJourneys, ...journeys },
            },
          ]
        : []),
    ],
  },
});
