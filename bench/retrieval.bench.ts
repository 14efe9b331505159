/**
 * `npm run bench:retrieval`: department-filtered vector search at scale on server PostgreSQL.
 *
 * A scratch database migrated with Atrium's migrations gets `--chunks` synthetic chunks (384-d unit
 * vectors around a few hundred centroids, Zipf-distributed words) written through Atrium's COPY path,
 * spread over `--departments` departments independently of the clusters, so one department is a random
 * 1% subset; the per-model HNSW index is built by Atrium's own run-time index code (see
 * lib/retrieval-corpus.ts). Queries are vectors near random chunks, each filtered by a random
 * department. Printed, against baselines measured in the same run:
 *  - recall@10 against an exact scan and the share of queries answered with a full 10 results, for
 *    the naive filtered HNSW query (iterative scan off, default ef_search) and for Atrium's vector path
 *    (RetrievalRepository.vectorSearch, called as the retrieval service calls it) — with the plan the
 *    planner picks, and with the HNSW plan forced so the iterative scan itself is measured;
 *  - p50/p95 of Atrium's filtered vs unfiltered vector path, and of a filter that matches nothing;
 *  - the same recall@10 and p95 ratio for wider filters: each query reaching random departments that
 *    hold 10% and 30% of the chunks (goals: recall@10 ≥ 0.95, p95 ≤ 3× unfiltered);
 *  - p50/p95 of the hybrid and full-text search through the retrieval service.
 *
 * Options: --chunks N (BENCH_CHUNKS, default 100,000), --queries N (default 200), --departments N
 * (default 100), --seed N, --keep (keep the scratch database). Server from BENCH_DATABASE_URL, else
 * TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres.
 */
import { inArray, sql } from "drizzle-orm";
import type { Access } from "../src/core/access.js";
import { chunks } from "../src/db/schema/index.js";
import { withTransaction } from "../src/db/transaction.js";
import { createLogger } from "../src/lib/logger.js";
import {
  modelIndexName,
  type RetrievalRepository,
  VECTOR_SEARCH_SETTINGS,
} from "../src/repositories/retrieval.repository.js";
import type { ServiceContext } from "../src/services/context.js";
import {
  createRetrievalService,
  RETRIEVAL_DEFAULTS,
  type RetrievalMode,
} from "../src/services/knowledge/search/retrieval.js";
import { describeMachine, loadAverage } from "./lib/machine.js";
import { hasFlag, intOption } from "./lib/options.js";
import { createRng } from "./lib/prng.js";
import { writeResults } from "./lib/results.js";
import { loadRetrievalCorpus, MAINTENANCE_WORK_MEM } from "./lib/retrieval-corpus.js";
import {
  departmentAccess,
  orgWideAccess,
  PreparedEmbedder,
  type RetrievalQuery,
  retrievalQueries,
} from "./lib/retrieval-workload.js";
import { createScratchDatabase, probeServer, redactUrl, serverBaseUrl } from "./lib/server-db.js";
import { type LatencySummary, ratio } from "./lib/stats.js";
import { recall } from "./lib/synthetic.js";
import { formatNumber, formatRatio, formatTable } from "./lib/table.js";
import { formatDuration, measure } from "./lib/timing.js";

const chunkCount = intOption("chunks", "BENCH_CHUNKS", 100_000, { min: 1_000, max: 5_000_000 });
const queryCount = intOption("queries", "BENCH_QUERIES", 200, { min: 10, max: 10_000 });
const departmentCount = intOption("departments", "BENCH_DEPARTMENTS", 100, { min: 2, max: 10_000 });
const seed = intOption("seed", "BENCH_SEED", 42, { min: 0, max: 2 ** 31 });
const keep = hasFlag("keep");
const TOP_K = 10;
/** Wider department filters measured besides the 1% one: the share of chunks a query may see. */
const SELECTIVITIES = [10, 30] as const;
const WARMUP = 20;

const log = (message: string) => process.stderr.write(`${message}\n`);
const rowsOf = (result: unknown) => (result as { rows: Record<string, unknown>[] }).rows;
const ms = (v: number) => `${formatNumber(v)} ms`;

async function main() {
  const base = serverBaseUrl();
  const version = await probeServer(base);
  const scratch = await createScratchDatabase(base, "atrium_bench_retrieval");
  log(`scratch database ${scratch.name}; generating and loading ${formatNumber(chunkCount)} chunks…`);
  const corpus = await loadRetrievalCorpus(
    scratch.url,
    { chunks: chunkCount, departments: departmentCount, seed },
    log,
  ).catch(async (error: unknown) => {
    await scratch.drop();
    throw error;
  });
  const onSignal = () => {
    log("interrupted: dropping the scratch database…");
    void corpus.close().finally(() => scratch.drop().finally(() => process.exit(130)));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    await run(corpus, version, scratch.name);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await corpus.close();
    if (keep) log(`kept the scratch database ${scratch.name}`);
    else await scratch.drop();
  }
}

async function run(corpus: Awaited<ReturnType<typeof loadRetrievalCorpus>>, version: string, dbName: string) {
  const { db, data, retrieval, hnswForced } = corpus;
  const model = data.options.embeddingModel;
  const dim = data.options.dim;
  const hnswIndex = modelIndexName("chunks", model);
  const defaultEfSearch = String(
    Object.values(rowsOf(await db.execute(sql`SHOW hnsw.ef_search`))[0] ?? {})[0],
  );
  const all = retrievalQueries(data, createRng(seed + 1), queryCount + WARMUP);
  const queries = all.slice(0, queryCount);
  const warmup = all.slice(queryCount);

  const d = sql.raw(String(dim));
  const filtered = (q: RetrievalQuery) => sql`
    SELECT ${chunks.id} AS id FROM ${chunks}
    WHERE ${chunks.embeddingModel} = ${model} AND ${chunks.orgId} = ${data.org.id}
      AND ${chunks.departmentId} = ${q.departmentId}
    ORDER BY (${chunks.embedding}::halfvec(${d})) <=> ${`[${q.vector.join(",")}]`}::halfvec(${d})
    LIMIT ${TOP_K}`;
  const filteredIn = (departmentIds: readonly string[], q: RetrievalQuery) => sql`
    SELECT ${chunks.id} AS id FROM ${chunks}
    WHERE ${chunks.embeddingModel} = ${model} AND ${chunks.orgId} = ${data.org.id}
      AND ${inArray(chunks.departmentId, [...departmentIds])}
    ORDER BY (${chunks.embedding}::halfvec(${d})) <=> ${`[${q.vector.join(",")}]`}::halfvec(${d})
    LIMIT ${TOP_K}`;
  const ids = (result: unknown) => rowsOf(result).map((r) => String(r.id));

  log("exact scans (ground truth)…");
  const exact = await measure(queries, (q) =>
    withTransaction(db, async (tx) => {
      // No index scans: the HNSW index cannot answer, so the top 10 is exact.
      await tx.execute(sql`SET LOCAL enable_indexscan = off`);
      return ids(await tx.execute(filtered(q)));
    }),
  );
  const truth = exact.results;

  log("naive filtered HNSW (iterative scan off)…");
  let naivePlans = 0;
  for (const q of queries) {
    const plan = rowsOf(await db.execute(sql`EXPLAIN ${filtered(q)}`));
    if (plan.some((r) => String(Object.values(r)[0]).includes(hnswIndex))) naivePlans++;
  }
  const naive = await measure(
    queries,
    (q) =>
      withTransaction(db, async (tx) => {
        await tx.execute(sql`SET LOCAL hnsw.iterative_scan = off`);
        return ids(await tx.execute(filtered(q)));
      }),
    { warmup },
  );

  // Atrium's vector path as the retrieval service calls it: `candidates` rows, of which the top 10 count.
  const vectorQuery = (q: RetrievalQuery) => ({
    model,
    dimensions: dim,
    vector: q.vector,
    limit: RETRIEVAL_DEFAULTS.candidates,
  });
  const vectorPath = async (
    label: string,
    repo: RetrievalRepository,
    access: (q: RetrievalQuery) => Access,
    expected: string[][] = truth,
  ) => {
    log(`Atrium vector path, ${label}…`);
    const scope = (q: RetrievalQuery) => ({ orgId: data.org.id, access: access(q) });
    let hnswPlans = 0;
    for (const q of queries)
      if ((await repo.explainVectorSearch(chunks, scope(q), vectorQuery(q))).includes(hnswIndex)) hnswPlans++;
    const timed = await measure(
      queries,
      async (q) =>
        (await repo.vectorSearch(chunks, scope(q), vectorQuery(q))).slice(0, TOP_K).map((h) => h.chunkId),
      { warmup },
    );
    const recallAt10 = timed.results.reduce((sum, got, i) => sum + recall(got, expected[i]!), 0) / queryCount;
    const fullShare = timed.results.filter((r) => r.length === TOP_K).length / queryCount;
    return { label, ...timed, hnswPlans, recallAt10, fullShare };
  };
  const inDepartment = (q: RetrievalQuery) => departmentAccess([q.departmentId]);
  const inEmpty = () => departmentAccess([corpus.emptyDepartmentId]);
  const atrium = await vectorPath("department filter", retrieval, inDepartment);
  const atriumHnsw = await vectorPath("department filter, HNSW plan forced", hnswForced, inDepartment);
  const unfiltered = await vectorPath("no filter (org-wide)", retrieval, () => orgWideAccess);
  const empty = await vectorPath("department without chunks", retrieval, inEmpty);
  const emptyHnsw = await vectorPath("department without chunks, HNSW plan forced", hnswForced, inEmpty);
  if ([...empty.results, ...emptyHnsw.results].some((r) => r.length > 0))
    throw new Error("the empty department returned chunks");
  const emptyPlan = (
    await hnswForced.explainVectorSearch(
      chunks,
      { orgId: data.org.id, access: inEmpty() },
      vectorQuery(queries[0]!),
      {
        analyze: true,
      },
    )
  ).replace(/'\[[^\]]*\]'/g, "'[…]'");
  const visited = Number(/Rows Removed by Filter: (\d+)/.exec(emptyPlan)?.[1] ?? Number.NaN);

  // Wider filters: each query reaches a random set of departments holding 10% / 30% of the chunks
  // (a member of several departments), with its own exact ground truth.
  const wider = [];
  for (const percent of SELECTIVITIES) {
    const reach = Math.max(1, Math.round((percent / 100) * departmentCount));
    const rng = createRng(seed + percent);
    const sets = all.map(() => rng.sample(data.departments, reach).map((dep) => dep.id));
    const setOf = new Map(all.map((q, i) => [q, sets[i]!]));
    log(`exact scans over ${percent}% of the chunks (${reach} departments)…`);
    const truthAt = (
      await measure(queries, (q) =>
        withTransaction(db, async (tx) => {
          await tx.execute(sql`SET LOCAL enable_indexscan = off`);
          return ids(await tx.execute(filteredIn(setOf.get(q)!, q)));
        }),
      )
    ).results;
    const inSet = (q: RetrievalQuery) => departmentAccess(setOf.get(q)!);
    const run = await vectorPath(`${percent}% filter (${reach} departments)`, retrieval, inSet, truthAt);
    wider.push({ percent, ...run, p95Ratio: ratio(run.summary.p95Ms, unfiltered.summary.p95Ms) });
  }

  log("hybrid and full-text search through the retrieval service…");
  const embedder = new PreparedEmbedder(model, dim);
  for (const q of all) embedder.add(q.text, q.vector);
  const service = createRetrievalService({ repositories: { retrieval }, embedder });
  const logger = createLogger("silent");
  const servicePath = (mode: RetrievalMode, access: (q: RetrievalQuery) => Access) =>
    measure(
      queries,
      async (q) => {
        const ctx: ServiceContext = {
          orgId: data.org.id,
          actor: { kind: "system", id: "bench" },
          access: access(q),
          db,
          meta: { requestId: "bench" },
          logger,
        };
        return (await service.search(ctx, { query: q.text, mode, limit: TOP_K })).results.length;
      },
      { warmup },
    );
  const hybridDepartment = await servicePath("hybrid", inDepartment);
  const hybridOrg = await servicePath("hybrid", () => orgWideAccess);
  const fulltextOrg = await servicePath("fulltext", () => orgWideAccess);

  const naiveRecall = naive.results.reduce((sum, got, i) => sum + recall(got, truth[i]!), 0) / queryCount;
  const naiveFull = naive.results.filter((r) => r.length === TOP_K).length / queryCount;
  const pct = (share: number) => `${formatNumber(share * 100)}%`;
  const row = (label: string, s: LatencySummary, quality = ["", "", ""]) => [
    label,
    ...quality,
    ms(s.p50Ms),
    ms(s.p95Ms),
  ];
  const vectorRow = (r: typeof atrium, withQuality = true) =>
    row(
      `Atrium vector path, ${r.label}`,
      r.summary,
      withQuality
        ? [formatNumber(r.recallAt10), pct(r.fullShare), `${r.hnswPlans}/${queryCount}`]
        : ["", "", `${r.hnswPlans}/${queryCount}`],
    );

  console.log(`bench:retrieval — ${describeMachine()}, load ${loadAverage()}`);
  console.log(`server: PostgreSQL ${version} (scratch database ${dbName} at ${redactUrl(serverBaseUrl())})`);
  console.log(
    `data: ${formatNumber(chunkCount)} chunks, ${dim}-d (${data.options.clusters} centroids, noise ${data.options.noise}), ` +
      `${departmentCount} departments (${formatNumber(100 / departmentCount)}% each, not aligned with clusters), seed ${seed}`,
  );
  console.log(
    `load (COPY, ChunkRepository.write) ${formatDuration(corpus.loadMs)}; HNSW build (ensureModelIndex, ` +
      `CONCURRENTLY, maintenance_work_mem ${MAINTENANCE_WORK_MEM}) ${formatDuration(corpus.indexBuildMs)}`,
  );
  console.log(
    `queries: ${queryCount} vectors near random chunks, each filtered by a random department, after ${WARMUP} warm-up; ` +
      `Atrium asks for ${RETRIEVAL_DEFAULTS.candidates} candidates like the retrieval service and keeps the top ${TOP_K}`,
  );
  console.log(
    `Atrium's settings per search (SET LOCAL): hnsw.iterative_scan = relaxed_order, hnsw.ef_search = ` +
      `${VECTOR_SEARCH_SETTINGS.efSearch}, hnsw.max_scan_tuples = ${formatNumber(VECTOR_SEARCH_SETTINGS.maxScanTuples)}`,
  );
  console.log("");
  console.log(
    formatTable(
      ["search", "recall@10", "full 10", "HNSW plans", "p50", "p95"],
      [
        row("exact scan in the department (ground truth)", exact.summary, ["1", "", "0"]),
        row(`naive filtered HNSW (iterative scan off, ef_search ${defaultEfSearch})`, naive.summary, [
          formatNumber(naiveRecall),
          pct(naiveFull),
          `${naivePlans}/${queryCount}`,
        ]),
        vectorRow(atrium),
        vectorRow(atriumHnsw),
        vectorRow(unfiltered, false),
        vectorRow(empty, false),
        vectorRow(emptyHnsw, false),
        row("Atrium hybrid search (service), department", hybridDepartment.summary),
        row("Atrium hybrid search (service), org-wide", hybridOrg.summary),
        row("Atrium full-text search (service), org-wide", fulltextOrg.summary),
      ],
    ),
  );
  console.log(
    `empty filter with the HNSW plan visits ${formatNumber(visited)} tuples (Rows Removed by Filter) before giving up; ` +
      `hnsw.max_scan_tuples = ${formatNumber(VECTOR_SEARCH_SETTINGS.maxScanTuples)}`,
  );
  const p95Ratio = ratio(atrium.summary.p95Ms, unfiltered.summary.p95Ms);
  const p95RatioHnsw = ratio(atriumHnsw.summary.p95Ms, unfiltered.summary.p95Ms);
  const goal = (label: string, met: boolean) => console.log(`GOAL ${label}: ${met ? "met" : "NOT met"}`);
  goal(`filtered recall@10 ≥ 0.95 (${formatNumber(atrium.recallAt10)})`, atrium.recallAt10 >= 0.95);
  goal(`full-result share ≥ 0.99 (${formatNumber(atrium.fullShare)})`, atrium.fullShare >= 0.99);
  goal(`filtered p95 ≤ 5× unfiltered p95 (${formatRatio(p95Ratio)})`, p95Ratio <= 5);
  goal(
    `a filter matching nothing returns quickly: p95 ${ms(empty.summary.p95Ms)} ≤ filtered p95 ${ms(atrium.summary.p95Ms)}`,
    empty.summary.p95Ms <= atrium.summary.p95Ms,
  );
  // pgvector checks the bound between batches of tuples, so a scan may pass it by a batch.
  goal(
    `with the HNSW plan it stops at hnsw.max_scan_tuples (${formatNumber(visited)} visited, bound ` +
      `${formatNumber(VECTOR_SEARCH_SETTINGS.maxScanTuples)} + one batch)`,
    visited <= VECTOR_SEARCH_SETTINGS.maxScanTuples * 1.05,
  );
  console.log("");
  console.log(
    formatTable(
      [
        "filter (share of chunks)",
        "recall@10",
        "full 10",
        "HNSW plans",
        "p50",
        "p95",
        "p95 / unfiltered p95",
      ],
      [atrium, ...wider].map((r) => [
        r.label,
        formatNumber(r.recallAt10),
        pct(r.fullShare),
        `${r.hnswPlans}/${queryCount}`,
        ms(r.summary.p50Ms),
        ms(r.summary.p95Ms),
        formatRatio(ratio(r.summary.p95Ms, unfiltered.summary.p95Ms)),
      ]),
    ),
  );
  for (const r of wider) {
    goal(`${r.percent}% filter recall@10 ≥ 0.95 (${formatNumber(r.recallAt10)})`, r.recallAt10 >= 0.95);
    goal(`${r.percent}% filter p95 ≤ 3× unfiltered p95 (${formatRatio(r.p95Ratio)})`, r.p95Ratio <= 3);
  }
  console.log(
    `HNSW plan forced (what wider filters get): recall@10 ${formatNumber(atriumHnsw.recallAt10)}, full ${pct(atriumHnsw.fullShare)}, ` +
      `p95 ${formatRatio(p95RatioHnsw)} unfiltered p95; empty filter p95 ${ms(emptyHnsw.summary.p95Ms)}`,
  );

  const strip = ({ results: _r, ...rest }: typeof atrium) => rest;
  const path = writeResults("retrieval", {
    machine: describeMachine(),
    server: version,
    options: { chunks: chunkCount, queries: queryCount, departments: departmentCount, seed },
    settings: VECTOR_SEARCH_SETTINGS,
    loadMs: corpus.loadMs,
    indexBuildMs: corpus.indexBuildMs,
    exact: exact.summary,
    naive: { ...naive.summary, recallAt10: naiveRecall, fullShare: naiveFull, hnswPlans: naivePlans },
    vector: [atrium, atriumHnsw, unfiltered, empty, emptyHnsw].map(strip),
    wider: wider.map(({ results: _r, ...rest }) => rest),
    emptyPlan,
    hybridDepartment: hybridDepartment.summary,
    hybridOrg: hybridOrg.summary,
    fulltextOrg: fulltextOrg.summary,
    p95Ratio,
    p95RatioHnsw,
  });
  console.log(`\nresults: ${path}`);
}

await main();
