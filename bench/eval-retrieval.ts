/**
 * Retrieval quality on a BEIR-format dataset, through the real retrieval service:
 *   npm run eval:retrieval -- --dataset ../shared/datasets/scifact [--split test] [--modes fulltext,vector,hybrid]
 *     [--no-questions] [--max-queries N] [--weights vector=1,fulltext=1,question=0.5]
 * Uses server PostgreSQL when EVAL_DATABASE_URL or TEST_DATABASE_URL is set (a scratch database, dropped
 * afterwards), in-memory PGlite otherwise. Prints nDCG@10, recall@100 and MRR@10 per mode.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import pg from "pg";
import { createContainer } from "../src/app/container.js";
import { loadConfig } from "../src/config/env.js";
import { type DatabaseHandle, openPglite, openPostgres } from "../src/db/client.js";
import { runMigrations } from "../src/db/migrate.js";
import { createLogger } from "../src/lib/logger.js";
import { createEmbedder } from "../src/providers/embeddings/index.js";
import { modelIndexName } from "../src/repositories/retrieval.repository.js";
import type { ServiceContext } from "../src/services/context.js";
import { HeuristicQuestionGenerator } from "../src/services/knowledge/ingestion/synthetic-questions.js";
import { createRetrievalService, type RetrievalMode } from "../src/services/knowledge/search/retrieval.js";
import {
  ingestCorpus,
  mrrAt,
  ndcgAt,
  readCorpus,
  readQrels,
  readQueries,
  recallAt,
} from "./eval-retrieval-data.js";

const { values: args } = parseArgs({
  options: {
    dataset: { type: "string", default: "../shared/datasets/scifact" },
    split: { type: "string", default: "test" },
    modes: { type: "string", default: "fulltext,vector,hybrid" },
    "no-questions": { type: "boolean", default: false },
    "max-queries": { type: "string" },
    weights: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});

async function openDatabase(): Promise<{ handle: DatabaseHandle; label: string; drop(): Promise<void> }> {
  const url = process.env.EVAL_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) {
    const handle = await openPglite({});
    return { handle, label: "PGlite (in memory)", drop: () => handle.close() };
  }
  const name = `atrium_eval_${randomBytes(4).toString("hex")}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  const handle = openPostgres({ url: scratch.toString(), poolSize: 4 });
  return {
    handle,
    label: `PostgreSQL (scratch database ${name})`,
    async drop() {
      await handle.close();
      if (args.keep) console.log(`kept database ${name}`);
      else await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

function parseWeights(text: string | undefined) {
  if (!text) return undefined;
  return Object.fromEntries(
    text
      .split(",")
      .map((p) => p.split("="))
      .map(([k, v]) => [k!, Number(v)]),
  );
}

const fmt = (n: number, d = 4) => n.toFixed(d);

async function main() {
  const dir = args.dataset!;
  const [corpus, queries] = await Promise.all([readCorpus(dir), readQueries(dir)]);
  const qrels = readQrels(dir, args.split!);
  const queryIds = [...qrels.keys()]
    .filter((q) => queries.has(q))
    .slice(0, Number(args["max-queries"] ?? Infinity));
  const database = await openDatabase();
  const config = loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    AUTH_SECRET: "eval-".repeat(8),
    SEED_DEMO: "false",
  });
  const embedder = createEmbedder(config.embedding);
  try {
    await runMigrations(database.handle);
    // Bulk load first, index after (as one would for any large import): maintaining HNSW row by row
    // is several times slower. PGlite keeps no HNSW at all: building one in WebAssembly takes minutes
    // for this many rows, and exact search over them is quick.
    await database.handle.db.execute(
      sql.raw(`DROP INDEX IF EXISTS ${modelIndexName("chunks", embedder.model)};
               DROP INDEX IF EXISTS ${modelIndexName("chunk_questions", embedder.model)}`),
    );
    const container = await createContainer(config, {
      database: database.handle,
      logger: createLogger("silent"),
    });
    const repos = container.repositories;
    const org = await repos.organizations.create({
      name: "Eval",
      slug: `eval-${randomBytes(3).toString("hex")}`,
    });
    const department = await repos.departments.create({ orgId: org.id, name: "Research", slug: "research" });
    const kb = await repos.knowledgeBases.create({
      orgId: org.id,
      departmentId: department.id,
      name: "BEIR corpus",
      embeddingModel: embedder.model,
    });
    const documentIds = new Map<string, string>();
    const t0 = performance.now();
    const stats = await ingestCorpus(
      container,
      { orgId: org.id, departmentId: department.id, knowledgeBaseId: kb.id },
      corpus,
      { embedder, questions: args["no-questions"] ? undefined : new HeuristicQuestionGenerator() },
      documentIds,
    );
    if (database.handle.kind === "postgres") {
      await repos.retrieval.ensureModelIndex(embedder.model, embedder.dimensions);
      await database.handle.db.execute(sql`ANALYZE chunks; ANALYZE chunk_questions`);
    }
    const ingestMs = performance.now() - t0;
    const beirId = new Map([...documentIds].map(([beir, id]) => [id, beir]));
    console.log(
      `dataset ${dir} (${args.split}): ${corpus.length} documents, ${queryIds.length} queries; ${database.label}; embedder ${embedder.model}`,
    );
    console.log(
      `ingest: ${stats.chunks} chunks, ${stats.questions} synthetic questions in ${fmt(ingestMs / 1000, 1)} s ` +
        `(chunk+questions ${fmt(stats.ms.chunk / 1000, 1)} s, embed ${fmt(stats.ms.embed / 1000, 1)} s, ` +
        `write ${fmt(stats.ms.write / 1000, 1)} s)`,
    );

    const service = createRetrievalService({ repositories: repos, embedder });
    const ctx: ServiceContext = {
      orgId: org.id,
      actor: { kind: "system", id: "eval" },
      access: {
        permissions: new Set(["kb:read"]),
        allDepartments: false,
        departmentIds: new Set([department.id]),
        excludedDepartmentIds: new Set(),
      },
      db: database.handle.db,
      meta: { requestId: "eval" },
      logger: container.logger,
    };
    const weights = parseWeights(args.weights);
    const rows: string[][] = [];
    for (const mode of args.modes!.split(",") as RetrievalMode[]) {
      let ndcg = 0;
      let recall = 0;
      let mrr = 0;
      const latencies: number[] = [];
      for (const qid of queryIds) {
        const start = performance.now();
        const response = await service.search(ctx, {
          query: queries.get(qid)!,
          mode,
          limit: 100,
          candidates: 100,
          knowledgeBaseIds: [kb.id],
          ...(weights ? { weights } : {}),
        });
        latencies.push(performance.now() - start);
        const ranked = [...new Set(response.results.map((r) => beirId.get(r.documentId)!))];
        const relevant = qrels.get(qid)!;
        ndcg += ndcgAt(ranked, relevant, 10);
        recall += recallAt(ranked, relevant, 100);
        mrr += mrrAt(ranked, relevant, 10);
      }
      latencies.sort((a, b) => a - b);
      const n = queryIds.length;
      const p = (q: number) => latencies[Math.min(n - 1, Math.floor(q * n))] ?? 0;
      rows.push([mode, fmt(ndcg / n), fmt(recall / n), fmt(mrr / n), fmt(p(0.5), 1), fmt(p(0.95), 1)]);
    }
    const header = ["mode", "nDCG@10", "recall@100", "MRR@10", "p50 ms", "p95 ms"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
    console.log(line(header));
    for (const row of rows) console.log(line(row));
    console.log("anchor: BM25 nDCG@10 on SciFact test = 0.665 (BEIR paper)");
    await container.close();
  } finally {
    await database.drop();
  }
}

await main();
