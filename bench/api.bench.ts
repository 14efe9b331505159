/**
 * `npm run bench:api`: what Atrium's HTTP stack costs on an authenticated list route. Starts the real
 * server (`node --import tsx src/bin/atrium.ts serve`) on a scratch database seeded with the demo
 * organisation plus extra departments, and a bare Fastify + pg baseline (bench/baseline-server.ts)
 * running the same SQL in the same kind of process, then drives `GET /departments?pageSize=20` on each
 * with autocannon, one target at a time, alternating the order between rounds. Prints req/s, p50 and
 * p99 for both, the Atrium/bare ratios and PASS/FAIL against the goals (req/s ≥ 0.6×, p99 ≤ 1.5×).
 *
 * Options (flag or environment): --connections N (BENCH_API_CONNECTIONS, 10), --duration S
 * (BENCH_API_DURATION, 10), --warmup S (BENCH_API_WARMUP, 3), --rounds N (BENCH_API_ROUNDS, 2),
 * --departments N (BENCH_API_DEPARTMENTS, 50 extra), --pool N (BENCH_API_POOL, 10); --check exits 1
 * when a goal is missed; --profile has both servers write V8 CPU profiles under bench/results/.
 * Server from BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres;
 * the scratch database atrium_bench_api_<pid> is dropped at the end, as are both servers, also on
 * failure or Ctrl-C. BENCH_API_ATRIUM_ROOT=<dir> measures the Atrium in another checkout (to try a change).
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { type DatabaseHandle, openPostgres } from "../src/db/client.js";
import { runMigrations } from "../src/db/migrate.js";
import * as schema from "../src/db/schema/index.js";
import { MemoryCache } from "../src/providers/cache/memory-cache.js";
import { createRepositories } from "../src/repositories/index.js";
import { createAccessTokens } from "../src/services/auth/access-tokens.js";
import { createAuthenticator } from "../src/services/auth/authenticate.js";
import { departmentPageSql } from "./lib/api-departments-sql.js";
import { type LoadResult, poolRuns, runLoad } from "./lib/api-load.js";
import {
  freePort,
  type NodeProcess,
  processCpuMs,
  runNode,
  startNode,
  waitForHttp,
} from "./lib/api-processes.js";
import { describeMachine, machineInfo } from "./lib/machine.js";
import { hasFlag, intOption } from "./lib/options.js";
import { resultsDir, writeResults } from "./lib/results.js";
import { createScratchDatabase, redactUrl, type ScratchDatabase, serverBaseUrl } from "./lib/server-db.js";
import { ratio } from "./lib/stats.js";
import { formatNumber, formatRatio, formatTable } from "./lib/table.js";
import { formatDuration, now } from "./lib/timing.js";

const GOAL_REQ_RATIO = 0.6;
const GOAL_P99_RATIO = 1.5;
const PAGE_SIZE = 20;
const ARCHIVED_EXTRA = 5;
const ADMIN_EMAIL = "admin@demo.atrium.local";
const ROUTE = `/departments?pageSize=${PAGE_SIZE}`;

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

function parseConfig() {
  try {
    return {
      connections: intOption("connections", "BENCH_API_CONNECTIONS", 10, { min: 1, max: 1000 }),
      durationSec: intOption("duration", "BENCH_API_DURATION", 10, { min: 1, max: 3600 }),
      warmupSec: intOption("warmup", "BENCH_API_WARMUP", 3, { min: 0, max: 600 }),
      rounds: intOption("rounds", "BENCH_API_ROUNDS", 2, { min: 1, max: 20 }),
      departments: intOption("departments", "BENCH_API_DEPARTMENTS", 50, { min: 0, max: 10_000 }),
      poolSize: intOption("pool", "BENCH_API_POOL", 10, { min: 1, max: 100 }),
      check: hasFlag("check"),
      profile: hasFlag("profile"),
    };
  } catch (error) {
    console.error(`bench:api: ${(error as Error).message}`);
    process.exit(1);
  }
}

const config = parseConfig();

type TargetName = "atrium" | "bare";
const LABEL: Record<TargetName, string> = { atrium: "Atrium", bare: "bare Fastify + pg" };

interface Target {
  name: TargetName;
  url: string;
  headers: Record<string, string>;
  pid: number | undefined;
}

interface Run {
  round: number;
  target: TargetName;
  result: LoadResult;
  /** Server CPU time (all threads) spent in the measured run, ms; undefined without /proc. */
  serverCpuMs: number | undefined;
}

/** Server CPU per 2xx response, µs: less sensitive to other load on the machine than req/s. */
function cpuPerResponseUs(runs: readonly Run[]): number {
  if (runs.some((r) => r.serverCpuMs === undefined)) return Number.NaN;
  const cpuMs = runs.reduce((acc, r) => acc + r.serverCpuMs!, 0);
  const responses = runs.reduce((acc, r) => acc + r.result.ok, 0);
  return responses > 0 ? (cpuMs * 1000) / responses : Number.NaN;
}

const us = (value: number) => (Number.isFinite(value) ? `${formatNumber(value)} µs` : "n/a");

// ---------------------------------------------------------------------------------------------------
// Setup: scratch database, migrations, demo seed, extra departments

/** The environment both servers share; Atrium reads all of it, the baseline what it needs. */
function serverEnv(databaseUrl: string, port: number, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: String(config.poolSize),
    LOG_LEVEL: "warn",
    AUTO_MIGRATE: "false",
    SEED_DEMO: "false",
    ...extra,
  };
  // The in-process cache, one pool, no replica: the same infrastructure the baseline has.
  delete env.REDIS_URL;
  delete env.ANALYTICS_DATABASE_URL;
  delete env.CORS_ORIGINS;
  return env;
}

type ServerHandle = Extract<DatabaseHandle, { kind: "postgres" }>;

function openServerDb(url: string): ServerHandle {
  const handle = openPostgres({ url, poolSize: 2, applicationName: "atrium-bench-setup" });
  if (handle.kind !== "postgres") throw new Error("expected a PostgreSQL handle");
  return handle;
}

interface Prepared {
  orgId: string;
  visible: number;
}

async function prepareDatabase(url: string, secrets: { authSecret: string; password: string }) {
  const handle = openServerDb(url);
  try {
    await runMigrations(handle);
    await runNode(
      "atrium seed",
      ["--import", "tsx", "src/bin/atrium.ts", "seed"],
      serverEnv(url, 0, { AUTH_SECRET: secrets.authSecret, DEMO_PASSWORD: secrets.password }),
      repoRoot,
    );
    const [org] = await handle.db
      .select({ id: schema.organizations.id })
      .from(schema.organizations)
      .where(eq(schema.organizations.slug, "demo"));
    if (!org) throw new Error("the demo organisation was not created");

    const extra = Array.from({ length: config.departments + ARCHIVED_EXTRA }, (_, i) => {
      const archived = i >= config.departments;
      return {
        orgId: org.id,
        name: archived ? `Archived team ${i - config.departments + 1}` : `Team ${i + 1}`,
        slug: archived ? `archived-${i - config.departments + 1}` : `team-${i + 1}`,
        color: `#${(0x203040 + i * 0x010203).toString(16).slice(-6)}`,
        description: `Bench department ${i + 1}: policies, requests and handbooks`,
        settings: { bench: true, index: i },
        isArchived: archived,
        archivedAt: archived ? new Date() : null,
      };
    });
    for (let i = 0; i < extra.length; i += 500) {
      await handle.db.insert(schema.departments).values(extra.slice(i, i + 500));
    }
    await handle.pool.query("ANALYZE departments");
    const visible = await handle.pool.query<{ n: string }>(
      "select count(*) as n from departments where org_id = $1 and not is_archived",
      [org.id],
    );
    await checkSql(url, org.id, secrets.authSecret);
    return { orgId: org.id, visible: Number(visible.rows[0]!.n) } satisfies Prepared;
  } finally {
    await handle.close();
  }
}

/**
 * Runs the real repository call behind `GET /departments` (with the admin's real access) on a
 * Drizzle instance that records its statements, and checks the baseline's SQL text and parameters
 * against them.
 */
async function checkSql(url: string, orgId: string, authSecret: string): Promise<void> {
  const handle = openServerDb(url);
  try {
    const seen: { sql: string; params: unknown[] }[] = [];
    const db = drizzle({
      client: handle.pool,
      schema,
      casing: "snake_case",
      logger: { logQuery: (sql, params) => seen.push({ sql, params }) },
    }) as unknown as typeof handle.db;
    const repositories = createRepositories(db, new MemoryCache(100), 60);
    const authenticator = createAuthenticator({ repositories, tokens: createAccessTokens(authSecret, 60) });
    const admin = await repositories.users.findByEmail(orgId, ADMIN_EMAIL);
    if (!admin) throw new Error(`${ADMIN_EMAIL} was not seeded`);
    const access = await authenticator.accessOf(admin);
    seen.length = 0;
    await repositories.departments.pageVisible(
      orgId,
      access,
      { includeArchived: false },
      { page: 1, pageSize: PAGE_SIZE },
      db, // as the department service calls it: with the context's database
    );
    const expected = [{ sql: departmentPageSql(), params: [orgId, false, PAGE_SIZE, 0] }];
    if (!isDeepStrictEqual(seen, expected)) {
      throw new Error(
        `the baseline's SQL no longer matches Atrium's.\nAtrium ran:\n${JSON.stringify(seen, null, 2)}\n` +
          `bench/lib/api-departments-sql.ts has:\n${JSON.stringify(expected, null, 2)}`,
      );
    }
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// Servers

/** With --profile each server writes a V8 CPU profile (open it in Chrome DevTools) when it stops. */
const profileDir = config.profile
  ? join(resultsDir, `api-profile-${new Date().toISOString().replace(/[:.]/g, "-")}`)
  : undefined;

function profileArgs(name: TargetName): string[] {
  return profileDir
    ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`]
    : [];
}

/**
 * The checkout whose Atrium is measured: this one, or BENCH_API_ATRIUM_ROOT (a copy with a change to
 * try, with its own node_modules or a link to this one's). Setup and the baseline always use this one.
 */
const atriumRoot = process.env.BENCH_API_ATRIUM_ROOT || repoRoot;

async function startAtrium(url: string, authSecret: string): Promise<{ proc: NodeProcess; base: string }> {
  const port = await freePort();
  const proc = startNode(
    "atrium serve",
    [...profileArgs("atrium"), "--import", "tsx", "src/bin/atrium.ts", "serve"],
    serverEnv(url, port, { AUTH_SECRET: authSecret, ACCESS_TOKEN_TTL_SECONDS: "86400" }),
    atriumRoot,
  );
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/health`, proc);
  return { proc, base };
}

async function startBaseline(url: string, orgId: string): Promise<{ proc: NodeProcess; base: string }> {
  const port = await freePort();
  const proc = startNode(
    "baseline server",
    [...profileArgs("bare"), "--import", "tsx", "bench/baseline-server.ts"],
    serverEnv(url, port, { BENCH_ORG_ID: orgId }),
    repoRoot,
  );
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/health`, proc);
  return { proc, base };
}

async function login(base: string, password: string): Promise<string> {
  const response = await fetch(`${base}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: ADMIN_EMAIL, password }),
  });
  const body = (await response.json()) as { accessToken?: string };
  if (!response.ok || !body.accessToken) {
    throw new Error(`login failed: HTTP ${response.status} ${JSON.stringify(body)}`);
  }
  return body.accessToken;
}

async function getJson(target: Target): Promise<unknown> {
  const response = await fetch(target.url, { headers: target.headers });
  const text = await response.text();
  if (!response.ok) throw new Error(`${LABEL[target.name]}: GET ${ROUTE} → HTTP ${response.status} ${text}`);
  return JSON.parse(text);
}

// ---------------------------------------------------------------------------------------------------
// Report

const ms = (value: number) => formatDuration(value);

const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

/** Other work competing for the CPUs skews req/s and latency ratios; say so next to them. */
function busyMachineWarning(): string | undefined {
  const [oneMinute = 0] = os.loadavg();
  const cores = machineInfo().cores;
  if (oneMinute <= cores) return undefined;
  return (
    `WARNING: load average ${loadAverage()} on ${cores} cores: other processes compete with both servers, ` +
    "so req/s and latency ratios are unreliable (server CPU/response is steadier). Rerun on a quiet machine."
  );
}

function verdict(pass: boolean): string {
  return pass ? "PASS" : "FAIL";
}

function report(runs: Run[], visible: number, wallMs: number) {
  const perRun = runs.map((r) => [
    String(r.round),
    LABEL[r.target],
    formatNumber(r.result.reqPerSec),
    ms(r.result.latency.p50Ms),
    ms(r.result.latency.p99Ms),
    us(cpuPerResponseUs([r])),
    String(r.result.non2xx),
    String(r.result.errors),
  ]);
  const perRoundRatios = [...new Set(runs.map((r) => r.round))].map((round) => {
    const a = runs.find((r) => r.round === round && r.target === "atrium")!.result;
    const b = runs.find((r) => r.round === round && r.target === "bare")!.result;
    return [
      String(round),
      formatRatio(ratio(a.reqPerSec, b.reqPerSec)),
      formatRatio(ratio(a.latency.p50Ms, b.latency.p50Ms)),
      formatRatio(ratio(a.latency.p99Ms, b.latency.p99Ms)),
    ];
  });
  const atrium = poolRuns(runs.filter((r) => r.target === "atrium").map((r) => r.result));
  const bare = poolRuns(runs.filter((r) => r.target === "bare").map((r) => r.result));
  const reqRatio = ratio(atrium.opsPerSec, bare.opsPerSec);
  const p50Ratio = ratio(atrium.p50Ms, bare.p50Ms);
  const p99Ratio = ratio(atrium.p99Ms, bare.p99Ms);
  const atriumCpu = cpuPerResponseUs(runs.filter((r) => r.target === "atrium"));
  const bareCpu = cpuPerResponseUs(runs.filter((r) => r.target === "bare"));
  const cpuRatio = ratio(atriumCpu, bareCpu);
  const clean = atrium.non2xx + atrium.errors + bare.non2xx + bare.errors === 0;
  const reqPass = reqRatio >= GOAL_REQ_RATIO;
  const p99Pass = p99Ratio <= GOAL_P99_RATIO;
  const pass = reqPass && p99Pass && clean;

  const bytes = (t: TargetName) =>
    Math.round(
      runs.filter((r) => r.target === t).reduce((acc, r) => acc + r.result.bytesPerResponse, 0) /
        runs.filter((r) => r.target === t).length,
    );

  console.log("\nEach run:");
  console.log(
    formatTable(
      ["round", "target", "req/s", "p50", "p99", "server CPU/response", "non-2xx", "errors"],
      perRun,
      ["right", "left", "right", "right", "right", "right", "right", "right"],
    ),
  );
  console.log("\nAtrium / bare, per round:");
  console.log(formatTable(["round", "req/s", "p50", "p99"], perRoundRatios));
  console.log(`\nAll rounds pooled (GET ${ROUTE}, ${visible} visible departments):`);
  console.log(
    formatTable(
      ["metric", "Atrium", "bare Fastify + pg", "Atrium / bare", "goal", "result"],
      [
        [
          "req/s",
          formatNumber(atrium.opsPerSec),
          formatNumber(bare.opsPerSec),
          formatRatio(reqRatio),
          `≥ ${GOAL_REQ_RATIO}×`,
          verdict(reqPass),
        ],
        ["p50", ms(atrium.p50Ms), ms(bare.p50Ms), formatRatio(p50Ratio), "", ""],
        [
          "p99",
          ms(atrium.p99Ms),
          ms(bare.p99Ms),
          formatRatio(p99Ratio),
          `≤ ${GOAL_P99_RATIO}×`,
          verdict(p99Pass),
        ],
        ["server CPU/response", us(atriumCpu), us(bareCpu), formatRatio(cpuRatio), "", ""],
        ["responses", formatNumber(atrium.count), formatNumber(bare.count), "", "", ""],
        ["bytes/response", String(bytes("atrium")), String(bytes("bare")), "", "incl. headers", ""],
        [
          "non-2xx + errors",
          String(atrium.non2xx + atrium.errors),
          String(bare.non2xx + bare.errors),
          "",
          "0",
          verdict(clean),
        ],
      ],
    ),
  );
  console.log(
    `\nbench:api ${verdict(pass)}: Atrium serves ${formatRatio(reqRatio)} the bare handler's req/s ` +
      `(goal ≥ ${GOAL_REQ_RATIO}×) at ${formatRatio(p99Ratio)} its p99 (goal ≤ ${GOAL_P99_RATIO}×).`,
  );
  console.log(
    `Server CPU per response, Atrium / bare: ${formatRatio(cpuRatio)}; if both were CPU-bound that alone ` +
      `would give Atrium ${formatRatio(1 / cpuRatio)} the req/s.`,
  );
  const busy = busyMachineWarning();
  if (busy) console.log(busy);
  const path = writeResults("api", {
    machine: machineInfo(),
    loadAverageAtEnd: os.loadavg(),
    config: { ...config, route: ROUTE, visibleDepartments: visible },
    runs: runs.map((r) => ({
      round: r.round,
      target: r.target,
      reqPerSec: r.result.reqPerSec,
      latency: r.result.latency,
      serverCpuMs: r.serverCpuMs,
      non2xx: r.result.non2xx,
      errors: r.result.errors,
      bytesPerResponse: r.result.bytesPerResponse,
    })),
    pooled: { atrium, bare },
    serverCpuPerResponseUs: { atrium: atriumCpu, bare: bareCpu },
    ratios: { reqPerSec: reqRatio, p50: p50Ratio, p99: p99Ratio, serverCpuPerResponse: cpuRatio },
    goals: { reqPerSec: GOAL_REQ_RATIO, p99: GOAL_P99_RATIO },
    pass,
    wallMs,
  });
  console.log(`results: ${path}`);
  return pass;
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<boolean> {
  const started = now();
  const baseUrl = serverBaseUrl();
  const { connections, durationSec, warmupSec, rounds } = config;
  console.log(
    `bench:api: GET ${ROUTE} on Atrium vs a bare Fastify + pg handler; ${connections} connections, ` +
      `${warmupSec} s warm-up + ${durationSec} s measured per run, ${rounds} round(s), order alternating`,
  );
  console.log(`machine: ${describeMachine()}; load average ${loadAverage()}`);
  const busy = busyMachineWarning();
  if (busy) console.log(busy);
  console.log(`database: ${redactUrl(baseUrl)}, pool ${config.poolSize} per server`);
  if (atriumRoot !== repoRoot) console.log(`Atrium from ${atriumRoot} (BENCH_API_ATRIUM_ROOT)`);

  const processes: NodeProcess[] = [];
  let scratch: ScratchDatabase | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () => {
    cleaning ??= (async () => {
      await Promise.all(processes.map((p) => p.stop().catch(() => {})));
      if (scratch) {
        await scratch.drop().catch((error: unknown) => {
          console.error(`bench:api: could not drop ${scratch?.name}: ${(error as Error).message}`);
        });
      }
    })();
    return cleaning;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\nbench:api: ${signal}, cleaning up`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    scratch = await createScratchDatabase(baseUrl, "atrium_bench_api");
    const secrets = {
      authSecret: randomBytes(48).toString("base64url"),
      password: `bench-${randomBytes(9).toString("base64url")}`,
    };
    const { orgId, visible } = await prepareDatabase(scratch.url, secrets);
    console.log(
      `setup: ${scratch.name} migrated, demo organisation seeded, ${config.departments} departments ` +
        `(+${ARCHIVED_EXTRA} archived) added: ${visible} visible; SQL checked against Drizzle`,
    );

    const atrium = await startAtrium(scratch.url, secrets.authSecret);
    processes.push(atrium.proc);
    const token = await login(atrium.base, secrets.password);
    const baseline = await startBaseline(scratch.url, orgId);
    processes.push(baseline.proc);

    const targets: Record<TargetName, Target> = {
      atrium: {
        name: "atrium",
        url: `${atrium.base}${ROUTE}`,
        headers: { authorization: `Bearer ${token}` },
        pid: atrium.proc.child.pid,
      },
      bare: { name: "bare", url: `${baseline.base}${ROUTE}`, headers: {}, pid: baseline.proc.child.pid },
    };
    const [atriumBody, bareBody] = await Promise.all([getJson(targets.atrium), getJson(targets.bare)]);
    if (!isDeepStrictEqual(atriumBody, bareBody)) {
      throw new Error(
        `the two servers answer differently.\nAtrium: ${JSON.stringify(atriumBody).slice(0, 600)}\n` +
          `bare:   ${JSON.stringify(bareBody).slice(0, 600)}`,
      );
    }
    console.log(`servers up (${formatDuration(now() - started)} in); both answer the same JSON body\n`);

    const runs: Run[] = [];
    for (let round = 1; round <= rounds; round++) {
      const order: TargetName[] = round % 2 === 1 ? ["atrium", "bare"] : ["bare", "atrium"];
      for (const name of order) {
        const target = targets[name];
        const base = { url: target.url, connections, headers: target.headers };
        if (warmupSec > 0) await runLoad({ ...base, durationSec: warmupSec });
        const cpuBefore = processCpuMs(target.pid);
        const result = await runLoad({ ...base, durationSec });
        const cpuAfter = processCpuMs(target.pid);
        const serverCpuMs =
          cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
        const run: Run = { round, target: name, result, serverCpuMs };
        runs.push(run);
        console.log(
          `round ${round} ${LABEL[name].padEnd(17)} ${formatNumber(result.reqPerSec).padStart(6)} req/s  ` +
            `p50 ${ms(result.latency.p50Ms)}  p99 ${ms(result.latency.p99Ms)}  ` +
            `server CPU ${us(cpuPerResponseUs([run]))}/response  ` +
            `(${result.ok} ok, ${result.non2xx} non-2xx, ${result.errors} errors)`,
        );
      }
    }

    await cleanup();
    const wallMs = now() - started;
    const pass = report(runs, visible, wallMs);
    if (profileDir) console.log(`CPU profiles: ${profileDir}`);
    console.log(`wall time: ${formatDuration(wallMs)}`);
    return pass;
  } finally {
    await cleanup();
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
}

try {
  const pass = await main();
  process.exit(config.check && !pass ? 1 : 0);
} catch (error) {
  console.error(`bench:api failed: ${(error as Error).message}`);
  process.exit(1);
}
