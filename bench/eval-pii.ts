/**
 * PII detection quality of the detectors the chat turn uses:
 *   npm run eval:pii -- --dataset test/fixtures/pii/messages.jsonl [--errors 20]
 * The file holds one JSON object per line: {"text": "...", "spans": [{"type": "EMAIL", "start": 0, "end": 17}]}.
 * A predicted span counts when it overlaps a labelled span of the same kind. Prints one row per kind
 * (kind, precision, recall, F1, support), the kinds of the file the detectors do not support, person
 * names separately (by the rule that found them), and the detection time per message.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createDetector } from "../src/services/pii/detect.js";
import { BUILT_IN_PII_KINDS } from "../src/services/pii/kinds.js";
import { percentile } from "./lib/stats.js";
import { formatTable } from "./lib/table.js";
import { type LabelledSpan, scoreSpans } from "./pii-scores.js";

const { values: args } = parseArgs({
  options: { dataset: { type: "string" }, errors: { type: "string", default: "0" } },
});
if (!args.dataset) {
  console.error("usage: npm run eval:pii -- --dataset <file.jsonl> [--errors N]");
  process.exit(2);
}

interface Row {
  text: string;
  spans: LabelledSpan[];
}
const rows: Row[] = readFileSync(args.dataset, "utf8")
  .split("\n")
  .filter((line) => line.trim())
  .map((line, i) => {
    const row = JSON.parse(line) as Row;
    if (typeof row.text !== "string" || !Array.isArray(row.spans))
      throw new Error(`line ${i + 1}: needs text and spans`);
    return row;
  });

const detect = createDetector();
const times: number[] = [];
const items = rows.map((row) => {
  const started = performance.now();
  const found = detect(row.text);
  times.push(performance.now() - started);
  return {
    row,
    gold: row.spans,
    predicted: found.map((s) => ({ type: s.kind, start: s.start, end: s.end, source: s.source })),
  };
});

const supported = new Set<string>(BUILT_IN_PII_KINDS);
const inData = [...new Set(rows.flatMap((r) => r.spans.map((s) => s.type)))];
const unsupported = inData.filter((k) => !supported.has(k)).sort();
const f = (x: number) => x.toFixed(4);
const scores = scoreSpans(
  items,
  BUILT_IN_PII_KINDS.filter((k) => k !== "PERSON"),
);
console.log(
  `dataset: ${args.dataset} (${rows.length} messages, ${rows.reduce((n, r) => n + r.spans.length, 0)} labelled spans)\n`,
);
console.log(
  formatTable(
    ["kind", "precision", "recall", "F1", "support"],
    scores.map((s) => [s.kind, f(s.precision), f(s.recall), f(s.f1), String(s.support)]),
  ),
);
console.log(
  `\nunsupported kinds (in the file, no detector): ${unsupported.length ? unsupported.join(", ") : "none"}`,
);

const [person] = scoreSpans(items, ["PERSON"]);
console.log("\nperson names (lexicon, context and directory rules; no directory in this run):");
console.log(
  formatTable(
    ["kind", "precision", "recall", "F1", "support"],
    [[person!.kind, f(person!.precision), f(person!.recall), f(person!.f1), String(person!.support)]],
  ),
);
const bySource = new Map<string, number>();
for (const it of items)
  for (const p of it.predicted)
    if (p.type === "PERSON") bySource.set(p.source, (bySource.get(p.source) ?? 0) + 1);
console.log(`  found by rule: ${[...bySource].map(([k, v]) => `${k} ${v}`).join(", ")}`);

const sorted = [...times].sort((a, b) => a - b);
console.log(
  `\ndetection time per message: p50 ${percentile(sorted, 50).toFixed(3)} ms, p95 ${percentile(sorted, 95).toFixed(3)} ms`,
);

const showErrors = Number(args.errors);
if (showErrors > 0) {
  let shown = 0;
  console.log("\nerrors:");
  for (const it of items) {
    const misses = it.gold.filter(
      (g) => !it.predicted.some((p) => p.type === g.type && p.start < g.end && g.start < p.end),
    );
    const wrong = it.predicted.filter(
      (p) => !it.gold.some((g) => p.type === g.type && p.start < g.end && g.start < p.end),
    );
    if (misses.length + wrong.length === 0) continue;
    console.log(`- ${JSON.stringify(it.row.text)}`);
    for (const m of misses)
      console.log(`    missed ${m.type}: ${JSON.stringify(it.row.text.slice(m.start, m.end))}`);
    for (const w of wrong)
      console.log(`    wrong  ${w.type}: ${JSON.stringify(it.row.text.slice(w.start, w.end))} (${w.source})`);
    if (++shown >= showErrors) break;
  }
}
