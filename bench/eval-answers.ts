/**
 * Answer quality through the chat service users talk to:
 *   npm run eval:answers -- --dataset eval/answers/demo [--sample N] [--seed N] [--goals] [--verbose]
 * Ingests the dataset's documents (bench/eval-answers-data.ts) into a fresh organisation — one
 * department, one knowledge base named and described as the dataset says, one assistant answering from
 * it — then asks every question (follow-ups in the same conversation) with `chat.sendMessage`, the
 * path of the HTTP and OpenAI-compatible endpoints. Prints nugget recall, citation precision,
 * supporting-document recall, refusal recall (unanswerable), false-refusal rate (answerable) and
 * answer latency p50/p95, beside a baseline measured in the same run: the same turns with the
 * relevance gate off (ADR 0017).
 *
 * The model is the configured default: the offline `extractive` model unless LLM_* names an
 * OpenAI-compatible endpoint. The database is embedded PGlite (in memory) unless --database-url or
 * EVAL_DATABASE_URL names a server, where a scratch database is created and dropped.
 * `--goals` exits 1 when the offline goals are missed (refusal recall ≥ 0.95, false refusals ≤ 0.05,
 * nugget recall ≥ 0.85, citation precision ≥ 0.95).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { createContainer } from "../src/app/container.js";
import { loadConfig } from "../src/config/env.js";
import { type DatabaseHandle, openPglite, openPostgres } from "../src/db/client.js";
import { runMigrations } from "../src/db/migrate.js";
import { withTransaction } from "../src/db/transaction.js";
import { createLogger } from "../src/lib/logger.js";
import { hashPassword } from "../src/lib/passwords.js";
import type { ServiceContext } from "../src/services/context.js";
import { createBuiltInRoles } from "../src/services/identity/built-in-roles.js";
import { createMember } from "../src/services/identity/membership.js";
import { createWorker } from "../src/worker/index.js";
import {
  type Dataset,
  type Item,
  readDataset,
  sampleItems,
  scoreTurn,
  type TurnScore,
} from "./eval-answers-data.js";
import { createScratchDatabase, redactUrl } from "./lib/server-db.js";
import { summarize } from "./lib/stats.js";
import { formatTable } from "./lib/table.js";

const { values: args } = parseArgs({
  options: {
    dataset: { type: "string", default: "eval/answers/demo" },
    sample: { type: "string" },
    seed: { type: "string", default: "1" },
    "database-url": { type: "string" },
    goals: { type: "boolean", default: false },
    verbose: { type: "boolean", default: false },
    "no-baseline": { type: "boolean", default: false },
    dump: { type: "string" },
  },
});

export const GOALS = {
  refusalRecall: 0.95,
  falseRefusals: 0.05,
  nuggetRecall: 0.85,
  citationPrecision: 0.95,
};

async function openDatabase(): Promise<{ handle: DatabaseHandle; label: string; drop(): Promise<void> }> {
  const url = args["database-url"] ?? process.env.EVAL_DATABASE_URL;
  if (!url) {
    const handle = await openPglite({});
    return { handle, label: "PGlite (in memory)", drop: () => handle.close() };
  }
  const scratch = await createScratchDatabase(url, "atrium_eval_answers");
  const handle = openPostgres({ url: scratch.url, poolSize: 4 });
  return {
    handle,
    label: `PostgreSQL ${redactUrl(url)} (scratch database ${scratch.name})`,
    async drop() {
      await handle.close();
      await scratch.drop();
    },
  };
}

interface TurnResult {
  item: string;
  turn: number;
  question: string;
  answer: string;
  ms: number;
  score: TurnScore;
  unanswerable: boolean;
  gate?: unknown;
}

export interface Figures {
  nuggetRecall: number;
  citationPrecision: number;
  documentRecall: number;
  refusalRecall: number;
  falseRefusals: number;
  p50: number;
  p95: number;
  answerable: number;
  unanswerable: number;
}

export function figuresOf(results: readonly TurnResult[]): Figures {
  const answerable = results.filter((r) => !r.unanswerable);
  const unanswerable = results.filter((r) => r.unanswerable);
  const sum = (rs: readonly TurnResult[], f: (s: TurnScore) => number) =>
    rs.reduce((a, r) => a + f(r.score), 0);
  const latency = summarize(
    results.map((r) => r.ms),
    0,
  );
  return {
    nuggetRecall:
      sum(answerable, (s) => s.nuggetsFound) /
      Math.max(
        1,
        sum(answerable, (s) => s.nuggetsTotal),
      ),
    citationPrecision:
      sum(answerable, (s) => s.citationsCorrect) /
      Math.max(
        1,
        sum(answerable, (s) => s.citationsChecked),
      ),
    documentRecall:
      sum(answerable, (s) => s.documentsFound) /
      Math.max(
        1,
        sum(answerable, (s) => s.documentsTotal),
      ),
    refusalRecall: unanswerable.filter((r) => r.score.refused).length / Math.max(1, unanswerable.length),
    falseRefusals: answerable.filter((r) => r.score.refused).length / Math.max(1, answerable.length),
    p50: latency.p50Ms,
    p95: latency.p95Ms,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
  };
}

async function setUp(dataset: Dataset) {
  const database = await openDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), "atrium-eval-answers-"));
  await runMigrations(database.handle);
  const config = loadConfig({
    ...process.env,
    NODE_ENV: "production",
    LOG_LEVEL: "silent",
    AUTH_SECRET: "eval-".repeat(8),
    SEED_DEMO: "false",
    ATRIUM_DATA_DIR: dataDir,
    DATABASE_URL: "postgres://unused/unused",
  });
  const logger = createLogger("silent");
  const container = await createContainer(config, { database: database.handle, logger });
  const r = container.repositories;
  const db = database.handle.db;
  const email = `eval-${randomBytes(3).toString("hex")}@eval.local`;
  const { orgId, departmentId } = await withTransaction(db, async (tx) => {
    const org = await r.organizations.create(
      { name: "Answer eval", slug: `eval-${randomBytes(3).toString("hex")}` },
      tx,
    );
    const department = await r.departments.create({ orgId: org.id, name: "Eval", slug: "eval" }, tx);
    const roles = await createBuiltInRoles(r, org.id, tx);
    await createMember(
      r,
      {
        orgId: org.id,
        email,
        name: "Eval Admin",
        role: "admin",
        roleId: roles.get("admin")?.id ?? null,
        departmentId: department.id,
        passwordHash: await hashPassword(randomBytes(12).toString("hex")),
      },
      tx,
      { owner: true },
    );
    return { orgId: org.id, departmentId: department.id };
  });
  const { services } = container;
  const ctx = await services.actingUsers.contextFor(orgId, email, db, logger, "eval");
  const kb = await services.knowledgeBases.create(ctx, {
    departmentId,
    name: dataset.name,
    description: dataset.description,
  });
  const kbDocuments = new Map<string, string>();
  for (const [path, text] of dataset.documents) {
    const { document } = await services.documents.upload(ctx, kb.id, {
      filename: path.split("/").pop() ?? path,
      folder: path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : undefined,
      data: Buffer.from(text),
      mimeType: path.endsWith(".md") ? "text/markdown" : "text/plain",
    });
    kbDocuments.set(document.id, path);
  }
  await createWorker(container, { concurrency: 2, pollMs: 10 }).runUntilIdle({ timeoutMs: 600_000 });
  const agent = await services.agents.create(ctx, {
    name: "Eval Assistant",
    description: dataset.description,
    departmentId,
    primaryModelProvider: null,
    prompt:
      `You answer questions about ${dataset.name} (${dataset.description}) from the passages you are given, ` +
      "quote numbers and limits exactly as the documents state them, and cite every statement with its " +
      "passage marker like [1]. If the passages do not answer the question, say so plainly.",
    ragEnabled: [kb.id],
    toolsEnabled: [],
  });
  return {
    container,
    ctx,
    agentId: agent.id,
    documentOf: (id: string) => kbDocuments.get(id) ?? id,
    model: config.llm,
    db,
    label: database.label,
    async close() {
      await container.close?.();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

type Env = Awaited<ReturnType<typeof setUp>>;

async function chunkTexts(env: Env, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const list = sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const rows = (await env.db.execute(sql`select id, content from chunks where id in (${list})`)) as unknown as
    | { rows: { id: string; content: string }[] }
    | { id: string; content: string }[];
  const list2 = Array.isArray(rows) ? rows : rows.rows;
  return new Map(list2.map((row) => [row.id, row.content]));
}

async function ask(env: Env, ctx: ServiceContext, items: readonly Item[]): Promise<TurnResult[]> {
  const { services } = env.container;
  const results: TurnResult[] = [];
  for (const item of items) {
    const conversation = await services.conversations.create(ctx, { agentId: env.agentId, channel: "api" });
    for (const [i, turn] of item.turns.entries()) {
      const start = performance.now();
      const outcome = await services.chat.sendMessage(ctx, conversation.id, { text: turn.question });
      const ms = performance.now() - start;
      if (outcome.status !== "done")
        throw new Error(`${item.id}: the turn ${outcome.status}: ${outcome.error.message}`);
      const texts = await chunkTexts(
        env,
        outcome.citations.map((c) => c.chunkId),
      );
      const passages = new Map(
        outcome.citations.map((c) => [
          c.label,
          { text: texts.get(c.chunkId) ?? c.snippet, document: env.documentOf(c.documentId) },
        ]),
      );
      const answer = outcome.message.text;
      const gate =
        args.verbose || args.dump
          ? (
              (await env.db.execute(
                sql`select metadata->'relevance' as r from agent_runs where id = ${outcome.runId}::uuid`,
              )) as unknown as { rows: { r: unknown }[] }
            ).rows[0]?.r
          : undefined;
      results.push({
        gate,
        item: item.id,
        turn: i + 1,
        question: turn.question,
        answer,
        ms,
        unanswerable: turn.unanswerable,
        score: scoreTurn(turn, answer, passages),
      });
    }
  }
  return results;
}

const f3 = (n: number) => (Number.isFinite(n) ? n.toFixed(3) : "–");
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "–");

export function goalsMet(f: Figures): boolean {
  return (
    f.refusalRecall >= GOALS.refusalRecall &&
    f.falseRefusals <= GOALS.falseRefusals &&
    f.nuggetRecall >= GOALS.nuggetRecall &&
    f.citationPrecision >= GOALS.citationPrecision
  );
}

async function main() {
  const dataset = readDataset(args.dataset!);
  const sample = args.sample ? Number(args.sample) : undefined;
  const items = sampleItems(dataset.items, sample, Number(args.seed));
  const env = await setUp(dataset);
  try {
    const turns = items.reduce((a, i) => a + i.turns.length, 0);
    console.log(
      `eval:answers — ${dataset.name}: ${dataset.documents.size} documents, ${items.length} items (${turns} turns)` +
        `${sample ? ` sampled from ${dataset.items.length}` : ""}; ${env.label}; model ${env.model.provider}${env.model.model ? ` ${env.model.model}` : ""}`,
    );
    const gated = await ask(env, env.ctx, items);
    if (args.dump) writeFileSync(args.dump, JSON.stringify(gated, null, 1));
    const rows: string[][] = [];
    const now = figuresOf(gated);
    const line = (name: string, f: Figures) => [
      name,
      f3(f.nuggetRecall),
      f3(f.citationPrecision),
      f3(f.documentRecall),
      f3(f.refusalRecall),
      f3(f.falseRefusals),
      f1(f.p50),
      f1(f.p95),
    ];
    rows.push(line("relevance gate on", now));
    if (!args["no-baseline"]) {
      // The same turns with the gate off (the chat service reads this config object on every turn).
      env.container.config.chat.relevanceGate = false;
      try {
        rows.push(line("baseline: gate off", figuresOf(await ask(env, env.ctx, items))));
      } finally {
        env.container.config.chat.relevanceGate = true;
      }
    }
    console.log(
      formatTable(
        [
          "run",
          "nugget recall",
          "citation precision",
          "doc recall",
          "refusal recall",
          "false refusals",
          "p50 ms",
          "p95 ms",
        ],
        rows,
      ),
    );
    console.log(`(${now.answerable} answerable and ${now.unanswerable} unanswerable turns)`);
    if (args.verbose) {
      for (const r of gated) {
        const bad = r.unanswerable
          ? !r.score.refused
          : r.score.refused || r.score.nuggetsFound < r.score.nuggetsTotal;
        const wrongCite = r.score.citationsCorrect < r.score.citationsChecked;
        if (bad || wrongCite) {
          console.log(`\n✗ ${r.item}#${r.turn} ${r.unanswerable ? "(unanswerable)" : ""} ${r.question}`);
          console.log(
            `  ${JSON.stringify(r.score)} gate ${JSON.stringify(r.gate)}\n  ${r.answer.replace(/\n+/g, " ").slice(0, 400)}`,
          );
        }
      }
    }
    const met = goalsMet(now);
    console.log(
      `goals (offline default): refusal recall ≥ ${GOALS.refusalRecall}, false refusals ≤ ${GOALS.falseRefusals}, ` +
        `nugget recall ≥ ${GOALS.nuggetRecall}, citation precision ≥ ${GOALS.citationPrecision}: ${met ? "met" : "MISSED"}`,
    );
    if (args.goals && !met) process.exitCode = 1;
  } finally {
    await env.close();
  }
}

await main();
