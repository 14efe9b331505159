/**
 * `npm run bench:ingest`: on server PostgreSQL (a scratch database, dropped at the end),
 * 1. rows/s of Atrium's chunk write path — the pipeline's transactional replace
 *    (ChunkRepository.replaceOfDocument: DELETE + COPY on the transaction's connection, one
 *    transaction per document) — against a raw `COPY` of the same rows into the same table, in the
 *    same run, alternating rounds with the table emptied before each; prints the ratio (goal ≥ 0.7×);
 * 2. end-to-end documents/s of the offline pipeline (hash embedder, heuristic questions, the job
 *    queue and worker) on generated text documents.
 *
 * Options: --rows N (BENCH_ROWS, default 10,000), --docs N (BENCH_DOCS, default 200), --rounds N
 * (default 2), --seed N. Server from BENCH_DATABASE_URL, else TEST_DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/postgres.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import { createContainer } from "../src/app/container.js";
import { loadConfig } from "../src/config/env.js";
import { openPostgres } from "../src/db/client.js";
import { copyText } from "../src/db/copy.js";
import { runMigrations } from "../src/db/migrate.js";
import { withTransaction } from "../src/db/transaction.js";
import { newId } from "../src/lib/ids.js";
import { createLogger } from "../src/lib/logger.js";
import { HashEmbedder } from "../src/providers/embeddings/index.js";
import { CHUNK_COPY_COLUMNS, chunkCopyValues, type NewChunk } from "../src/repositories/chunk.repository.js";
import { systemContext } from "../src/services/orgs/system-context.js";
import { createWorker } from "../src/worker/index.js";
import { describeMachine, loadAverage } from "./lib/machine.js";
import { intOption } from "./lib/options.js";
import { createRng } from "./lib/prng.js";
import { writeResults } from "./lib/results.js";
import { createScratchDatabase, probeServer, redactUrl, serverBaseUrl } from "./lib/server-db.js";
import { textGenerator } from "./lib/synthetic.js";
import { formatNumber, formatRatio, formatTable } from "./lib/table.js";
import { formatDuration, now } from "./lib/timing.js";

const rows = intOption("rows", "BENCH_ROWS", 10_000, { min: 100, max: 1_000_000 });
const docs = intOption("docs", "BENCH_DOCS", 200, { min: 1, max: 100_000 });
const rounds = intOption("rounds", undefined, 2, { min: 1, max: 10 });
const seed = intOption("seed", "BENCH_SEED", 42, { min: 0, max: 2 ** 31 });
/** Chunks per document in the write-path comparison (a typical document's worth). */
const CHUNKS_PER_DOC = 50;

const COLUMNS = CHUNK_COPY_COLUMNS;

function copyLine(r: NewChunk): string {
  return `${chunkCopyValues(r).map(copyText).join("\t")}\n`;
}

async function main() {
  const base = serverBaseUrl();
  const version = await probeServer(base);
  const scratch = await createScratchDatabase(base, "atrium_bench_ingest");
  const dataDir = mkdtempSync(join(tmpdir(), "atrium-bench-ingest-"));
  const handle = openPostgres({ url: scratch.url, poolSize: 8 });
  if (handle.kind !== "postgres") throw new Error("unreachable");
  const { pool } = handle;
  try {
    await runMigrations(handle);
    const config = loadConfig({
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      AUTH_SECRET: "bench-".repeat(8),
      SEED_DEMO: "false",
      ATRIUM_DATA_DIR: dataDir,
      DATABASE_URL: scratch.url,
    });
    const container = await createContainer(config, { database: handle, logger: createLogger("silent") });
    const r = container.repositories;
    const org = await r.organizations.create({ name: "Bench", slug: "bench" });
    const department = await r.departments.create({ orgId: org.id, name: "Bench", slug: "bench" });
    const ctx = systemContext(org.id, handle.db, container.logger, "bench");
    const kb = await container.services.knowledgeBases.create(ctx, {
      departmentId: department.id,
      name: "Bench",
    });
    const owner = { orgId: org.id, departmentId: department.id, knowledgeBaseId: kb.id };

    console.log(`bench:ingest — ${describeMachine()}, load ${loadAverage()}`);
    console.log(`server: PostgreSQL ${version} at ${redactUrl(base)} (scratch database ${scratch.name})`);
    const rng = createRng(seed);
    const text = textGenerator();
    const embedder = new HashEmbedder();
    const docCount = Math.ceil(rows / CHUNKS_PER_DOC);
    const documentIds: string[] = [];
    for (let d = 0; d < docCount; d++) {
      const doc = await r.documents.create({
        ...owner,
        title: `bench ${d}`,
        type: "text",
        sourceKind: "freeform",
        status: "ready",
      });
      documentIds.push(doc.id);
    }
    const contents = Array.from({ length: rows }, () => text.paragraph(rng, 4, 8));
    const t0 = now();
    const vectors: number[][] = [];
    for (let i = 0; i < contents.length; i += 500)
      vectors.push(...(await embedder.embed(contents.slice(i, i + 500), "document")));
    console.log(
      `prepared ${formatNumber(rows)} chunks (384-d hash embeddings) in ${formatDuration(now() - t0)}; HNSW index maintained on insert by both paths`,
    );
    const makeRows = (): NewChunk[][] =>
      documentIds.map((documentId, d) =>
        contents.slice(d * CHUNKS_PER_DOC, (d + 1) * CHUNKS_PER_DOC).map((content, i) => ({
          id: newId(),
          ...owner,
          documentId,
          ordinal: i,
          content,
          tokenCount: 80,
          embedding: vectors[d * CHUNKS_PER_DOC + i]!,
          embeddingModel: embedder.model,
          syntheticQuestions: [],
          metadata: { headingPath: [] },
        })),
      );

    const truncate = async () => {
      await pool.query("TRUNCATE chunks CASCADE");
      await pool.query("VACUUM ANALYZE chunks");
    };
    const timing = { raw: 0, atrium: 0 };
    for (let round = 1; round <= rounds; round++) {
      await truncate();
      const raw = makeRows().flat();
      const client = await pool.connect();
      let start = now();
      try {
        await client.query("BEGIN");
        const stream = client.query(
          copyFrom(`COPY chunks (${COLUMNS.map((c) => `"${c}"`).join(", ")}) FROM STDIN`),
        );
        await pipeline(Readable.from(raw.map(copyLine)), stream);
        await client.query("COMMIT");
      } finally {
        client.release();
      }
      timing.raw += now() - start;
      await truncate();
      const perDocument = makeRows();
      start = now();
      for (const [d, chunkRows] of perDocument.entries()) {
        await withTransaction(handle.db, (tx) =>
          r.chunks.replaceOfDocument(documentIds[d]!, chunkRows, [], tx),
        );
      }
      timing.atrium += now() - start;
      console.log(
        `round ${round}: raw COPY ${formatDuration(timing.raw / round)} avg, Atrium replace ${formatDuration(timing.atrium / round)} avg`,
      );
    }
    const rawRate = (rows * rounds) / (timing.raw / 1000);
    const atriumRate = (rows * rounds) / (timing.atrium / 1000);
    const ratio = atriumRate / rawRate;
    console.log("");
    console.log(
      formatTable(
        ["chunk write path", "rows", "rows/s", "vs raw COPY"],
        [
          ["raw COPY (one statement, one transaction)", formatNumber(rows), formatNumber(rawRate), "1×"],
          [
            `Atrium replaceOfDocument (tx per ${CHUNKS_PER_DOC}-chunk document)`,
            formatNumber(rows),
            formatNumber(atriumRate),
            formatRatio(ratio),
          ],
        ],
      ),
    );
    console.log(`ratio ${formatRatio(ratio)} (goal ≥ 0.7×: ${ratio >= 0.7 ? "met" : "NOT met"})`);

    await truncate();
    const bodies = Array.from(
      { length: docs },
      (_, i) => `# Generated ${i}\n\n${Array.from({ length: 6 }, () => text.paragraph(rng)).join("\n\n")}`,
    );
    const e2eStart = now();
    for (const [i, body] of bodies.entries())
      await container.services.documents.addText(ctx, kb.id, { title: `Generated ${i}`, body });
    const enqueued = now() - e2eStart;
    const worker = createWorker(container, { concurrency: 4, pollMs: 10 });
    await worker.runUntilIdle({ timeoutMs: 3_600_000 });
    const e2eMs = now() - e2eStart;
    const ready = await r.documents.count(undefined);
    const chunkTotal = Number((await pool.query("SELECT count(*)::int AS n FROM chunks")).rows[0].n);
    const questions = Number((await pool.query("SELECT count(*)::int AS n FROM chunk_questions")).rows[0].n);
    console.log("");
    console.log(
      formatTable(
        ["end-to-end pipeline (hash embedder, worker concurrency 4)", "value"],
        [
          ["documents", formatNumber(docs)],
          [
            "chunks / synthetic questions written",
            `${formatNumber(chunkTotal)} / ${formatNumber(questions)}`,
          ],
          ["enqueue (API service calls)", formatDuration(enqueued)],
          ["total, enqueue to idle queue", formatDuration(e2eMs)],
          ["documents/s", formatNumber(docs / (e2eMs / 1000))],
        ],
      ),
    );
    const path = writeResults("ingest", {
      machine: describeMachine(),
      server: version,
      rows,
      rounds,
      rawRowsPerSec: rawRate,
      atriumRowsPerSec: atriumRate,
      ratio,
      e2e: {
        docs,
        documentsInTable: ready,
        chunks: chunkTotal,
        questions,
        ms: e2eMs,
        docsPerSec: docs / (e2eMs / 1000),
      },
    });
    console.log(`\nresults: ${path}`);
    await container.close();
  } finally {
    await handle.close().catch(() => undefined);
    await scratch.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
