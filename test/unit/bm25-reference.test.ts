import { describe, expect, it } from "vitest";
import { parseJsonLines } from "../../bench/eval-retrieval-data.js";
import { analyze, Bm25Index } from "../../bench/lib/bm25.js";

describe("BM25 reference of eval:retrieval", () => {
  it("lower-cases, drops Lucene's English stop words and Porter-stems", () => {
    expect(analyze("The Running of the CATS, and connected relational ponies")).toEqual([
      "run",
      "cat",
      "connect",
      "relat",
      "poni",
    ]);
  });

  it("scores with k1 0.9, b 0.4 and Lucene's idf", () => {
    const index = new Bm25Index([
      { id: "a", title: "Cats", text: "cats purr" },
      { id: "b", title: "", text: "dogs bark loudly at night" },
      { id: "c", title: "", text: "birds sing" },
    ]);
    const [hit] = index.search("cat");
    const idf = Math.log(1 + (3 - 1 + 0.5) / (1 + 0.5));
    // doc a: "cat cat purr" → tf 2, |d| 3; b: "dog bark loudli night" ("at" is a stop word); avgdl 9 / 3
    const norm = 0.9 * (1 - 0.4 + (0.4 * 3) / 3);
    expect(hit!.id).toBe("a");
    expect(hit!.score).toBeCloseTo((idf * 2 * 1.9) / (2 + norm), 10);
    expect(index.search("dog night").map((h) => h.id)).toEqual(["b"]);
    expect(index.search("zebra")).toEqual([]);
  });

  it("ranks a shorter document first at equal term frequency, ties by id", () => {
    const index = new Bm25Index([
      { id: "long", title: "", text: "heart attack risk factors include smoking diet exercise and age" },
      { id: "short", title: "", text: "heart attack" },
      { id: "short2", title: "", text: "heart attack" },
    ]);
    expect(index.search("heart attacks").map((h) => h.id)).toEqual(["short", "short2", "long"]);
  });
});

describe("BEIR JSON Lines", () => {
  it("splits on \\n only: U+2028 and U+2029 stay inside values", () => {
    const text = `{"_id":"1","text":"a\u2028b"}\n{"_id":"2","text":"c\u2029d"}\r\n\n`;
    expect(parseJsonLines(text)).toEqual([
      { _id: "1", text: "a\u2028b" },
      { _id: "2", text: "c\u2029d" },
    ]);
  });

  it("names the line that is not JSON", () => {
    expect(() => parseJsonLines('{"_id":"1"}\n{oops}\n', "corpus.jsonl")).toThrow(/corpus\.jsonl:2/);
  });
});
