import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = new URL("../../", import.meta.url).pathname;
const fixture = join(root, "test/fixtures/intents-mini");

/**
 * `npm run eval:intents` end to end on a tiny labelled folder (4 intents and out-of-scope rows), on
 * this backend: in-memory PGlite, or a scratch database next to TEST_DATABASE_URL.
 */
describe("eval:intents", { timeout: 180_000 }, () => {
  const server = process.env.ATRIUM_TEST_BACKEND === "postgres" ? process.env.TEST_DATABASE_URL : undefined;
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(server ? { TEST_DATABASE_URL: server } : {}),
  };
  const evaluate = (...args: string[]) =>
    run(
      process.execPath,
      ["--import", "tsx", join(root, "bench/eval-intents.ts"), "--dataset", fixture, ...args],
      {
        env,
        cwd: root,
      },
    );

  it("prints accuracy, macro-F1, the out-of-scope lines, latency and the threshold table", async () => {
    const { stdout } = await evaluate();
    expect(stdout).toContain(server ? "database: PostgreSQL" : "database: PGlite");
    expect(stdout).toMatch(/train 32 phrases of 4 intents, test 16 phrases \(4 out of scope\)/);
    expect(stdout).toMatch(/^training: \d+\.\d{2} s/m);
    const value = (label: string) => Number(new RegExp(`^${label}: (\\d\\.\\d{4})$`, "m").exec(stdout)?.[1]);
    // The fixture's in-scope phrases are all recognised; out of scope needs a threshold (the table).
    expect(value("in-scope accuracy")).toBe(1);
    expect(value("accuracy")).toBeGreaterThanOrEqual(0.75);
    expect(value("macro-F1")).toBeGreaterThan(0.8);
    expect(value("out-of-scope recall")).toBeGreaterThanOrEqual(0);
    expect(stdout).toMatch(
      /^latency: p50 \d+\.\d{2} ms, p95 \d+\.\d{2} ms \(16 calls of intents\.classify; CPU \d+\.\d{2} ms per call/m,
    );
    const rows = stdout.split("\n").filter((line) => /^\| 0\.\d /.test(line));
    expect(rows).toHaveLength(10);
    const cells = (row: string) =>
      row
        .split("|")
        .slice(1, -1)
        .map((c) => Number(c.trim()));
    // At threshold 0 nothing is unknown; at 0.9 out of scope is caught at the price of in-scope answers.
    expect(cells(rows[0]!)[3]).toBe(0);
    expect(cells(rows[0]!)[5]).toBe(0);
    expect(cells(rows[9]!)[5]).toBe(1);
  });

  it("trains on a seeded sample with --per-intent and refuses a folder without the files", async () => {
    const { stdout } = await evaluate("--per-intent", "3");
    expect(stdout).toContain("train 12 phrases of 4 intents (3 per intent, seed 7)");
    expect(stdout).toMatch(/^accuracy: \d\.\d{4}$/m);
    await expect(
      run(process.execPath, ["--import", "tsx", join(root, "bench/eval-intents.ts"), "--dataset", root], {
        env,
        cwd: root,
      }),
    ).rejects.toMatchObject({ code: 1 });
  });
});
