import { defineConfig } from "vitest/config";

const dbTests = ["test/integration/**/*.test.ts", "test/http/**/*.test.ts", "test/security/**/*.test.ts"];
const serverBackend = Boolean(process.env.TEST_DATABASE_URL);

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
    ],
  },
});
