import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../setup/database.js";

const run = promisify(execFile);
const root = new URL("../../", import.meta.url).pathname;
const cli = ["--import", "tsx", join(root, "src/bin/atrium.ts")];

/** Drives the real CLI as a user would, on this backend: a fresh PGlite folder or a fresh server database. */
describe("atrium CLI", { timeout: 120_000 }, () => {
  let database: TestDatabase;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), "atrium-cli-"));
    const base = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: "warn",
      DEMO_PASSWORD: "cli-demo-pass",
    };
    env = database.url ? { ...base, DATABASE_URL: database.url } : { ...base, ATRIUM_DATA_DIR: dataDir };
  });

  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("migrates idempotently", async () => {
    const first = await run(process.execPath, [...cli, "migrate"], { env, cwd: root });
    expect(first.stdout).toContain("migrations applied");
    const second = await run(process.execPath, [...cli, "migrate"], { env, cwd: root });
    expect(second.stdout).toContain("migrations applied");
  });

  it("seeds the demo organisation once", async () => {
    const first = await run(process.execPath, [...cli, "seed"], { env, cwd: root });
    expect(first.stdout).toContain('Demo organisation "demo" created');
    expect(first.stdout).toContain("cli-demo-pass");
    const second = await run(process.execPath, [...cli, "seed"], { env, cwd: root });
    expect(second.stdout).toContain("nothing to seed");
  });

  it("reports bad configuration clearly with exit code 2", async () => {
    const failure = await run(process.execPath, [...cli, "migrate"], {
      env: { ...env, PORT: "not-a-port", DATABASE_URL: "mysql://root:s3cret@x/y" },
      cwd: root,
    }).catch((e: { code: number; stderr: string }) => e);
    expect("code" in failure && failure.code).toBe(2);
    expect(failure.stderr).toContain("PORT");
    expect(failure.stderr).toContain("DATABASE_URL");
    expect(failure.stderr).not.toContain("s3cret");
  });

  it("starts, serves /health and shuts down on SIGTERM", async () => {
    const child: ChildProcess = spawn(process.execPath, [...cli, "start"], {
      env: { ...env, PORT: "0", LOG_LEVEL: "info" },
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let buffer = "";
    try {
      const address = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("server did not start within 60 s")), 60_000);
        child.stdout?.on("data", (chunk: Buffer) => {
          buffer += chunk.toString();
          const match = /"address":"(http:\/\/[^"]+)"/.exec(buffer);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
        child.once("exit", (code) => reject(new Error(`server exited early with ${code}`)));
      });
      const health = await fetch(`${address}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "ok", database: "ok" });
      if (!database.url) {
        // A second process on the same embedded folder is refused before it opens (and corrupts) it.
        const second = await run(process.execPath, [...cli, "migrate"], { env, cwd: root }).catch(
          (e: { code: number; stderr: string }) => e,
        );
        expect("code" in second && second.code).toBe(1);
        expect(second.stderr).toContain("is open in another Atrium process");
        expect(second.stderr).toContain(`pid ${child.pid}`);
        expect((await fetch(`${address}/health`)).status).toBe(200);
      }
    } finally {
      // "close": the process has exited and its output has been read to the end.
      const exited = new Promise((resolve) => child.once("close", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    expect(child.exitCode).toBe(0);
    // Without REDIS_URL a server deployment is told that caches (and so revocations) are per process;
    // the embedded database is one process, so it is not.
    if (!database.url) {
      // Shut down cleanly, the folder is free again.
      const after = await run(process.execPath, [...cli, "migrate"], { env, cwd: root });
      expect(after.stdout).toContain("migrations applied");
    }
    if (database.url) {
      expect(buffer).toContain('"code":"CACHE_PER_PROCESS"');
      expect(buffer).toContain("REDIS_URL is not set");
    } else {
      expect(buffer).not.toContain("CACHE_PER_PROCESS");
    }
  }, 90_000);
});
