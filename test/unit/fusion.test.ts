import { describe, expect, it } from "vitest";
import { reciprocalRankFusion, suppressNearDuplicates } from "../../src/services/knowledge/search/fusion.js";

describe("reciprocal rank fusion", () => {
  it("sums 1/(k + rank) over the paths and records each path's rank", () => {
    const fused = reciprocalRankFusion(
      [
        { path: "vector", ids: ["a", "b", "c"] },
        { path: "fulltext", ids: ["b", "d"] },
      ],
      60,
    );
    expect(fused.map((f) => f.id)).toEqual(["b", "a", "d", "c"]);
    expect(fused[0]).toEqual({ id: "b", score: 1 / 62 + 1 / 61, ranks: { vector: 2, fulltext: 1 } });
  });

  it("applies path weights and ignores zero-weight paths", () => {
    const lists = [
      { path: "vector", ids: ["a"], weight: 0.1 },
      { path: "fulltext", ids: ["b"], weight: 1 },
      { path: "question", ids: ["c"], weight: 0 },
    ];
    expect(reciprocalRankFusion(lists).map((f) => f.id)).toEqual(["b", "a"]);
  });

  it("breaks ties deterministically and counts an id once per path", () => {
    const fused = reciprocalRankFusion([
      { path: "x", ids: ["q", "p", "q"] },
      { path: "y", ids: ["p", "q"] },
    ]);
    expect(fused.map((f) => [f.id, f.ranks])).toEqual([
      ["p", { x: 2, y: 1 }],
      ["q", { x: 1, y: 2 }],
    ]);
  });
});

describe("near-duplicate suppression", () => {
  const text =
    "The annual leave policy grants twenty five days of paid leave to every full time employee each year";

  it("keeps the first of identical (case/space-insensitive) and heavily overlapping texts", () => {
    const items = [
      { id: 1, text },
      { id: 2, text: `  ${text.toUpperCase()} ` },
      { id: 3, text: `${text} in the company` },
      { id: 4, text: "Travel must be booked through the portal at least two weeks in advance of departure" },
    ];
    const { kept, dropped } = suppressNearDuplicates(items, (i) => i.text);
    expect(kept.map((i) => i.id)).toEqual([1, 4]);
    expect(dropped.map((i) => i.id)).toEqual([2, 3]);
  });

  it("keeps texts that merely share some words", () => {
    const items = [
      text,
      "Every employee may carry five days of annual leave into the next year with approval",
    ];
    expect(suppressNearDuplicates(items, (t) => t).kept).toHaveLength(2);
  });
});
