import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataDirInUseError, lockDataDir } from "../../src/db/data-dir-lock.js";

/** A pid that belonged to a process which has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}

describe("embedded data folder lock", () => {
  let root: string;
  let dataDir: string;
  let sleeper: ChildProcess | undefined;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "atrium-lock-"));
    dataDir = join(root, "pglite");
  });
  afterEach(() => {
    sleeper?.kill();
    sleeper = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  it("writes <folder>.lock with this process's pid and removes it on release", () => {
    const lock = lockDataDir(dataDir);
    expect(lock.path).toBe(`${dataDir}.lock`);
    expect(JSON.parse(readFileSync(lock.path, "utf8"))).toMatchObject({ pid: process.pid });
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
    lock.release(); // twice is harmless
  });

  it("refuses a second open of the same folder in this process, until the first is released", () => {
    const first = lockDataDir(dataDir);
    expect(() => lockDataDir(`${dataDir}/`)).toThrow(DataDirInUseError);
    first.release();
    lockDataDir(dataDir).release();
  });

  it("refuses a folder held by another live process and names it", async () => {
    sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    await new Promise((resolve) => sleeper!.once("spawn", resolve));
    const since = "2026-12-04T10:00:00.000Z";
    writeFileSync(`${dataDir}.lock`, JSON.stringify({ pid: sleeper.pid, command: "atrium.ts start", since }));
    let thrown: unknown;
    try {
      lockDataDir(dataDir);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DataDirInUseError);
    const message = (thrown as Error).message;
    expect(message).toContain(`pid ${sleeper.pid}`);
    expect(message).toContain("atrium.ts start");
    expect((thrown as DataDirInUseError).code).toBe("DATA_DIR_IN_USE");
    // The other process's lock is left as it was.
    expect(JSON.parse(readFileSync(`${dataDir}.lock`, "utf8")).pid).toBe(sleeper.pid);
  });

  it("takes over a lock whose process is gone, and one that cannot be read", async () => {
    writeFileSync(
      `${dataDir}.lock`,
      JSON.stringify({ pid: await deadPid(), command: "crashed", since: "x" }),
    );
    const lock = lockDataDir(dataDir);
    expect(JSON.parse(readFileSync(lock.path, "utf8")).pid).toBe(process.pid);
    lock.release();
    writeFileSync(`${dataDir}.lock`, "{half-writ");
    lockDataDir(dataDir).release();
  });

  it("does not remove a lock it no longer owns", () => {
    const lock = lockDataDir(dataDir);
    writeFileSync(lock.path, JSON.stringify({ pid: 999_999_999, command: "other", since: "x" }));
    lock.release();
    expect(existsSync(lock.path)).toBe(true);
  });
});
