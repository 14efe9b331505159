// Compares classifier variants on a labelled folder (train.csv/test.csv), without a database.
import { HashEmbedder } from "../src/providers/embeddings/index.js";
import {
  type ClassifierOptions,
  IntentClassifier,
  seededRandom,
  shuffle,
} from "../src/services/intents/classifier/index.js";
import { readSplit } from "./intent-dataset.js";

const folder = process.argv[2] ?? "../shared/datasets/banking77";
const shots = Number(process.argv[3] ?? 0);
const train = shots > 0 ? sample(readSplit(folder, "train"), shots) : readSplit(folder, "train");
const test = readSplit(folder, "test");
const embedder = new HashEmbedder();
const trainVectors = train.map((r) => embedder.embedOne(r.text));
const testVectors = test.map((r) => embedder.embedOne(r.text));

type Variant = [string, Partial<ClassifierOptions>];
const variants: Variant[] = JSON.parse(process.env.VARIANTS ?? "null") ?? [["default", {}]];
for (const [name, options] of variants) {
  const t0 = performance.now();
  const model = IntentClassifier.train(
    train.map((r, i) => ({ intent: r.category, phrase: r.text, embedding: trainVectors[i] })),
    options,
  );
  const trainMs = performance.now() - t0;
  let correct = 0;
  let below = 0;
  const t1 = performance.now();
  test.forEach((r, i) => {
    const result = model.classify(r.text, testVectors[i], 0);
    if (result.intent === r.category) correct++;
    if (result.confidence < 0.3) below++;
  });
  const perPhrase = (performance.now() - t1) / test.length;
  console.log(
    `${name.padEnd(30)} accuracy ${(correct / test.length).toFixed(4)}  below 0.3 ${(below / test.length).toFixed(4)}  train ${(trainMs / 1000).toFixed(2)} s  classify ${perPhrase.toFixed(3)} ms`,
  );
}

function sample<T extends { category: string }>(rows: T[], perCategory: number): T[] {
  const kept = new Map<string, T[]>();
  for (const row of shuffle([...rows], seededRandom(7))) {
    const list = kept.get(row.category) ?? [];
    if (list.length < perCategory) list.push(row);
    kept.set(row.category, list);
  }
  return [...kept.values()].flat();
}
