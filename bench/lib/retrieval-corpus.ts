import { sql } from "drizzle-orm";
import type { Db } from "../../src/db/client.js";
import { openPostgres } from "../../src/db/client.js";
import { runMigrations } from "../../src/db/migrate.js";
import { MemoryCache } from "../../src/providers/cache/memory-cache.js";
import { createRepositories } from "../../src/repositories/index.js";
import { modelIndexName, RetrievalRepository } from "../../src/repositories/retrieval.repository.js";
import { type Dataset, generateDataset, loadParents } from "./atrium-data.js";
import { formatNumber } from "./table.js";
import { timed } from "./timing.js";

/** Memory for the index build, as an operator gives a bulk build (the server default is 64 MB). */
export const MAINTENANCE_WORK_MEM = "1GB";
const LOAD_SLICE = 5_000;

export interface RetrievalCorpus {
  db: Db;
  data: Dataset;
  retrieval: RetrievalRepository;
  /**
   * The same repository on connections with `enable_sort = off`: the planner then prefers the HNSW
   * index over reading a department's rows by btree and sorting them, so the iterative scan itself is
   * measured.
   */
  hnswForced: RetrievalRepository;
  emptyDepartmentId: string;
  loadMs: number;
  indexBuildMs: number;
  close(): Promise<void>;
}

/**
 * Migrates the scratch database, writes the synthetic corpus through Atrium's COPY path
 * (ChunkRepository.write) and builds the model's HNSW index with Atrium's run-time index code
 * (RetrievalRepository.ensureModelIndex, CONCURRENTLY as on a server), then VACUUM ANALYZE.
 */
export async function loadRetrievalCorpus(
  url: string,
  options: { chunks: number; departments: number; seed: number },
  log: (message: string) => void,
): Promise<RetrievalCorpus> {
  // Session settings through the connection string, so every pooled connection starts with them.
  const withOptions = (options: string) => {
    const u = new URL(url);
    u.searchParams.set("options", options);
    return u.toString();
  };
  const handle = openPostgres({
    url: withOptions(`-c maintenance_work_mem=${MAINTENANCE_WORK_MEM}`),
    poolSize: 4,
    applicationName: "atrium-bench",
  });
  const forced = openPostgres({
    url: withOptions("-c enable_sort=off"),
    poolSize: 2,
    applicationName: "atrium-bench",
  });
  const close = async () => {
    await handle.close().catch(() => {});
    await forced.close().catch(() => {});
  };
  try {
    const db = handle.db;
    await runMigrations(handle);
    const repos = createRepositories(db, new MemoryCache(1000), 60, handle);
    const data = generateDataset({
      rows: options.chunks,
      departments: options.departments,
      seed: options.seed,
    });
    const model = data.options.embeddingModel;
    await loadParents(repos, data);
    // A department with no chunks: the filter that matches nothing.
    const empty = await repos.departments.create({ orgId: data.org.id, name: "Empty", slug: "empty" });
    // Bulk load first, index after: the migration's index for the default model is dropped and rebuilt
    // by the run-time index code production uses for every other model.
    for (const table of ["chunks", "chunk_questions"] as const)
      await db.execute(sql.raw(`DROP INDEX IF EXISTS ${modelIndexName(table, model)}`));
    const load = await timed(async () => {
      for (let i = 0; i < data.chunks.length; i += LOAD_SLICE) {
        await repos.chunks.write(data.chunks.slice(i, i + LOAD_SLICE));
        log(`  loaded ${formatNumber(Math.min(i + LOAD_SLICE, data.chunks.length))} chunks`);
      }
    });
    log("building the HNSW index…");
    const retrieval = new RetrievalRepository(db);
    const build = await timed(() =>
      retrieval.ensureModelIndex(model, data.options.dim, { concurrently: true }),
    );
    log("VACUUM ANALYZE…");
    await db.execute(sql`VACUUM (ANALYZE) chunks`);
    await db.execute(sql`VACUUM (ANALYZE) chunk_questions`);
    return {
      db,
      data,
      retrieval,
      hnswForced: new RetrievalRepository(forced.db),
      emptyDepartmentId: empty.id,
      loadMs: load.ms,
      indexBuildMs: build.ms,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
