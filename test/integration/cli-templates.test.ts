import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../setup/database.js";

const exec = promisify(execFile);
const root = new URL("../../", import.meta.url).pathname;
const cli = ["--import", "tsx", join(root, "src/bin/atrium.ts")];
const SLOW = 180_000;

const OFFER = `---
name: Offer letter
description: Sent to a new hire
outputFormat: pdf
variables:
  - name: candidate
    type: string
    required: true
    example: Ada Lovelace
  - name: salary
    type: number
    required: true
  - name: grade
    enum: [junior, "senior"]   # a flow list
    default: junior
---
# Offer for {{candidate}}

Grade {{grade}}, salary {{formatNumber salary}}.
`;

/** `atrium templates import` as an operator runs it, on the embedded database and on PostgreSQL. */
describe("atrium templates import CLI", () => {
  let database: TestDatabase;
  let dataDir: string;
  let scratch: string;
  let env: Record<string, string>;

  const run = (...args: string[]) => exec(process.execPath, [...cli, ...args], { env, cwd: root });
  const fails = async (...args: string[]) => {
    const failure = await run(...args).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure, `expected atrium ${args.join(" ")} to fail`).toBeDefined();
    return failure!;
  };
  const folder = (name: string, files: Record<string, string>) => {
    const dir = join(scratch, name);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), "atrium-cli-templates-"));
    scratch = mkdtempSync(join(tmpdir(), "atrium-cli-template-files-"));
    const base = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      LOG_LEVEL: "error",
      DEMO_PASSWORD: "cli-demo-pass",
      AUTH_SECRET: "cli-templates-secret-that-is-long-enough",
    };
    env = database.url
      ? { ...base, DATABASE_URL: database.url, ATRIUM_DATA_DIR: dataDir }
      : { ...base, ATRIUM_DATA_DIR: dataDir };
    await run("seed");
  }, SLOW);

  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }, SLOW);

  it(
    "records templates, converts them into document templates, and re-imports as updates",
    async () => {
      const dir = folder("good", {
        "offer.md.hbs": OFFER,
        "letters/welcome.html.hbs": "---\nvariables:\n  - name: who\n---\n<p>Welcome {{who}}</p>\n",
        "notes.txt": "not a template",
      });
      const first = await run("templates", "import", dir, "--department", "Human Resources", "--convert");
      expect(first.stdout).toContain("recorded Offer letter (offer.md.hbs)");
      expect(first.stdout).toContain(`recorded welcome (${join("letters", "welcome.html.hbs")})`);
      expect(first.stdout).toMatch(/converted Offer letter → document template [0-9a-f-]{36} v1/);
      expect(first.stdout).toContain("2 template(s) imported, 2 converted");
      expect(first.stdout).not.toContain("notes");

      writeFileSync(join(dir, "offer.md.hbs"), OFFER.replace("# Offer", "# Our offer"));
      const again = await run("templates", "import", dir, "--department", "Human Resources", "--convert");
      expect(again.stdout).toContain("updated  Offer letter");
      expect(again.stdout).toMatch(/re-converted Offer letter → document template [0-9a-f-]{36} v2/);

      const recordOnly = await run("templates", "import", folder("plain", { "memo.hbs": "Memo" }));
      expect(recordOnly.stdout).toContain("1 template(s) imported\n");
      expect(recordOnly.stdout).not.toContain("converted");
    },
    SLOW,
  );

  it(
    "lists every problem with its file, line and column and writes nothing",
    async () => {
      const dir = folder("bad", {
        // body line 2 is file line 7 (five front matter lines before the body)
        "a.md.hbs":
          "---\nvariables:\n  - name: who\n    type: string\n---\nHello {{who}}\n{{#if who}}unclosed\n",
        "b.hbs": "---\nvariables:\n  - name: x\n---\n{{x}} {{missing}} {{shout x}}\n",
        "c.hbs": "---\nvariables:\n  - name: n\n    type: number\n    default: many\n---\n{{n}}\n",
        "d.hbs": "---\nnested:\n  map: yes\n---\n",
      });
      const failure = await fails("templates", "import", dir, "--convert");
      expect(failure.code).toBe(1);
      const lines = failure.stderr.split("\n");
      expect(lines).toContainEqual(expect.stringMatching(/^a\.md\.hbs:\d+:\d+: Syntax error/));
      expect(failure.stderr).toMatch(/^b\.hbs:5:9: .*missing/m);
      expect(failure.stderr).toMatch(/^b\.hbs:5:\d+: .*shout/m);
      expect(failure.stderr).toMatch(/^c\.hbs:3:1: variable "n" default must be a number/m);
      expect(failure.stderr).toMatch(/^d\.hbs:2:1: Unknown front matter key "nested"/m);
      expect(failure.stderr).toContain("nothing was imported");

      // The good file of a folder with a bad one was not recorded either: importing it alone creates it.
      const good = folder("bad-then-good", { "ok.hbs": "fine" });
      expect((await run("templates", "import", good)).stdout).toContain("recorded ok");
    },
    SLOW,
  );

  it(
    "refuses paths outside the folder: symbolic links out of it and .. escapes",
    async () => {
      const outside = folder("outside", { "secret.hbs": "top secret {{x}}" });
      const dir = folder("linked", { "fine.hbs": "fine" });
      symlinkSync(join(outside, "secret.hbs"), join(dir, "escape.hbs"));
      const linked = await fails("templates", "import", dir);
      expect(linked.stderr).toContain("escape.hbs points outside");

      const dirLink = folder("dir-linked", { "fine.hbs": "fine" });
      symlinkSync(outside, join(dirLink, "more"));
      expect((await fails("templates", "import", dirLink)).stderr).toContain("more points outside");

      // A link that stays inside the folder is fine.
      const inner = folder("inner-link", { "real.hbs": "real" });
      symlinkSync(join(inner, "real.hbs"), join(inner, "alias.hbs"));
      expect((await run("templates", "import", inner)).stdout).toContain("2 template(s) imported");

      mkdirSync(join(scratch, "empty"));
      expect((await fails("templates", "import", join(scratch, "empty"))).stderr).toContain("No .hbs");
      expect((await fails("templates", "import", join(scratch, "missing"))).stderr).toContain("No folder");
    },
    SLOW,
  );
});
