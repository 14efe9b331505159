import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, extname, join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import type { Container } from "../../app/container.js";
import { AppError } from "../../lib/errors.js";
import type { ServiceContext } from "../../services/context.js";
import type { DocumentView } from "../../services/knowledge/index.js";
import { UPLOAD_TYPES } from "../../services/knowledge/index.js";
import { systemContext } from "../../services/orgs/system-context.js";
import { createWorker } from "../../worker/index.js";

type WithContainer = <T>(
  work: (container: Container) => Promise<T>,
  options?: { migrate: boolean },
) => Promise<T>;

function parse<T extends z.ZodType>(schema: T, options: unknown): z.infer<T> {
  const parsed = schema.safeParse(options);
  if (!parsed.success)
    throw new Error(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  return parsed.data;
}

async function orgContext(container: Container, slug: string | undefined): Promise<ServiceContext> {
  const org = await container.services.orgs.resolve(slug);
  if (!org) throw new AppError("NOT_FOUND", "There is no default organisation; say which one with --org");
  return systemContext(org.id, container.database.db, container.logger);
}

/** Files under `root` Atrium can read (a single file is returned as it is), with names relative to it. */
async function filesOf(root: string): Promise<{ path: string; name: string }[]> {
  const info = await stat(root);
  if (info.isFile()) return [{ path: root, name: root.split("/").pop()! }];
  const out: { path: string; name: string }[] = [];
  const walk = async (dir: string) => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && UPLOAD_TYPES[extname(entry.name).toLowerCase()]) {
        out.push({ path, name: relative(root, path) });
      }
    }
  };
  await walk(root);
  return out;
}

/** Share of a document's pipeline that is done, 0..1. */
function fraction(doc: DocumentView): number {
  if (doc.status === "ready" || doc.status === "failed") return 1;
  const p = doc.progress;
  if (!p) return 0;
  const within = p.total ? (p.done ?? 0) / p.total : 0;
  const stages: Record<string, number> = {
    extracting: 0.1,
    embedding: 0.2 + 0.5 * within,
    questions: 0.75,
    storing: 0.9,
  };
  return stages[p.stage] ?? 0.05;
}

/** A one-line progress bar on stderr (redrawn in place on a terminal, a line per change otherwise). */
function progressBar(docs: DocumentView[], width = 30): string {
  const total = docs.length;
  const share = total === 0 ? 0 : docs.reduce((sum, d) => sum + fraction(d), 0) / total;
  const filled = Math.round(share * width);
  const done = docs.filter((d) => d.status === "ready" || d.status === "failed").length;
  const active = docs.find((d) => d.status === "processing");
  const stage = active?.progress
    ? ` · ${active.title}: ${active.progress.stage}${active.progress.total ? ` ${active.progress.done ?? 0}/${active.progress.total}` : ""}`
    : "";
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${Math.round(share * 100)}% ${done}/${total} documents${stage}`;
}

async function waitForDocuments(
  container: Container,
  list: () => Promise<DocumentView[]>,
  settled: () => Promise<boolean>,
  options: { inProcess: boolean; timeoutMs: number },
): Promise<DocumentView[]> {
  const tty = process.stderr.isTTY;
  let last = "";
  const draw = async () => {
    const line = progressBar(await list());
    if (line === last) return;
    last = line;
    process.stderr.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
  };
  const timer = setInterval(() => void draw().catch(() => undefined), 250);
  try {
    if (options.inProcess) {
      await createWorker(container, { concurrency: container.config.worker.concurrency }).runUntilIdle({
        includeDelayed: true,
        timeoutMs: options.timeoutMs,
      });
    } else {
      const deadline = Date.now() + options.timeoutMs;
      while (!(await settled())) {
        if (Date.now() > deadline)
          throw new Error("timed out waiting for the workers; is `atrium worker` running?");
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    clearInterval(timer);
  }
  await draw();
  if (tty) process.stderr.write("\n");
  return list();
}

const ingestOptions = z.object({
  kb: z.string().min(1, "--kb is required"),
  org: z.string().optional(),
  single: z.boolean().optional(),
  maxPages: z.coerce.number().int().min(1).max(10_000).optional(),
  maxDepth: z.coerce.number().int().min(0).max(10).optional(),
  inProcess: z.boolean().optional(),
  timeout: z.coerce.number().int().min(1).default(3600),
});

const searchOptions = z.object({
  kb: z.string().optional(),
  org: z.string().optional(),
  mode: z.enum(["hybrid", "vector", "fulltext"]).default("hybrid"),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

/** `atrium ingest` and `atrium search`: the knowledge pipeline from a terminal, on the same services. */
export function registerKnowledgeCommands(program: Command, withContainer: WithContainer): void {
  program
    .command("ingest")
    .description("add files, a folder (recursively) or a web URL to a knowledge base and wait for ingestion")
    .argument("<source>", "a file, a folder or an http(s) URL")
    .requiredOption("--kb <name>", "the knowledge base (name or id)")
    .option("--org <slug>", "the organisation (default: the default organisation)")
    .option("--single", "for a URL: only that page, no crawl")
    .option("--max-pages <n>", "for a URL: most pages to crawl")
    .option("--max-depth <n>", "for a URL: link depth to follow")
    .option("--in-process", "run the pipeline in this process even with a server database")
    .option("--timeout <seconds>", "give up waiting after this long", "3600")
    .action((source: string, raw: unknown) => {
      const options = parse(ingestOptions, raw);
      return withContainer(async (container) => {
        const ctx = await orgContext(container, options.org);
        const { knowledgeBases, documents, webSources } = container.services;
        const kb = z.uuid().safeParse(options.kb).success
          ? await knowledgeBases.get(ctx, options.kb)
          : await knowledgeBases.findByName(ctx, options.kb);
        if (!kb) throw new Error(`There is no knowledge base named "${options.kb}"`);
        const inProcess =
          options.inProcess ?? !(container.database.kind === "postgres" && !container.config.worker.embedded);
        let list: () => Promise<DocumentView[]>;
        let settled: () => Promise<boolean>;
        if (/^https?:\/\//i.test(source)) {
          const web = await webSources.create(ctx, kb.id, {
            url: source,
            mode: options.single ? "single" : "crawl",
            maxPages: options.maxPages,
            maxDepth: options.maxDepth,
          });
          console.log(`Crawling ${web.rootUrl} into "${kb.name}"`);
          list = async () =>
            (await documents.list(ctx, kb.id, { webSourceId: web.id }, { page: 1, pageSize: 100 })).items;
          settled = async () => {
            const current = await webSources.get(ctx, web.id);
            if (current.lastCrawlStatus !== "done" && current.lastCrawlStatus !== "failed") return false;
            return (await list()).every((d) => d.status === "ready" || d.status === "failed");
          };
        } else {
          const files = await filesOf(resolve(source));
          if (files.length === 0) throw new Error(`No readable files in ${source}`);
          const ids: string[] = [];
          for (const file of files) {
            const added = await documents.upload(ctx, kb.id, {
              filename: basename(file.name),
              folder: dirname(file.name),
              data: await readFile(file.path),
            });
            ids.push(added.document.id);
          }
          console.log(`Added ${files.length} file(s) to "${kb.name}"`);
          list = () => Promise.all(ids.map((id) => documents.get(ctx, id)));
          settled = async () => (await list()).every((d) => d.status === "ready" || d.status === "failed");
        }
        const final = await waitForDocuments(container, list, settled, {
          inProcess,
          timeoutMs: options.timeout * 1000,
        });
        const failed = final.filter((d) => d.status === "failed");
        const chunks = final.reduce((sum, d) => sum + d.chunkCount, 0);
        console.log(`${final.length - failed.length} ready, ${failed.length} failed, ${chunks} chunks`);
        for (const d of failed) console.log(`  failed: ${d.title}: ${d.error}`);
        if (failed.length > 0) process.exitCode = 1;
      });
    });

  program
    .command("search")
    .description("search the knowledge bases and print ranked passages with citation labels")
    .argument("<query>", "what to look for")
    .option("--kb <name>", "only this knowledge base (name or id)")
    .option("--org <slug>", "the organisation (default: the default organisation)")
    .option("--mode <mode>", "hybrid, vector or fulltext", "hybrid")
    .option("--limit <n>", "how many results", "10")
    .action((query: string, raw: unknown) => {
      const options = parse(searchOptions, raw);
      return withContainer(async (container) => {
        const ctx = await orgContext(container, options.org);
        const { knowledgeBases, search } = container.services;
        let ids: string[] | undefined;
        if (options.kb) {
          const kb = z.uuid().safeParse(options.kb).success
            ? await knowledgeBases.get(ctx, options.kb)
            : await knowledgeBases.findByName(ctx, options.kb);
          if (!kb) throw new Error(`There is no knowledge base named "${options.kb}"`);
          ids = [kb.id];
        }
        const answer = await search.search(ctx, {
          query,
          mode: options.mode,
          limit: options.limit,
          knowledgeBaseIds: ids,
        });
        if (answer.results.length === 0) {
          console.log("No results.");
          return;
        }
        for (const result of answer.results) {
          const meta = result.metadata as { page?: number; headingPath?: string[] };
          const where = [
            meta.page ? `p. ${meta.page}` : "",
            meta.headingPath?.length ? meta.headingPath.join(" › ") : "",
          ].filter(Boolean);
          const snippet = result.content.replace(/\s+/g, " ").slice(0, 200);
          console.log(
            `${result.citation} ${result.title}${where.length ? ` (${where.join(", ")})` : ""}  score ${result.scores.fused.toFixed(4)}`,
          );
          console.log(`    ${snippet}${result.content.length > 200 ? "…" : ""}`);
        }
      });
    });
}
