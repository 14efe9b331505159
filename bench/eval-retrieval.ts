/**
 * Retrieval quality on a BEIR-format dataset, through the real retrieval service:
 *   npm run eval:retrieval -- --dataset ../shared/datasets/scifact [--split test] [--modes fulltext,vector,hybrid]
 *     [--no-questions] [--max-queries N] [--sample N [--sample-docs M]] [--weights vector=1,fulltext=1,question=0.5]
 *     [--fail-below D] [--backend pglite|postgres]
 * Uses server PostgreSQL when EVAL_DATABASE_URL or TEST_DATABASE_URL is set (a scratch database, dropped
 * afterwards), in-memory PGlite otherwise (`--backend` forces one). The embedder comes from the usual
 * `EMBEDDING_*` settings (hash when unset). Prints nDCG@10, recall@100 and MRR@10 per mode beside a
 * reference BM25 (k1 0.9, b 0.4, Porter, title + text; bench/lib/bm25.ts) computed here on the same
 * corpus and queries, with each mode's delta to it. `--sample N` evaluates N seeded-random judged
 * queries over a corpus of at most M documents (default 1000; bench/lib/beir-sample.ts). `--fail-below D`
 * exits 1 when full text or hybrid nDCG@10 is more than D below the BM25 reference (CI).
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
import { sampleBeir } from "./lib/beir-sample.js";
import { Bm25Index } from "./lib/bm25.js";

const { values: args } = parseArgs({
  options: {
    dataset: { type: "string", default: "../shared/datasets/scifact" },
    split: { type: "string", default: "test" },
    modes: { type: "string", default: "fulltext,vector,hybrid" },
    "no-questions": { type: "boolean", default: false },
    "max-queries": { type: "string" },
    sample: { type: "string" },
    "sample-docs": { type: "string", default: "1000" },
    "fail-below": { type: "string" },
    backend: { type: "string" },
    weights: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});

async function openDatabase(): Promise<{ handle: DatabaseHandle; label: string; drop(): Promise<void> }> {
  const url =
    args.backend === "pglite" ? undefined : (process.env.EVAL_DATABASE_URL ?? process.env.TEST_DATABASE_URL);
  if (args.backend === "postgres" && !url)
    throw new Error("--backend postgres needs EVAL_DATABASE_URL or TEST_DATABASE_URL");
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
const signed = (n: number) => `${n >= 0 ? "+" : ""}${n.toFixed(4)}`;

function positiveInt(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return n;
}

/** The `EMBEDDING_*` settings of the environment, as the server reads them. */
function embeddingEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith("EMBEDDING_") && !!e[1]),
  );
}

interface Scores {
  ndcg: number;
  recall: number;
  mrr: number;
}

function score(ranked: readonly string[], relevant: Map<string, number>): Scores {
  return {
    ndcg: ndcgAt(ranked, relevant, 10),
    recall: recallAt(ranked, relevant, 100),
    mrr: mrrAt(ranked, relevant, 10),
  };
}

async function main() {
  const dir = args.dataset!;
  const [fullCorpus, queries] = await Promise.all([readCorpus(dir), readQueries(dir)]);
  const qrels = readQrels(dir, args.split!);
  const sample = positiveInt("sample", args.sample);
  const maxQueries = positiveInt("max-queries", args["max-queries"]) ?? Infinity;
  const failBelow = args["fail-below"] === undefined ? undefined : Number(args["fail-below"]);
  if (failBelow !== undefined && !(failBelow >= 0)) throw new Error("--fail-below must be a number ≥ 0");
  let corpus = fullCorpus;
  let queryIds = [...qrels.keys()].filter((q) => queries.has(q));
  if (sample) {
    const picked = sampleBeir(fullCorpus, queries, qrels, {
      queries: sample,
      docs: positiveInt("sample-docs", args["sample-docs"])!,
      bm25: new Bm25Index(fullCorpus),
    });
    corpus = picked.corpus;
    queryIds = picked.queryIds;
  }
  queryIds = queryIds.slice(0, maxQueries);
  // The reference, on exactly the corpus Atrium indexes.
  const bm25 = new Bm25Index(corpus);
  const database = await openDatabase();
  const config = loadConfig({
    ...embeddingEnv(),
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
    // One statement per call: PGlite (extended protocol) refuses several in one prepared query.
    for (const table of ["chunks", "chunk_questions"] as const) {
      await database.handle.db.execute(
        sql.raw(`DROP INDEX IF EXISTS ${modelIndexName(table, embedder.model)}`),
      );
    }
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
      await database.handle.db.execute(sql`ANALYZE chunks`);
      await database.handle.db.execute(sql`ANALYZE chunk_questions`);
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
    const reference = new Map(
      queryIds.map((q) => [
        q,
        score(
          bm25.search(queries.get(q)!, 100).map((h) => h.id),
          qrels.get(q)!,
        ),
      ]),
    );
    const mean = (values: Iterable<Scores>) => {
      const all = [...values];
      const avg = (key: keyof Scores) => all.reduce((sum, v) => sum + v[key], 0) / Math.max(1, all.length);
      return { ndcg: avg("ndcg"), recall: avg("recall"), mrr: avg("mrr") };
    };
    const ref = mean(reference.values());
    const rows: string[][] = [
      ["BM25 reference", fmt(ref.ndcg), "", fmt(ref.recall), "", fmt(ref.mrr), "", ""],
    ];
    const results = new Map<string, Scores>();
    // "hybrid-fixed": hybrid with the fixed weights only (no per-query agreement weighting), the
    // previous fusion, for a same-run comparison.
    for (const label of args.modes!.split(",")) {
      // "hybrid:F-A": hybrid with the agreement floor F and full-weight overlap A (tuning).
      const thresholds = /^hybrid:([\d.]+)-([\d.]+)$/.exec(label);
      const mode = (label === "hybrid-fixed" || thresholds ? "hybrid" : label) as RetrievalMode;
      const perQuery: Scores[] = [];
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
          ...(label === "hybrid-fixed" ? { adaptive: false } : {}),
          ...(thresholds
            ? { adaptive: { floor: Number(thresholds[1]), fullAt: Number(thresholds[2]) } }
            : {}),
        });
        latencies.push(performance.now() - start);
        const ranked = [...new Set(response.results.map((r) => beirId.get(r.documentId)!))];
        perQuery.push(score(ranked, qrels.get(qid)!));
      }
      latencies.sort((a, b) => a - b);
      const n = queryIds.length;
      const p = (q: number) => latencies[Math.min(n - 1, Math.floor(q * n))] ?? 0;
      const m = mean(perQuery);
      results.set(label, m);
      rows.push([
        label,
        fmt(m.ndcg),
        signed(m.ndcg - ref.ndcg),
        fmt(m.recall),
        signed(m.recall - ref.recall),
        fmt(m.mrr),
        fmt(p(0.5), 1),
        fmt(p(0.95), 1),
      ]);
    }
    const header = ["mode", "nDCG@10", "Δ vs BM25", "recall@100", "Δ vs BM25", "MRR@10", "p50 ms", "p95 ms"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
    console.log(line(header));
    for (const row of rows) console.log(line(row));
    const hybrid = results.get("hybrid");
    const fulltext = results.get("fulltext");
    if (hybrid && fulltext) {
      console.log(
        `hybrid vs full text alone: nDCG@10 ${signed(hybrid.ndcg - fulltext.ndcg)}, recall@100 ${signed(hybrid.recall - fulltext.recall)}`,
      );
    }
    if (!sample && dir.includes("scifact"))
      console.log("anchor: BM25 nDCG@10 on SciFact test = 0.665 (BEIR paper), 0.679 (Anserini flat)");
    if (failBelow !== undefined) {
      const failing = (["fulltext", "hybrid"] as const).filter((m) => {
        const r = results.get(m);
        return r !== undefined && r.ndcg < ref.ndcg - failBelow;
      });
      if (failing.length > 0) {
        console.error(
          `FAIL: nDCG@10 of ${failing.join(", ")} is more than ${failBelow} below the BM25 reference (${fmt(ref.ndcg)})`,
        );
        process.exitCode = 1;
      }
    }
    await container.close();
  } finally {
    await database.drop();
  }
}

await main();
