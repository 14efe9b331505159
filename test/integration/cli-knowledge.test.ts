import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../setup/database.js";

const exec = promisify(execFile);
const root = new URL("../../", import.meta.url).pathname;
const cli = ["--import", "tsx", join(root, "src/bin/atrium.ts")];
const SLOW = 180_000;

/**
 * `atrium ingest` and `atrium search` as a user runs them: embedded PGlite runs the pipeline in the
 * command itself; on a server database the command waits while a separate `atrium worker` does the work.
 */
describe("atrium ingest / search / worker CLI", () => {
  let database: TestDatabase;
  let dataDir: string;
  let folder: string;
  let env: Record<string, string>;
  let worker: ChildProcess | undefined;

  const run = (...args: string[]) => exec(process.execPath, [...cli, ...args], { env, cwd: root });

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), "atrium-cli-knowledge-"));
    folder = mkdtempSync(join(tmpdir(), "atrium-cli-docs-"));
    mkdirSync(join(folder, "it"));
    writeFileSync(join(folder, "vpn.md"), "# VPN\n\nConnect to the VPN with the company authenticator app.");
    writeFileSync(join(folder, "it", "printers.txt"), "Printers on floor three accept badge release jobs.");
    writeFileSync(join(folder, "it", "ignored.bin"), Buffer.alloc(16, 1));
    const base = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      LOG_LEVEL: "error",
      DEMO_PASSWORD: "cli-demo-pass",
      AUTH_SECRET: "cli-knowledge-secret-that-is-long-enough",
    };
    env = database.url
      ? {
          ...base,
          DATABASE_URL: database.url,
          ATRIUM_DATA_DIR: dataDir,
          JOB_LEASE_MS: "5000",
          WORKER_POLL_MS: "50",
        }
      : { ...base, ATRIUM_DATA_DIR: dataDir };
    await run("seed");
  }, SLOW);

  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((resolve) => worker!.once("exit", resolve));
      worker.kill("SIGTERM");
      await exited;
    }
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
  }, SLOW);

  it(
    "ingests a folder recursively with a progress bar, then searches it with citations",
    async () => {
      if (database.url) {
        worker = spawn(process.execPath, [...cli, "worker", "--concurrency", "2"], {
          env,
          cwd: root,
          stdio: "ignore",
        });
      }
      const kbName = "IT handbook";
      const missing = await run("ingest", folder, "--kb", kbName).catch(
        (e: { code: number; stderr: string }) => e,
      );
      expect("code" in missing && missing.code).toBe(1);
      expect(missing.stderr).toContain(`no knowledge base named "${kbName}"`);

      const created = await createKb(kbName);
      expect(created).toBe(true);
      const ingest = await run("ingest", folder, "--kb", kbName, "--timeout", "120");
      expect(ingest.stdout).toContain("Added 2 file(s)");
      expect(ingest.stdout).toContain("2 ready, 0 failed");
      expect(ingest.stderr).toMatch(/\[#+\] 100% 2\/2 documents/);

      const search = await run("search", "badge release printers", "--kb", kbName);
      const cited = (out: string) => out.split("\n").filter((line) => line.startsWith("["));
      expect(cited(search.stdout)[0]).toMatch(/^\[1\] it\/printers\.txt/);
      const vpn = await run("search", "VPN authenticator", "--mode", "fulltext");
      expect(cited(vpn.stdout)[0]).toMatch(/^\[1\] vpn\.md \(VPN\)/);
    },
    SLOW,
  );

  if (process.env.ATRIUM_TEST_BACKEND === "postgres") {
    it(
      "stops the worker gracefully on SIGTERM",
      async () => {
        expect(worker?.exitCode).toBeNull();
        const exited = new Promise<number | null>((resolve) => worker!.once("exit", resolve));
        worker!.kill("SIGTERM");
        expect(await exited).toBe(0);
      },
      SLOW,
    );
  }

  /** Creates the knowledge base in the demo organisation's first department (no CLI verb for it yet). */
  async function createKb(name: string): Promise<boolean> {
    const { openPglite, openPostgres } = await import("../../src/db/client.js");
    const { createContainer } = await import("../../src/app/container.js");
    const { testConfig } = await import("../setup/container.js");
    const { systemContext } = await import("../../src/services/orgs/system-context.js");
    const handle = database.url
      ? openPostgres({ url: database.url, poolSize: 2 })
      : await openPglite({ dataDir: join(dataDir, "pglite") });
    const container = await createContainer(testConfig({ ATRIUM_DATA_DIR: dataDir }), { database: handle });
    try {
      const org = await container.services.orgs.resolve(undefined);
      const department = await container.repositories.departments.firstActive(org!.id);
      const ctx = systemContext(org!.id, handle.db, container.logger, "test");
      await container.services.knowledgeBases.create(ctx, { departmentId: department!.id, name });
      return true;
    } finally {
      await container.close();
      await handle.close();
    }
  }
});
