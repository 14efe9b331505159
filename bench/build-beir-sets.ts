/**
 * Builds two extra BEIR-format sets for `eval:retrieval` from the shared data (outside the project: the
 * data's licences do not allow copying it in; run it wherever the sets should go):
 *   npx tsx bench/build-beir-sets.ts --out /tmp/beir [--shared ../shared]
 *
 * - `banking77-dup` (English): duplicate-question retrieval, as BEIR's Quora/CQADupStack. The corpus is
 *   20 seeded-random training phrases per intent (1,540 "documents", no titles); the queries are 300
 *   seeded-random test phrases; a document is relevant (1) to a query when both have the same intent.
 * - `scifact-cyr` (a non-English stand-in): SciFact with every Latin letter replaced by a Cyrillic one
 *   (a fixed one-to-one map), corpus, queries and qrels otherwise unchanged. Word identity is kept, so
 *   lexical retrieval works as well as on SciFact (without English stemming and stop words), while an
 *   English embedding model sees text in a script it was not trained on: a weak embedder, as an English
 *   model is on Arabic text.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseJsonLines } from "./eval-retrieval-data.js";
import { createRng } from "./lib/prng.js";

const { values: args } = parseArgs({
  options: {
    out: { type: "string", default: "/tmp/beir" },
    shared: { type: "string", default: "../shared" },
  },
});

/** RFC 4180 CSV (quoted fields may hold commas, doubled quotes and line breaks), header row dropped. */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      field = "";
      if (row.some(Boolean)) rows.push(row);
      row = [];
    } else field += c;
  }
  if (field || row.length > 0) rows.push([...row, field]);
  return rows.slice(1);
}

function write(dir: string, corpus: object[], queries: object[], qrels: [string, string, number][]) {
  mkdirSync(join(dir, "qrels"), { recursive: true });
  const jsonl = (rows: object[]) => `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`;
  writeFileSync(join(dir, "corpus.jsonl"), jsonl(corpus));
  writeFileSync(join(dir, "queries.jsonl"), jsonl(queries));
  writeFileSync(
    join(dir, "qrels", "test.tsv"),
    `query-id\tcorpus-id\tscore\n${qrels.map((r) => r.join("\t")).join("\n")}\n`,
  );
}

function banking(shared: string, out: string) {
  const rng = createRng(77);
  const byIntent = new Map<string, string[]>();
  for (const [text, intent] of csvRows(readFileSync(join(shared, "datasets/banking77/train.csv"), "utf8"))) {
    byIntent.set(intent!, [...(byIntent.get(intent!) ?? []), text!]);
  }
  const corpus: { _id: string; title: string; text: string; intent: string }[] = [];
  for (const [intent, texts] of [...byIntent].sort()) {
    for (const text of rng.sample(texts, 20))
      corpus.push({ _id: `d${corpus.length}`, title: "", text, intent });
  }
  const tests = rng.sample(csvRows(readFileSync(join(shared, "datasets/banking77/test.csv"), "utf8")), 300);
  const queries = tests.map(([text], i) => ({ _id: `q${i}`, text }));
  const qrels: [string, string, number][] = [];
  tests.forEach(([, intent], i) => {
    for (const d of corpus) if (d.intent === intent) qrels.push([`q${i}`, d._id, 1]);
  });
  write(
    join(out, "banking77-dup"),
    corpus.map(({ intent: _i, ...d }) => d),
    queries,
    qrels,
  );
  console.log(
    `banking77-dup: ${corpus.length} documents, ${queries.length} queries, ${qrels.length} judgements`,
  );
}

const LATIN = "abcdefghijklmnopqrstuvwxyz";
const CYRILLIC = "абцдефгхийклмнопярстужвьыз";

function cyrillic(text: string): string {
  return text.replace(/[A-Za-z]/g, (c) => {
    const lower = CYRILLIC[LATIN.indexOf(c.toLowerCase())]!;
    return c === c.toLowerCase() ? lower : lower.toUpperCase();
  });
}

function scifactCyrillic(shared: string, out: string) {
  const src = join(shared, "datasets/scifact");
  const corpus = parseJsonLines(readFileSync(join(src, "corpus.jsonl"), "utf8")).map((d) => ({
    _id: String(d._id),
    title: cyrillic(String(d.title ?? "")),
    text: cyrillic(String(d.text ?? "")),
  }));
  const queries = parseJsonLines(readFileSync(join(src, "queries.jsonl"), "utf8")).map((q) => ({
    _id: String(q._id),
    text: cyrillic(String(q.text)),
  }));
  const qrels = readFileSync(join(src, "qrels/test.tsv"), "utf8")
    .split(/\r?\n/)
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split("\t") as unknown as [string, string, number]);
  write(join(out, "scifact-cyr"), corpus, queries, qrels);
  console.log(
    `scifact-cyr: ${corpus.length} documents, ${queries.length} queries, ${qrels.length} judgements`,
  );
}

banking(args.shared!, args.out!);
scifactCyrillic(args.shared!, args.out!);
