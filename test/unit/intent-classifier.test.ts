import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { HashEmbedder } from "../../src/providers/embeddings/index.js";
import { IntentClassifier, type TrainingExample } from "../../src/services/intents/classifier/index.js";

const read = (split: string) =>
  parse(readFileSync(new URL(`../fixtures/intents-mini/${split}.csv`, import.meta.url), "utf8"), {
    columns: true,
  }) as { text: string; category: string }[];

const train = read("train");
const test = read("test");
const embedder = new HashEmbedder();
const examples: TrainingExample[] = train.map((r) => ({
  intent: r.category,
  phrase: r.text,
  embedding: embedder.embedOne(r.text),
}));

describe("IntentClassifier", () => {
  it("trains deterministically: the same examples give the same probabilities", () => {
    const a = IntentClassifier.train(examples);
    const b = IntentClassifier.train(examples);
    for (const row of test) {
      const vector = embedder.embedOne(row.text);
      expect([...a.probabilities(row.text, vector)]).toEqual([...b.probabilities(row.text, vector)]);
    }
  });

  it("classifies the in-scope test phrases and gives probabilities that sum to 1", () => {
    const model = IntentClassifier.train(examples);
    expect(model.usesEmbeddings).toBe(true);
    for (const row of test.filter((r) => r.category !== "oos")) {
      const vector = embedder.embedOne(row.text);
      expect(model.classify(row.text, vector, 0).intent, row.text).toBe(row.category);
      const sum = [...model.probabilities(row.text, vector)].reduce((s, p) => s + p, 0);
      expect(sum).toBeCloseTo(1, 6);
    }
  });

  it("answers unknown below the threshold and keeps the best guess as the first alternative", () => {
    const model = IntentClassifier.train(examples);
    const text = "I forgot my password again";
    const sure = model.classify(text, embedder.embedOne(text), 0);
    expect(sure.intent).toBe("password_reset");
    expect(sure.alternatives.map((a) => a.intent)).not.toContain("password_reset");
    const unsure = model.classify(text, embedder.embedOne(text), sure.confidence + 1e-9);
    expect(unsure).toEqual({
      intent: "unknown",
      confidence: sure.confidence,
      alternatives: [
        { intent: "password_reset", confidence: sure.confidence },
        ...sure.alternatives.slice(0, 2),
      ],
    });
  });

  it("is less confident about out-of-scope phrases than about in-scope ones (calibration sanity)", () => {
    const model = IntentClassifier.train(examples);
    const confidence = (rows: typeof test) =>
      rows.map((r) => model.classify(r.text, embedder.embedOne(r.text), 0).confidence);
    const inScope = confidence(test.filter((r) => r.category !== "oos"));
    const outOfScope = confidence(test.filter((r) => r.category === "oos"));
    // Every in-scope phrase is more confident than the most confident out-of-scope one, so a
    // threshold between them separates the two (the eval measures this at scale).
    expect(Math.min(...inScope)).toBeGreaterThan(Math.max(...outOfScope));
    // Confidences are probabilities, not scores: an unrelated phrase is far from certain.
    expect(Math.max(...outOfScope)).toBeLessThan(0.8);
  });

  it("works without embeddings (lexical only) and ignores a query vector of the wrong size", () => {
    const lexical = IntentClassifier.train(examples.map(({ intent, phrase }) => ({ intent, phrase })));
    expect(lexical.usesEmbeddings).toBe(false);
    expect(lexical.classify("reset my password please").intent).toBe("password_reset");
    const blended = IntentClassifier.train(examples);
    expect(blended.classify("reset my password please", [1, 0, 0]).intent).toBe("password_reset");
  });

  it("answers unknown with nothing to go on, and rates a single intent by similarity", () => {
    expect(IntentClassifier.train([]).classify("hello")).toEqual({
      intent: "unknown",
      confidence: 0,
      alternatives: [],
    });
    const single = IntentClassifier.train(examples.filter((e) => e.intent === "leave_balance"));
    expect(single.classify("How many days of leave do I have left?").intent).toBe("leave_balance");
    const unrelated = single.classify("Recommend a good pizza topping");
    expect(unrelated.intent).toBe("unknown");
    expect(unrelated.confidence).toBeLessThan(0.3);
  });
});
