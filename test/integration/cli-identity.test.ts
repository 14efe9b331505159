import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContainer } from "../../src/app/container.js";
import { createLogger } from "../../src/lib/logger.js";
import { CapturingMailer } from "../http/identity-helpers.js";
import { testConfig } from "../setup/container.js";
import { createTestDatabase, type TestDatabase } from "../setup/database.js";

const exec = promisify(execFile);
const root = new URL("../../", import.meta.url).pathname;
const cli = ["--import", "tsx", join(root, "src/bin/atrium.ts")];
/** Each command starts a process and opens the database; busy CI machines need the room. */
const SLOW = 180_000;

/** `atrium users …` and `atrium roles …` driven as a child process, on this backend. */
describe("atrium users / roles CLI", { timeout: 120_000 }, () => {
  let database: TestDatabase;
  let dataDir: string;
  let env: Record<string, string>;

  const run = (...args: string[]) => exec(process.execPath, [...cli, ...args], { env, cwd: root });
  const fail = (...args: string[]) =>
    run(...args).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), "atrium-cli-identity-"));
    const base = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "warn" };
    env = database.url ? { ...base, DATABASE_URL: database.url } : { ...base, ATRIUM_DATA_DIR: dataDir };
  });

  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }, SLOW);

  it(
    "creates the default organisation and its first admin on an empty database",
    async () => {
      const first = await run(
        "users",
        "create-admin",
        "--email",
        "Root@Example.test",
        "--password",
        "root-password-1",
      );
      expect(first.stdout).toContain('Created organisation "default" and administrator root@example.test');
      const second = await run(
        "users",
        "create-admin",
        "--email",
        "ops@example.test",
        "--password",
        "ops-password-1",
        "--name",
        "Ops Person",
      );
      expect(second.stdout).toContain('Created administrator ops@example.test in organisation "default"');
    },
    SLOW,
  );

  it(
    "lists users and roles as tables",
    async () => {
      const users = await run("users", "list");
      expect(users.stdout).toMatch(/^EMAIL\s+NAME\s+ROLE\s+STATUS\s+ID$/m);
      expect(users.stdout).toMatch(/root@example\.test\s+Root\s+admin\s+active/);
      expect(users.stdout).toMatch(/ops@example\.test\s+Ops Person\s+admin\s+active/);
      expect(users.stdout).toContain("2 of 2 users");

      const roles = await run("roles", "list", "--org", "default");
      for (const slug of ["admin", "dept_head", "approver", "employee"])
        expect(roles.stdout).toMatch(new RegExp(`^${slug}\\s`, "m"));
      expect(roles.stdout).toMatch(/^admin\s+Administrator\s+built-in\s+all\s+.*org:admin/m);
    },
    SLOW,
  );

  it(
    "fails clearly on bad input, duplicates and unknown organisations",
    async () => {
      const duplicate = await fail(
        "users",
        "create-admin",
        "--email",
        "root@example.test",
        "--password",
        "root-password-1",
      );
      expect(duplicate.code).toBe(1);
      expect(duplicate.stderr).toContain("already exists");
      const weak = await fail("users", "create-admin", "--email", "x@example.test", "--password", "short");
      expect(weak.code).toBe(1);
      expect(weak.stderr).toContain("at least 10 characters");
      const unknown = await fail("roles", "list", "--org", "no-such-org");
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain("no-such-org was not found");
      const missing = await fail("users", "create-admin", "--email", "y@example.test");
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toContain("--password");
    },
    SLOW,
  );

  it(
    "the created admin can sign in and administers the organisation",
    async () => {
      const container = await createContainer(
        testConfig(database.url ? { DATABASE_URL: database.url } : { ATRIUM_DATA_DIR: dataDir }),
        { logger: createLogger("silent"), mailer: new CapturingMailer() },
      );
      try {
        const pair = await container.services.sessions.login(
          { email: "root@example.test", password: "root-password-1" },
          { requestId: "test" },
        );
        const principal = await container.services.authenticator.fromBearer(pair.accessToken);
        expect(principal.user.role).toBe("admin");
        expect(principal.access.allDepartments).toBe(true);
        expect([...principal.access.permissions]).toContain("org:admin");
        const rows = await container.repositories.auditLogs.findMany(undefined);
        expect(rows.filter((r) => r.action === "user.created").map((r) => r.actorType)).toEqual([
          "user",
          "system",
        ]);
      } finally {
        await container.close();
      }
    },
    SLOW,
  );
});
