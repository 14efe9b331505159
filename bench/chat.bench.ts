/**
 * `npm run bench:chat`: what a chat turn costs beyond retrieval and the model. On server PostgreSQL (a
 * scratch database, dropped at the end) it seeds the demo organisation, grows the HR knowledge base to
 * ≥ 50k chunks, and then, for the same questions, alternates
 *   - the retrieval query alone: the search service call the turn's retrieval stage makes, and
 *   - a whole turn through the chat service (conversation checks, budget, user message, history,
 *     memory, retrieval, prompt, model call with tools, citation check, persistence of the answer,
 *     task, run and retrieval hits) with a zero-latency scripted model that cites the first passage.
 * Prints turns/s, p50/p95 of both, the turn / retrieval ratio and the overhead (turn − retrieval at
 * p50); goal: ≤ 15 ms. The model's own time is counted as overhead (it is near zero), so the figure is
 * conservative.
 *
 * PII masking is on (the organisation's default policy, `mask`): each question carries personal data
 * (a name, an e-mail address, a phone number…), so the `pii-screen`, `pii-mask` and `pii-rehydrate`
 * stages do real work; their times are in the stage table. `--no-pii 1` asks the bare questions.
 *
 * Intent classification is on too: the conversations belong to a bench namespace of the HR
 * department whose intent examples are the demo's HR phrases (every intent made autonomous, so no
 * reply waits for a person and the conversation goes on; autonomous replies are still sampled for
 * review at the default rate). `classify-intent` therefore embeds and votes for every question, and
 * `approval-gate` decides; their times are in the stage table.
 *
 * Options: --chunks N (BENCH_CHAT_CHUNKS, 50,000), --turns N (BENCH_CHAT_TURNS, 200), --warmup N (20),
 * --per-conversation N (10 turns, then a new conversation, so history stays realistic), --seed N.
 * Server from BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Pool } from "pg";
import { createContainer } from "../src/app/container.js";
import { loadConfig } from "../src/config/env.js";
import { openPostgres } from "../src/db/client.js";
import { runMigrations } from "../src/db/migrate.js";
import { createLogger } from "../src/lib/logger.js";
import type { ChatModelProvider } from "../src/providers/llm/chat-model.js";
import { DEMO_CONTENT } from "../src/services/seed/demo-content.js";
import { createWorker } from "../src/worker/index.js";
import { ScriptedChatModel } from "../test/fakes/scripted-chat-model.js";
import { addSyntheticChunks } from "./lib/chat-corpus.js";
import { describeMachine, loadAverage } from "./lib/machine.js";
import { intOption } from "./lib/options.js";
import { createRng } from "./lib/prng.js";
import { writeResults } from "./lib/results.js";
import { createScratchDatabase, probeServer, redactUrl, serverBaseUrl } from "./lib/server-db.js";
import { ratio, summarize } from "./lib/stats.js";
import { formatNumber, formatRatio, formatTable } from "./lib/table.js";
import { formatDuration, now } from "./lib/timing.js";

const chunkTarget = intOption("chunks", "BENCH_CHAT_CHUNKS", 50_000, { min: 1_000, max: 2_000_000 });
const turns = intOption("turns", "BENCH_CHAT_TURNS", 200, { min: 10, max: 100_000 });
const warmup = intOption("warmup", undefined, 20, { min: 0, max: 10_000 });
const perConversation = intOption("per-conversation", undefined, 10, { min: 1, max: 1_000 });
const seed = intOption("seed", "BENCH_SEED", 42, { min: 0, max: 2 ** 31 });
const GOAL_OVERHEAD_MS = 15;
const withPii = intOption("no-pii", undefined, 0, { min: 0, max: 1 }) === 0;
/** Personal data appended to the questions, as people write it (masked before the model sees it). */
const PII_SUFFIXES = [
  "— I'm Anna Schmidt, anna.schmidt@example.com",
  "(call me on +44 20 7946 0958)",
  "my IBAN is DE89 3704 0044 0532 0130 00",
  "— Mr. Okafor asked, reach him at okafor@example.org",
  "born on 12 March 1985, employee Jan van der Berg",
];
const EMPLOYEE = "employee@demo.atrium.local";
const ADMIN = "admin@demo.atrium.local";

/** Zero-latency model: every call answers at once by citing the first passage in its prompt. */
function zeroLatencyModels(): ChatModelProvider {
  const model = new ScriptedChatModel([], { modelId: "zero-latency", fallback: { citeFirstPassage: true } });
  return {
    resolve: () => ({ spec: { provider: "scripted", model: "zero-latency" }, model }),
    costUsd: () => 0,
  };
}

/** Stages that run inside a group, shown under it. */
const NESTED = new Set(["budget", "persist-user-message", "history", "memory", "retrieval"]);

/**
 * p50/p95 of each stage's time over the measured turns' runs, in pipeline order. The run row is
 * written by the last stage, so that stage's own time is not in it: the rest of each turn (its turn
 * time minus its top-level stages: writing the answer, task, run and hits) is shown as one more line.
 */
async function stageBreakdown(pool: Pool, turnMs: readonly number[]) {
  const { rows } = await pool.query<{ stages: { name: string; ms: number }[] | null }>(
    "select metadata->'stages' as stages from agent_runs order by created_at desc limit $1",
    [turnMs.length],
  );
  const byStage = new Map<string, number[]>();
  const rest: number[] = [];
  // Newest run first: it belongs to the last measured turn.
  for (const [i, row] of rows.entries()) {
    let topLevel = 0;
    for (const { name, ms } of row.stages ?? []) {
      byStage.set(name, [...(byStage.get(name) ?? []), ms]);
      if (!NESTED.has(name)) topLevel += ms;
    }
    const total = turnMs[turnMs.length - 1 - i];
    if (total !== undefined) rest.push(Math.max(0, total - topLevel));
  }
  byStage.set("finish (answer, task, run, hits; turn − stages above)", rest);
  return [...byStage].map(([name, values]) => {
    const s = summarize(
      values,
      values.reduce((a, b) => a + b, 0),
    );
    return { name: NESTED.has(name) ? `  ${name}` : name, p50: s.p50Ms, p95: s.p95Ms };
  });
}

async function main() {
  const base = serverBaseUrl();
  const version = await probeServer(base);
  const scratch = await createScratchDatabase(base, "atrium_bench_chat");
  const dataDir = mkdtempSync(join(tmpdir(), "atrium-bench-chat-"));
  const handle = openPostgres({ url: scratch.url, poolSize: 8 });
  if (handle.kind !== "postgres") throw new Error("unreachable");
  try {
    await runMigrations(handle);
    const config = loadConfig({
      NODE_ENV: "production",
      LOG_LEVEL: "silent",
      AUTH_SECRET: "bench-".repeat(8),
      SEED_DEMO: "false",
      ATRIUM_DATA_DIR: dataDir,
      DATABASE_URL: scratch.url,
    });
    const logger = createLogger("silent");
    const container = await createContainer(config, {
      database: handle,
      logger,
      chatModels: zeroLatencyModels(),
    });
    const { services } = container;
    console.log(`bench:chat — ${describeMachine()}, load ${loadAverage()}`);
    console.log(`server: PostgreSQL ${version} at ${redactUrl(base)} (scratch database ${scratch.name})`);

    const seeded = await services.seed.seedDemoIfEmpty();
    if (!seeded) throw new Error("the scratch database already had an organisation");
    await createWorker(container, { concurrency: 2, pollMs: 10 }).runUntilIdle({ timeoutMs: 600_000 });
    const ctx = await services.actingUsers.contextFor(seeded.orgId, EMPLOYEE, handle.db, logger, "bench");
    const [agent] = (
      await services.agents.list(ctx, { enabled: true }, { page: 1, pageSize: 50 })
    ).items.filter((a) => a.name === "HR Assistant");
    if (!agent) throw new Error("the demo has no HR Assistant visible to the employee");
    const knowledgeBaseIds = agent.ragEnabled;
    const kbId = knowledgeBaseIds[0];
    if (!kbId) throw new Error("the HR Assistant searches no knowledge base");
    // The bench namespace: the demo's HR intent examples, every intent autonomous.
    const admin = await services.actingUsers.contextFor(seeded.orgId, ADMIN, handle.db, logger, "bench");
    const hr = DEMO_CONTENT.find((d) => d.namespace?.slug === "hr");
    const intents = hr?.intents ?? [];
    if (intents.length === 0) throw new Error("the demo content has no HR intents");
    const namespace = await services.namespaces.create(admin, {
      departmentId: agent.departmentId!,
      name: "Bench desk",
      slug: "bench-desk",
      config: { defaultAgentId: agent.id },
    });
    await services.intents.import(admin, namespace.id, {
      examples: intents.flatMap((i) => i.phrases.map((phrase) => ({ intent: i.intent, phrase }))),
    });
    for (const { intent } of intents) await services.trust.promote(admin, namespace.id, intent);
    const examples = (await services.intents.summary(admin, namespace.id)).examples;
    console.log(
      `intent classification: on, namespace "${namespace.name}" with ${examples} examples of ${intents.length} intents (all autonomous)`,
    );
    const rng = createRng(seed);
    const t0 = now();
    const corpus = await addSyntheticChunks(container, { knowledgeBaseId: kbId, target: chunkTarget, rng });
    // The steady state autovacuum reaches after a bulk load: planner and full-text term statistics.
    await handle.pool.query("ANALYZE chunks; ANALYZE chunk_questions");
    console.log(
      `knowledge base: ${formatNumber(corpus.total)} chunks (${formatNumber(corpus.added)} synthetic added in ${formatDuration(now() - t0)}), hybrid retrieval, limit ${config.chat.retrievalLimit}`,
    );
    const questions = Array.from({ length: warmup + turns }, (_, i) => {
      const question = corpus.question(rng);
      return withPii ? `${question} ${PII_SUFFIXES[i % PII_SUFFIXES.length]}` : question;
    });
    console.log(
      `PII masking: ${withPii ? "on, questions carry personal data" : "on, bare questions (--no-pii 1)"}`,
    );

    let conversationId = "";
    const retrievalMs: number[] = [];
    const turnMs: number[] = [];
    let failed = 0;
    let cited = 0;
    for (const [i, question] of questions.entries()) {
      if (i % perConversation === 0) {
        conversationId = (
          await services.conversations.create(ctx, {
            agentId: agent.id,
            namespaceId: namespace.id,
            channel: "api",
          })
        ).id;
      }
      const retrieval = async () => {
        const start = now();
        await services.search.search(ctx, {
          query: question,
          knowledgeBaseIds,
          limit: config.chat.retrievalLimit,
        });
        return now() - start;
      };
      const turn = async () => {
        const start = now();
        const outcome = await services.chat.sendMessage(ctx, conversationId, { text: question });
        const ms = now() - start;
        if (outcome.status !== "done") failed += 1;
        else if (outcome.citations.length > 0) cited += 1;
        return ms;
      };
      // Alternate the order so neither side always runs on warmer caches.
      let retrieved: number;
      let answered: number;
      if (i % 2 === 0) {
        retrieved = await retrieval();
        answered = await turn();
      } else {
        answered = await turn();
        retrieved = await retrieval();
      }
      if (i < warmup) continue;
      retrievalMs.push(retrieved);
      turnMs.push(answered);
    }

    const retrievalSummary = summarize(
      retrievalMs,
      retrievalMs.reduce((s, v) => s + v, 0),
    );
    const turnSummary = summarize(
      turnMs,
      turnMs.reduce((s, v) => s + v, 0),
    );
    const overheadP50 = turnSummary.p50Ms - retrievalSummary.p50Ms;
    const overheadP95 = turnSummary.p95Ms - retrievalSummary.p95Ms;
    const ms = (v: number) => `${v.toFixed(2)} ms`;
    console.log("");
    console.log(
      formatTable(
        ["measured (sequential, same questions)", "per second", "p50", "p95"],
        [
          [
            "retrieval query alone (hybrid)",
            formatNumber(retrievalSummary.opsPerSec),
            ms(retrievalSummary.p50Ms),
            ms(retrievalSummary.p95Ms),
          ],
          [
            "whole turn (zero-latency model)",
            formatNumber(turnSummary.opsPerSec),
            ms(turnSummary.p50Ms),
            ms(turnSummary.p95Ms),
          ],
          [
            "turn / retrieval",
            "",
            formatRatio(ratio(turnSummary.p50Ms, retrievalSummary.p50Ms)),
            formatRatio(ratio(turnSummary.p95Ms, retrievalSummary.p95Ms)),
          ],
          ["Atrium overhead (turn − retrieval)", "", ms(overheadP50), ms(overheadP95)],
        ],
      ),
    );
    console.log(
      `turns: ${formatNumber(turnMs.length)} measured after ${warmup} warm-up; failed ${failed}; answers with a verified citation ${cited}/${warmup + turns}`,
    );
    const stages = await stageBreakdown(handle.pool, turnMs);
    console.log("\nwhere a turn's time goes (p50 per stage, from the runs' traces; nested stages indented):");
    console.log(
      formatTable(
        ["stage", "p50", "p95"],
        stages.map((s) => [s.name, ms(s.p50), ms(s.p95)]),
      ),
    );
    const met = overheadP50 <= GOAL_OVERHEAD_MS && failed === 0;
    console.log(
      `GOAL Atrium adds ≤ ${GOAL_OVERHEAD_MS} ms p50 beyond retrieval and model time: ${ms(overheadP50)} — ${met ? "met" : "NOT met"}`,
    );
    const file = writeResults("chat", {
      machine: describeMachine(),
      chunks: corpus.total,
      turns: turnMs.length,
      retrieval: retrievalSummary,
      turn: turnSummary,
      overheadP50Ms: overheadP50,
      overheadP95Ms: overheadP95,
      stages,
      failed,
      goalMet: met,
    });
    console.log(`results: ${file}`);
    await container.close();
  } finally {
    await handle.close().catch(() => undefined);
    await scratch.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error("bench:chat failed:", error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
