/**
 * Intent classification quality through the service the API and the chat turn use:
 *   npm run eval:intents -- --dataset ../shared/datasets/banking77 [--per-intent 10] [--seed 7]
 * The folder holds train.csv and test.csv (header text,category). Train phrases are imported as one
 * namespace's examples (`intents.import`), test phrases classified with `intents.classify`. A test row
 * of category `oos` is out of scope: right only when answered "unknown" (`oos` train rows are not an
 * intent and are left out). Server PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is set (a scratch
 * database, dropped afterwards), in-memory PGlite otherwise.
 */
import { availableParallelism, loadavg } from "node:os";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { createContainer } from "../src/app/container.js";
import { loadConfig } from "../src/config/env.js";
import { systemAccess } from "../src/core/access.js";
import { type DatabaseHandle, openPglite, openPostgres } from "../src/db/client.js";
import { runMigrations } from "../src/db/migrate.js";
import { createLogger } from "../src/lib/logger.js";
import type { ServiceContext } from "../src/services/context.js";
import { seededRandom, shuffle, UNKNOWN_INTENT } from "../src/services/intents/classifier/index.js";
import { readSplit } from "./intent-dataset.js";
import { type Prediction, scoreAt } from "./intent-scores.js";
import { createScratchDatabase, redactUrl } from "./lib/server-db.js";
import { percentile } from "./lib/stats.js";
import { formatTable } from "./lib/table.js";

const OUT_OF_SCOPE = "oos";
const THRESHOLDS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

const { values: args } = parseArgs({
  options: {
    dataset: { type: "string" },
    "per-intent": { type: "string" },
    seed: { type: "string", default: "7" },
  },
});

async function openDatabase(): Promise<{ handle: DatabaseHandle; label: string; drop(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) {
    const handle = await openPglite({});
    return { handle, label: "PGlite (in memory)", drop: () => handle.close() };
  }
  const scratch = await createScratchDatabase(url, "atrium_eval_intents");
  const handle = openPostgres({ url: scratch.url, poolSize: 4 });
  return {
    handle,
    label: `PostgreSQL (scratch database ${scratch.name} at ${redactUrl(url).replace(/\/[^/]*$/, "")})`,
    async drop() {
      await handle.close();
      await scratch.drop();
    },
  };
}

/** `perIntent` phrases of every intent, drawn with a seeded shuffle (the same sample every run). */
function sample<T extends { category: string }>(rows: T[], perIntent: number, seed: number): T[] {
  const kept = new Map<string, T[]>();
  for (const row of shuffle([...rows], seededRandom(seed))) {
    const list = kept.get(row.category) ?? [];
    if (list.length < perIntent) list.push(row);
    kept.set(row.category, list);
  }
  return [...kept.values()].flat();
}

const f4 = (n: number) => n.toFixed(4);

async function main() {
  const folder = args.dataset;
  if (!folder) throw new Error("--dataset <folder with train.csv and test.csv> is required");
  const perIntent = args["per-intent"] ? Number(args["per-intent"]) : undefined;
  if (perIntent !== undefined && !(Number.isInteger(perIntent) && perIntent > 0)) {
    throw new Error("--per-intent must be a positive integer");
  }
  const allTrain = readSplit(folder, "train").filter((r) => r.category !== OUT_OF_SCOPE);
  const train = perIntent ? sample(allTrain, perIntent, Number(args.seed)) : allTrain;
  const test = readSplit(folder, "test");
  const database = await openDatabase();
  try {
    await runMigrations(database.handle);
    const config = loadConfig({
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      AUTH_SECRET: "eval-".repeat(8),
      SEED_DEMO: "false",
    });
    // Info logs go to a list: the training line says how long loading and training took.
    const logs: string[] = [];
    const logStream = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    });
    const container = await createContainer(config, {
      database: database.handle,
      logger: createLogger("info", logStream),
    });
    const repos = container.repositories;
    const org = await repos.organizations.create({ name: "Eval", slug: `eval-${process.pid}` });
    const department = await repos.departments.create({ orgId: org.id, name: "Support", slug: "support" });
    const ns = await repos.namespaces.create({
      orgId: org.id,
      departmentId: department.id,
      name: "Intent eval",
      slug: "intent-eval",
    });
    const ctx: ServiceContext = {
      orgId: org.id,
      actor: { kind: "system", id: "eval-intents" },
      access: systemAccess,
      db: container.database.db,
      meta: { requestId: "eval-intents" },
      logger: container.logger,
    };
    const intents = container.services.intents;
    const intentCount = new Set(train.map((r) => r.category)).size;
    const outOfScope = test.filter((r) => r.category === OUT_OF_SCOPE).length;
    console.log(
      `dataset: ${folder} — train ${train.length} phrases of ${intentCount} intents${perIntent ? ` (${perIntent} per intent, seed ${args.seed})` : ""}, test ${test.length} phrases${outOfScope ? ` (${outOfScope} out of scope)` : ""}`,
    );
    console.log(`database: ${database.label}; embedder: ${container.embedder.model}`);

    let started = performance.now();
    await intents.import(ctx, ns.id, {
      examples: train.map((r) => ({ intent: r.category, phrase: r.text })),
    });
    console.log(
      `import: ${train.length} examples embedded and stored in ${((performance.now() - started) / 1000).toFixed(2)} s`,
    );

    // The first classification trains the namespace's model; every later one reuses it.
    started = performance.now();
    await intents.classify(ctx, { namespaceId: ns.id, text: test[0]?.text ?? "warm up" });
    const trained = logs.map((line) => JSON.parse(line)).find((l) => l.msg === "intent classifier trained");
    console.log(
      `training: ${((performance.now() - started) / 1000).toFixed(2)} s (first classification: loading ${trained?.loadMs} ms, training ${trained?.trainMs} ms)`,
    );

    const threshold = (await intents.summary(ctx, ns.id)).threshold;
    const predictions: Prediction[] = [];
    const latencies: number[] = [];
    // CPU time of this process (PGlite runs inside it) per call: unlike wall time, other load on the
    // machine does not inflate it.
    const cpuBefore = process.cpuUsage();
    for (const row of test) {
      const t0 = performance.now();
      // Threshold 0: the best intent and its confidence, so every threshold can be scored from one pass.
      const result = await intents.classify(ctx, { namespaceId: ns.id, text: row.text, threshold: 0 });
      latencies.push(performance.now() - t0);
      predictions.push({ expected: row.category, intent: result.intent, confidence: result.confidence });
    }
    const cpu = process.cpuUsage(cpuBefore);
    const cpuPerCall = (cpu.user + cpu.system) / 1000 / Math.max(1, test.length);
    latencies.sort((a, b) => a - b);

    const at = scoreAt(predictions, threshold, { unknown: UNKNOWN_INTENT, outOfScope: OUT_OF_SCOPE });
    console.log(`threshold: ${threshold} (the namespace's, below it the answer is "${UNKNOWN_INTENT}")`);
    console.log(`accuracy: ${f4(at.accuracy)}`);
    console.log(`macro-F1: ${f4(at.macroF1)}`);
    if (outOfScope > 0) {
      console.log(`in-scope accuracy: ${f4(at.inScopeAccuracy)}`);
      console.log(`out-of-scope recall: ${f4(at.outOfScopeRecall)}`);
    }
    console.log(
      `latency: p50 ${percentile(latencies, 50).toFixed(2)} ms, p95 ${percentile(latencies, 95).toFixed(2)} ms (${latencies.length} calls of intents.classify; CPU ${cpuPerCall.toFixed(2)} ms per call; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores)`,
    );
    const headers = ["threshold", "accuracy", "macro-F1", "answered unknown"];
    if (outOfScope > 0) headers.push("in-scope accuracy", "out-of-scope recall");
    const rows = THRESHOLDS.map((t) => {
      const s = scoreAt(predictions, t, { unknown: UNKNOWN_INTENT, outOfScope: OUT_OF_SCOPE });
      const cells = [t.toFixed(1), f4(s.accuracy), f4(s.macroF1), f4(s.unknownShare)];
      if (outOfScope > 0) cells.push(f4(s.inScopeAccuracy), f4(s.outOfScopeRecall));
      return cells;
    });
    console.log(formatTable(headers, rows));
    await container.close();
  } finally {
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
