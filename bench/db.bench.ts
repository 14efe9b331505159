/**
 * `npm run bench:db`: loads the same synthetic corpus into embedded PGlite and into server PostgreSQL
 * through Atrium's own code paths (openPglite/openPostgres, runMigrations, repositories, chunk
 * chunks.write) and prints PGlite/server ratios for bulk insert, point select by id, HNSW top-10 and
 * full-text top-10.
 *
 * Options: --rows N (env BENCH_ROWS), --seed N (BENCH_SEED); server from BENCH_DATABASE_URL, else
 * TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres (a scratch database
 * atrium_bench_<pid> is created there and dropped at the end).
 */
import { sql } from "drizzle-orm";
import { type DatabaseHandle, openPglite, openPostgres } from "../src/db/client.js";
import { runMigrations } from "../src/db/migrate.js";
import { MemoryCache } from "../src/providers/cache/memory-cache.js";
import { createRepositories } from "../src/repositories/index.js";
import { type Dataset, generateDataset, loadParents, textQueries, vectorQueries } from "./lib/atrium-data.js";
import { describeMachine, loadAverage, machineInfo } from "./lib/machine.js";
import { intOption } from "./lib/options.js";
import { createRng } from "./lib/prng.js";
import { writeResults } from "./lib/results.js";
import {
  createScratchDatabase,
  probeServer,
  redactUrl,
  type ScratchDatabase,
  serverBaseUrl,
} from "./lib/server-db.js";
import { type LatencySummary, ratio } from "./lib/stats.js";
import { exactTopK, recall, vectorText } from "./lib/synthetic.js";
import { formatNumber, formatRatio, formatTable } from "./lib/table.js";
import { formatDuration, measure, now, timed } from "./lib/timing.js";

/**
 * The HNSW index exists from migration time, so both engines maintain it row by row while loading, and
 * that dominates the load: measured on a 2-core machine, about 30 rows/s on PGlite (400+ without the
 * HNSW index) and about 450 rows/s over COPY on the server (3,000+ without). 20,000 rows would keep
 * PGlite loading for over 11 minutes, so the default keeps the whole run near four minutes; pass
 * --rows 20000 (or BENCH_ROWS=20000) for the full corpus.
 */
const DEFAULT_ROWS = 6_000;
const EF_SEARCH = 40;
const TOP_K = 10;
/** Rows per chunks.write call: large enough for COPY to reach full speed, small enough for progress lines. */
const LOAD_SLICE = 2_000;

function parseConfig() {
  try {
    return {
      rows: intOption("rows", "BENCH_ROWS", DEFAULT_ROWS, { min: 100, max: 1_000_000 }),
      seed: intOption("seed", "BENCH_SEED", 42, { min: 0, max: 2 ** 31 }),
      departments: 50,
      pointSelects: 1_000,
      queries: 200,
      warmup: 20,
    };
  } catch (error) {
    console.error(`bench:db: ${(error as Error).message}`);
    process.exit(1);
  }
}

const config = parseConfig();

type EngineKind = "pglite" | "server";

interface EngineResult {
  engine: EngineKind;
  parentsMs: number;
  insert: { rows: number; ms: number; rowsPerSec: number };
  vacuumAnalyzeMs: number;
  efSearch: string;
  /** How many of the timed queries' plans use the HNSW and the GIN index. */
  plans: { hnswIndex: number; ftsIndex: number };
  point: LatencySummary;
  hnsw: LatencySummary & { recallAt10: number };
  fts: LatencySummary & { queriesWithHits: number };
  hnswIds: string[][];
  ftsIds: string[][];
}

interface Workload {
  pointIds: string[];
  pointWarmup: string[];
  vectors: string[];
  vectorWarmup: string[];
  expectedNeighbours: string[][];
  texts: string[];
  textWarmup: string[];
}

const log = (message: string) => process.stderr.write(`${message}\n`);

function rowsOf(result: unknown): Record<string, unknown>[] {
  return (result as { rows: Record<string, unknown>[] }).rows;
}

const ids = (result: unknown): string[] => rowsOf(result).map((r) => String(r.id));

function hnswQuery(vector: string) {
  // Same expression and predicate as chunks_embedding_hash384_hnsw_idx, or the planner cannot use it.
  return sql`SELECT id FROM chunks WHERE embedding_model = 'hash-384'
    ORDER BY (embedding::halfvec(384)) <=> ${vector}::halfvec(384) LIMIT ${sql.raw(String(TOP_K))}`;
}

function ftsQuery(text: string) {
  return sql`SELECT id FROM chunks, websearch_to_tsquery('english', ${text}) AS tsq
    WHERE content_tsv @@ tsq ORDER BY ts_rank_cd(content_tsv, tsq) DESC, id LIMIT ${sql.raw(String(TOP_K))}`;
}

async function explain(handle: DatabaseHandle, query: ReturnType<typeof sql>): Promise<string> {
  const result = await handle.db.execute(sql`EXPLAIN ${query}`);
  return rowsOf(result)
    .map((r) => String(Object.values(r)[0]))
    .join("\n");
}

function buildWorkload(data: Dataset): Workload {
  const rng = createRng(config.seed + 1);
  const allIds = data.chunks.map((c) => c.id!);
  const picked = rng.sample(allIds, config.pointSelects + 100);
  const vectors = vectorQueries(data, rng, config.queries + config.warmup);
  const timedVectors = vectors.slice(0, config.queries);
  const texts = textQueries(data, rng, config.queries + config.warmup);
  return {
    pointIds: picked.slice(0, config.pointSelects),
    pointWarmup: picked.slice(config.pointSelects),
    vectors: timedVectors.map((v) => vectorText(v)),
    vectorWarmup: vectors.slice(config.queries).map((v) => vectorText(v)),
    expectedNeighbours: timedVectors.map((q) => exactTopK(q, data.vectors, TOP_K).map((i) => allIds[i]!)),
    texts: texts.slice(0, config.queries),
    textWarmup: texts.slice(config.queries),
  };
}

async function benchEngine(engine: EngineKind, handle: DatabaseHandle, data: Dataset, work: Workload) {
  const repos = createRepositories(handle.db, new MemoryCache(1000), 60, handle);
  await runMigrations(handle);
  if (handle.kind === "pglite") await handle.db.execute(sql.raw(`SET hnsw.ef_search = ${EF_SEARCH}`));

  const parents = await timed(() => loadParents(repos, data));
  log(`${engine}: parents loaded in ${formatDuration(parents.ms)}; inserting ${data.chunks.length} chunks…`);

  const loadStart = now();
  for (let i = 0; i < data.chunks.length; i += LOAD_SLICE) {
    const slice = data.chunks.slice(i, i + LOAD_SLICE);
    const t0 = now();
    await repos.chunks.write(slice);
    const done = i + slice.length;
    const sliceRate = (slice.length * 1000) / (now() - t0);
    log(
      `${engine}:   ${done}/${data.chunks.length} rows, ${formatNumber(sliceRate)} rows/s for the last slice`,
    );
  }
  const loadMs = now() - loadStart;
  const stored = await repos.chunks.count(undefined);
  if (stored !== data.chunks.length)
    throw new Error(`${engine}: expected ${data.chunks.length} chunks, found ${stored}`);

  // Vacuum and analyze now, untimed, so the server's autovacuum does not wake up during the timed
  // queries (a VACUUM of the HNSW index scans all of it) and both planners have statistics.
  const vacuum = await timed(() => handle.db.execute(sql`VACUUM (ANALYZE)`));
  const efSearch = String(
    Object.values(rowsOf(await handle.db.execute(sql`SHOW hnsw.ef_search`))[0] ?? {})[0],
  );
  if (efSearch !== String(EF_SEARCH))
    throw new Error(`${engine}: hnsw.ef_search is ${efSearch}, not ${EF_SEARCH}`);
  // Count, over every timed query, the plans that use the index. The HNSW index must always be used;
  // for full text a sequential scan can be the planner's right call when a word is very common.
  const plans = { hnswIndex: 0, ftsIndex: 0 };
  for (const v of work.vectors) {
    if ((await explain(handle, hnswQuery(v))).includes("chunks_embedding_hash384_hnsw_idx"))
      plans.hnswIndex++;
  }
  for (const t of work.texts) {
    if ((await explain(handle, ftsQuery(t))).includes("chunks_content_tsv_idx")) plans.ftsIndex++;
  }
  if (plans.hnswIndex < work.vectors.length) {
    log(`${engine}: WARNING ${work.vectors.length - plans.hnswIndex} HNSW queries do not use the HNSW index`);
  }

  log(`${engine}: point selects…`);
  const point = await measure(
    work.pointIds,
    async (id) => {
      const row = await repos.chunks.findById(id);
      if (!row) throw new Error(`${engine}: chunk ${id} not found`);
      return row.id;
    },
    { warmup: work.pointWarmup },
  );
  log(`${engine}: HNSW queries…`);
  const hnsw = await measure(work.vectors, async (v) => ids(await handle.db.execute(hnswQuery(v))), {
    warmup: work.vectorWarmup,
  });
  log(`${engine}: full-text queries…`);
  const fts = await measure(work.texts, async (t) => ids(await handle.db.execute(ftsQuery(t))), {
    warmup: work.textWarmup,
  });

  const recallAt10 =
    hnsw.results.reduce((sum, got, i) => sum + recall(got, work.expectedNeighbours[i]!), 0) /
    hnsw.results.length;
  return {
    engine,
    parentsMs: parents.ms,
    insert: { rows: data.chunks.length, ms: loadMs, rowsPerSec: (data.chunks.length * 1000) / loadMs },
    vacuumAnalyzeMs: vacuum.ms,
    efSearch,
    plans,
    point: point.summary,
    hnsw: { ...hnsw.summary, recallAt10 },
    fts: { ...fts.summary, queriesWithHits: fts.results.filter((r) => r.length > 0).length },
    hnswIds: hnsw.results,
    ftsIds: fts.results,
  } satisfies EngineResult;
}

async function benchServer(baseUrl: string, data: Dataset, work: Workload): Promise<EngineResult> {
  let scratch: ScratchDatabase | undefined;
  let handle: DatabaseHandle | undefined;
  // Never throws (a failed drop is reported and must not hide the error that ended the run), and runs
  // once however many times it is called.
  let dropping: Promise<void> | undefined;
  const dropScratch = () => {
    dropping ??= (async () => {
      if (!scratch) return;
      try {
        await scratch.drop();
        log(`server: dropped ${scratch.name}`);
      } catch (error) {
        log(`server: could not drop ${scratch.name}: ${(error as Error).message}`);
        process.exitCode = 1;
      }
    })();
    return dropping;
  };
  // Ctrl-C reaches npm, tsx and this process alike, and they forward it too: handle every copy, or the
  // second one would kill the process before the drop finishes. The drop (WITH FORCE) ends our own
  // connections, so there is no need to wait for a running COPY to finish.
  const onSignal = () => {
    log("interrupted: dropping the scratch database…");
    dropScratch().finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    scratch = await createScratchDatabase(baseUrl, "atrium_bench");
    log(`server: scratch database ${scratch.name}`);
    const opened = openPostgres({ url: scratch.url, poolSize: 4, applicationName: "atrium-bench" });
    if (opened.kind !== "postgres") throw new Error("unreachable");
    // Every pooled connection gets the same search breadth as the PGlite session.
    opened.pool.on("connect", (client) => {
      client.query(`SET hnsw.ef_search = ${EF_SEARCH}`).catch(() => {});
    });
    handle = opened;
    return await benchEngine("server", opened, data, work);
  } finally {
    await handle?.close().catch(() => {});
    await dropScratch();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

async function benchPglite(data: Dataset, work: Workload): Promise<EngineResult> {
  const handle = await openPglite({});
  try {
    return await benchEngine("pglite", handle, data, work);
  } finally {
    await handle.close();
  }
}

function report(pglite: EngineResult, server: EngineResult): string {
  const num = (v: number) => formatNumber(v);
  const ms = (v: number) => `${formatNumber(v)} ms`;
  // "PGlite is" column: how many times slower (or faster) PGlite is, whatever the metric's direction.
  const slower = (factor: number) =>
    !Number.isFinite(factor)
      ? "n/a"
      : factor >= 1
        ? `${formatNumber(factor)}× slower`
        : `${formatNumber(1 / factor)}× faster`;
  const rate = (label: string, p: number, s: number) => {
    const r = ratio(p, s);
    return [label, num(p), num(s), formatRatio(r), slower(1 / r)];
  };
  const latency = (label: string, p: number, s: number) => {
    const r = ratio(p, s);
    return [label, ms(p), ms(s), formatRatio(r), slower(r)];
  };
  const rows = [
    rate("bulk insert (rows/s) ↑", pglite.insert.rowsPerSec, server.insert.rowsPerSec),
    rate("point select by id (ops/s) ↑", pglite.point.opsPerSec, server.point.opsPerSec),
    latency("point select p50 ↓", pglite.point.p50Ms, server.point.p50Ms),
    latency("point select p95 ↓", pglite.point.p95Ms, server.point.p95Ms),
    rate("HNSW top-10 (queries/s) ↑", pglite.hnsw.opsPerSec, server.hnsw.opsPerSec),
    latency("HNSW top-10 p50 ↓", pglite.hnsw.p50Ms, server.hnsw.p50Ms),
    latency("HNSW top-10 p95 ↓", pglite.hnsw.p95Ms, server.hnsw.p95Ms),
    rate("full-text top-10 (queries/s) ↑", pglite.fts.opsPerSec, server.fts.opsPerSec),
    latency("full-text top-10 p50 ↓", pglite.fts.p50Ms, server.fts.p50Ms),
    latency("full-text top-10 p95 ↓", pglite.fts.p95Ms, server.fts.p95Ms),
  ];
  const info = [
    ["chunk load time", formatDuration(pglite.insert.ms), formatDuration(server.insert.ms), "", ""],
    [
      "VACUUM ANALYZE after load (untimed)",
      formatDuration(pglite.vacuumAnalyzeMs),
      formatDuration(server.vacuumAnalyzeMs),
      "",
      "",
    ],
    ["HNSW recall@10 vs exact", num(pglite.hnsw.recallAt10), num(server.hnsw.recallAt10), "", ""],
    [
      "FTS queries with hits",
      `${pglite.fts.queriesWithHits}/${pglite.fts.count}`,
      `${server.fts.queriesWithHits}/${server.fts.count}`,
      "",
      "",
    ],
    [
      "plans using the index (HNSW, FTS)",
      `${pglite.plans.hnswIndex}, ${pglite.plans.ftsIndex} of ${pglite.hnsw.count}`,
      `${server.plans.hnswIndex}, ${server.plans.ftsIndex} of ${server.hnsw.count}`,
      "",
      "",
    ],
  ];
  return formatTable(["metric", "PGlite", "server", "PGlite/server", "PGlite is"], [...rows, ...info]);
}

function sameLists(a: string[][], b: string[][]): number {
  return a.filter((list, i) => list.join() === b[i]?.join()).length;
}

async function main(): Promise<void> {
  const started = now();
  const machine = machineInfo();
  const loadAtStart = loadAverage();
  const baseUrl = serverBaseUrl();
  let serverVersion: string;
  try {
    serverVersion = await probeServer(baseUrl);
  } catch (error) {
    console.error(`bench:db needs a PostgreSQL server with pgvector: ${(error as Error).message}`);
    console.error(
      "Set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a server where this user may CREATE DATABASE.",
    );
    process.exitCode = 2;
    return;
  }

  log(`generating ${config.rows} chunks (seed ${config.seed})…`);
  const generated = await timed(async () =>
    generateDataset({ rows: config.rows, seed: config.seed, departments: config.departments }),
  );
  const data = generated.result;
  const work = buildWorkload(data);
  log(`data and workload ready in ${formatDuration(generated.ms)}`);

  const server = await benchServer(baseUrl, data, work);
  const pglite = await benchPglite(data, work);
  const totalMs = now() - started;
  const loadAtEnd = loadAverage();
  const busy = Math.max(loadAtStart, loadAtEnd) > machine.cores;

  const lines = [
    "",
    "Atrium bench:db — PGlite (in-memory, in-process) vs server PostgreSQL, same data, same queries",
    `machine: ${describeMachine(machine)}`,
    `load average (1 min): ${loadAtStart} at start, ${loadAtEnd} at end` +
      (busy ? ` — WARNING: above ${machine.cores} cores, other work skews these numbers` : ""),
    `server: PostgreSQL ${serverVersion} at ${redactUrl(baseUrl)} (scratch database, pool of 4)`,
    `rows: ${data.chunks.length} chunks${config.rows === DEFAULT_ROWS ? " (the default; --rows N or BENCH_ROWS=N to change)" : ""}, ` +
      `${data.departments.length} departments, ${data.knowledgeBases.length} knowledge bases, ` +
      `${data.documents.length} documents, 1 organisation`,
    `data: ${data.options.dim}-d embeddings (unit vectors around ${data.options.clusters} centroids, model ` +
      `${data.options.embeddingModel}), Zipf-distributed words, seed ${config.seed}`,
    `workload: ${config.pointSelects} point selects (findById), ${config.queries} HNSW top-${TOP_K} ` +
      `(hnsw.ef_search=${EF_SEARCH}), ${config.queries} full-text top-${TOP_K}; sequential, after warm-up`,
    "",
    report(pglite, server),
    "",
    "↑ higher is better, ↓ lower is better. PGlite/server is the ratio of rates for ↑ rows and of latencies for ↓ rows.",
    `Same top-10 on both engines: full-text ${sameLists(pglite.ftsIds, server.ftsIds)}/${config.queries}, ` +
      `HNSW ${sameLists(pglite.hnswIds, server.hnswIds)}/${config.queries} (may differ: each engine builds its own graph).`,
    `Total wall time: ${formatDuration(totalMs)}.`,
  ];
  console.log(lines.join("\n"));

  const strip = ({ hnswIds: _h, ftsIds: _f, ...rest }: EngineResult) => rest;
  const path = writeResults("db", {
    date: new Date().toISOString(),
    machine,
    serverVersion,
    config: { ...config, efSearch: EF_SEARCH, topK: TOP_K, dataset: data.options },
    pglite: strip(pglite),
    server: strip(server),
    loadAverage: { start: loadAtStart, end: loadAtEnd },
    totalMs,
  });
  console.log(`Results written to ${path}`);
}

main().catch((error: unknown) => {
  console.error("bench:db failed:", error);
  process.exitCode = 1;
});
