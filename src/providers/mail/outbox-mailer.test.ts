import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { OutboxMailer, readOutbox } from "./outbox-mailer.js";

const run = promisify(execFile);
const root = new URL("../../../", import.meta.url).pathname;

describe("OutboxMailer", () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "atrium-outbox-"));
    dirs.push(dir);
    return join(dir, "nested", "data");
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("appends JSON lines to <dataDir>/outbox.jsonl, creating the folder, and keeps the last 100", async () => {
    const dataDir = tempDir();
    const mailer = new OutboxMailer(dataDir, "Atrium <no-reply@atrium.local>");
    for (let i = 0; i < 105; i++)
      await mailer.send({ to: `u${i}@example.test`, subject: `S${i}`, text: `T${i}` });
    const lines = readFileSync(join(dataDir, "outbox.jsonl"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(105);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      to: "u0@example.test",
      from: "Atrium <no-reply@atrium.local>",
    });
    expect(mailer.messages()).toHaveLength(100);
    expect(mailer.messages()[0]!.to).toBe("u5@example.test");
    const last = await readOutbox(dataDir, 2);
    expect(last.map((m) => m.subject)).toEqual(["S103", "S104"]);
    expect(await readOutbox(tempDir())).toEqual([]);
  });

  // Spawns the real CLI (slow to start under tsx), hence the longer time limit.
  it("is printed by `atrium mail outbox`", async () => {
    const dataDir = tempDir();
    await new OutboxMailer(dataDir, "Atrium <a@b.test>").send({
      to: "reader@example.test",
      subject: "Reset your Atrium password",
      text: "Open https://atrium.test/reset-password?token=abc",
    });
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ATRIUM_DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
    };
    const cli = ["--import", "tsx", join(root, "src/bin/atrium.ts"), "mail", "outbox"];
    const text = await run(process.execPath, [...cli, "--last", "5"], { env, cwd: root });
    expect(text.stdout).toContain("To:      reader@example.test");
    expect(text.stdout).toContain("reset-password?token=abc");
    const json = await run(process.execPath, [...cli, "--json"], { env, cwd: root });
    expect(JSON.parse(json.stdout.trim())).toMatchObject({ subject: "Reset your Atrium password" });
  }, 120_000);
});
