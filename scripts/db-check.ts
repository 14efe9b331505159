/**
 * Fails when src/db/schema and the committed migrations in drizzle/ disagree: regenerates into a
 * temporary copy of drizzle/ and reports any migration drizzle-kit would add.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const committed = join(root, "drizzle");
// drizzle-kit resolves `out` relative to the project, so the scratch copy lives inside it (gitignored).
mkdirSync(join(root, ".tools"), { recursive: true });
const scratch = mkdtempSync(join(root, ".tools", "db-check-"));

try {
  cpSync(committed, scratch, { recursive: true });
  const before = new Set(readdirSync(scratch));
  const output = execFileSync("npx", ["drizzle-kit", "generate", "--name", "drift_check"], {
    cwd: root,
    env: { ...process.env, DRIZZLE_OUT: `./${relative(root, scratch)}` },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (/error/i.test(output)) throw new Error(`drizzle-kit generate failed:\n${output}`);
  const added = readdirSync(scratch).filter((f) => !before.has(f) && f.endsWith(".sql"));
  if (added.length > 0) {
    console.error("db:check: the schema differs from the committed migrations. drizzle-kit would add:\n");
    for (const file of added) console.error(`--- ${file}\n${readFileSync(join(scratch, file), "utf8")}`);
    console.error("Run `npm run db:generate -- --name <what_changed>` and commit the result.");
    process.exitCode = 1;
  } else {
    console.log("db:check: schema and migrations agree");
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
