import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContainer } from "../../src/app/container.js";
import { createWorker } from "../../src/worker/index.js";
import { testConfig } from "../setup/container.js";
import { createTestDatabase, type TestDatabase } from "../setup/database.js";

const exec = promisify(execFile);
const root = new URL("../../", import.meta.url).pathname;
// The package's `bin` entry (what `npx atrium` runs), which finds tsx from its own location.
const cli = [join(root, "bin/atrium.mjs")];
const SLOW = 240_000;

type Failure = { code: number; stdout: string; stderr: string };

/**
 * `atrium ask` as a user runs it on the demo organisation, in another working directory (the bundled
 * documents must be found from anywhere). With embedded PGlite the command itself ingests what `seed`
 * queued; on a server database the job runner does it, as `atrium worker` would.
 */
describe("atrium ask", () => {
  let database: TestDatabase;
  let dataDir: string;
  let env: Record<string, string>;

  const run = (...args: string[]) => exec(process.execPath, [...cli, ...args], { env, cwd: tmpdir() });
  const fail = (...args: string[]) =>
    run(...args).then(
      () => expect.unreachable(`atrium ${args.join(" ")} should have failed`),
      (e: Failure) => e,
    );

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), "atrium-cli-ask-"));
    const base = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      LOG_LEVEL: "error",
      DEMO_PASSWORD: "cli-ask-demo-pass",
      AUTH_SECRET: "cli-ask-secret-that-is-long-enough-0123",
      ATRIUM_DATA_DIR: dataDir,
    };
    env = database.url ? { ...base, DATABASE_URL: database.url } : base;
    const seeded = await run("seed");
    expect(seeded.stdout).toContain("HR Assistant");
    if (database.url) {
      const container = await createContainer(testConfig({ ATRIUM_DATA_DIR: dataDir }), {
        database: database.handle,
      });
      try {
        await createWorker(container, { pollMs: 10 }).runUntilIdle({ timeoutMs: SLOW });
      } finally {
        await container.close();
      }
    }
  }, SLOW);

  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    "answers from the HR handbook with the default assistant, citing its sources",
    async () => {
      const { stdout } = await run("ask", "How many days of annual leave do I get?");
      const [answer, sources] = stdout.split("\nSources\n");
      expect(answer).toContain("25 days of paid annual leave");
      expect(answer).toMatch(/\[1\]/);
      expect(sources?.split("\n")[0]).toMatch(/^\[1\] leave-and-absence\.md — .*Annual leave/);
    },
    SLOW,
  );

  it(
    "names the assistant with --agent, prints JSON with --json, and continues a conversation",
    async () => {
      const first = await run(
        "ask",
        "How do I report a security incident?",
        "--agent",
        "IT Helpdesk",
        "--as",
        "it.employee@demo.atrium.local",
        "--json",
      );
      const outcome = JSON.parse(first.stdout) as {
        status: string;
        conversationId: string;
        message: { text: string };
        citations: { title: string }[];
      };
      expect(outcome.status).toBe("done");
      expect(outcome.message.text).toContain("4444");
      expect(outcome.citations.map((c) => c.title)).toContain("security-and-access-policy.md");

      const next = await run(
        "ask",
        "How quickly will my ticket be handled?",
        "--conversation",
        outcome.conversationId,
        "--as",
        "it.employee@demo.atrium.local",
        "--json",
      );
      const followUp = JSON.parse(next.stdout) as {
        status: string;
        conversationId: string;
        message: { text: string };
      };
      expect(followUp).toMatchObject({ status: "done", conversationId: outcome.conversationId });
      expect(followUp.message.text).toMatch(/30 minutes|working day/);
    },
    SLOW,
  );

  it(
    "exits 1 with a clear message for an assistant that does not exist or that the person cannot see",
    async () => {
      const unknown = await fail("ask", "Hello?", "--agent", "Payroll Wizard");
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('There is no assistant named "Payroll Wizard"');
      expect(unknown.stderr).toContain("HR Assistant");

      // The Finance Assistant belongs to Finance: an HR employee is told it does not exist for them.
      const hidden = await fail(
        "ask",
        "Who approves a €20,000 order?",
        "--agent",
        "Finance Assistant",
        "--as",
        "employee@demo.atrium.local",
      );
      expect(hidden.code).toBe(1);
      expect(hidden.stderr).toContain('There is no assistant named "Finance Assistant"');
      expect(hidden.stderr).toContain("try one of: HR Assistant");
      expect(hidden.stderr).not.toContain("IT Helpdesk");
    },
    SLOW,
  );
});
