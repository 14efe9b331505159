import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { approximateTokens, exactTokenCounter } from "../../src/lib/text/tokens.js";
import { chunkDocument } from "../../src/services/knowledge/ingestion/chunking.js";
import { chunkTable } from "../../src/services/knowledge/ingestion/chunking-table.js";
import { HeuristicQuestionGenerator } from "../../src/services/knowledge/ingestion/synthetic-questions.js";

const sentence = (i: number) => `Sentence number ${i} explains one more detail of the leave policy.`;
const paragraph = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => sentence(from + i)).join(" ");

const MARKDOWN = `# Handbook

Welcome to the company.

## Leave

### Annual leave

${paragraph(0, 40)}

${paragraph(40, 40)}

## Travel

Book trains, not planes, below 500 km.

\`\`\`
# not a heading inside a fence
\`\`\`
`;

describe("chunkDocument", () => {
  const chunks = chunkDocument({ kind: "text", text: MARKDOWN }, { chunkSize: 200, overlap: 30 });

  it("follows Markdown headings into heading paths (ignoring fenced code)", () => {
    expect(chunks[0]!.metadata.headingPath).toEqual(["Handbook"]);
    expect(chunks[0]!.content).toBe("# Handbook\n\nWelcome to the company.");
    const leave = chunks.filter((c) => c.metadata.headingPath.join("/") === "Handbook/Leave/Annual leave");
    expect(leave.length).toBeGreaterThan(3);
    const travel = chunks.at(-1)!;
    expect(travel.metadata.headingPath).toEqual(["Handbook", "Travel"]);
    expect(travel.content).toContain("# not a heading inside a fence");
  });

  it("keeps every chunk within the token budget and counts its tokens", () => {
    for (const chunk of chunks) {
      expect(chunk.tokenCount).toBe(approximateTokens(chunk.content));
      expect(chunk.tokenCount).toBeLessThanOrEqual(210);
    }
  });

  it("splits at sentence boundaries with overlap, and adds heading context to later chunks", () => {
    const leave = chunks.filter((c) => c.metadata.headingPath.at(-1) === "Annual leave");
    for (const chunk of leave.slice(1)) {
      expect(chunk.content.startsWith("Handbook › Leave › Annual leave\n")).toBe(true);
      expect(chunk.content).toMatch(/policy\.$/);
    }
    const last = (text: string) => text.match(/Sentence number (\d+)/g)!.at(-1)!;
    const first = (text: string) => text.match(/Sentence number (\d+)/)![0];
    // The next chunk starts before the previous one ended: the overlap.
    const previousEnd = Number(last(leave[1]!.content).split(" ").at(-1));
    const nextStart = Number(first(leave[2]!.content).split(" ").at(-1));
    expect(nextStart).toBeLessThanOrEqual(previousEnd);
    // And nothing is lost: every sentence appears somewhere.
    const all = leave.map((c) => c.content).join(" ");
    for (let i = 0; i < 80; i++) expect(all).toContain(sentence(i));
  });

  it("records page numbers and carries headings across pages", () => {
    const paged = chunkDocument(
      { kind: "pages", pages: ["# Report\n\nFirst page text.", "Second page text.", ""] },
      { chunkSize: 100 },
    );
    expect(paged.map((c) => [c.metadata.page, c.metadata.headingPath])).toEqual([
      [1, ["Report"]],
      [2, ["Report"]],
    ]);
  });

  it("takes pre-built sections (HTML) and cuts over-long words", () => {
    const sectioned = chunkDocument(
      { kind: "sections", sections: [{ headingPath: ["Docs", "API"], text: "x".repeat(3000) }] },
      { chunkSize: 64, overlap: 0, headingContext: false },
    );
    expect(sectioned.length).toBeGreaterThan(3);
    expect(sectioned.map((c) => c.content).join("")).toBe("x".repeat(3000));
    expect(sectioned.every((c) => c.metadata.headingPath.join("/") === "Docs/API")).toBe(true);
  });
});

describe("chunkTable", () => {
  it("groups rows and repeats the header in every chunk", () => {
    const rows = Array.from({ length: 25 }, (_, i) => [`Person ${i}`, i % 2 ? "Sales" : "Legal", 30 + i]);
    const chunks = chunkTable(["Name", "Team", "Age"], rows, 10, { title: "Staff" });
    expect(chunks).toHaveLength(3);
    for (const chunk of chunks)
      expect(chunk.content.startsWith("Staff\n\n| Name | Team | Age |\n| --- | --- | --- |\n")).toBe(true);
    expect(chunks.map((c) => [c.metadata.rowStart, c.metadata.rowEnd])).toEqual([
      [1, 10],
      [11, 20],
      [21, 25],
    ]);
    expect(chunks[2]!.content).toContain("| Person 24 | Legal | 54 |");
  });

  it("cuts a group early when its rows would exceed the token budget", () => {
    const rows = Array.from({ length: 6 }, (_, i) => [`${i} ${"word ".repeat(40)}`]);
    const chunks = chunkTable(["Text"], rows, 100, { chunkSize: 120 });
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.tokenCount <= 130)).toBe(true);
  });
});

describe("token counting", () => {
  it("approximates cl100k within a few percent on real text", async () => {
    const exact = await exactTokenCounter();
    const text = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const ratio = approximateTokens(text) / exact(text);
    expect(ratio).toBeGreaterThan(0.9);
    expect(ratio).toBeLessThan(1.2);
    expect(approximateTokens("")).toBe(0);
  });
});

describe("heuristic synthetic questions", () => {
  const generator = new HeuristicQuestionGenerator();

  it("asks 1–3 questions from the heading, the key sentence and the keywords", async () => {
    const questions = await generator.generate(
      {
        content:
          "Annual leave is the paid time off every employee earns. Annual leave accrues monthly. Unused leave expires in March.",
        headingPath: ["Handbook", "Annual leave"],
      },
      3,
    );
    expect(questions[0]).toBe("What is Annual leave?");
    expect(questions.length).toBeGreaterThanOrEqual(2);
    expect(questions.length).toBeLessThanOrEqual(3);
    expect(new Set(questions.map((q) => q.toLowerCase())).size).toBe(questions.length);
  });

  it("turns task headings and instructions into how-to questions", async () => {
    const [fromHeading] = await generator.generate(
      { content: "Use the portal.", headingPath: ["Submit an expense claim"] },
      1,
    );
    expect(fromHeading).toBe("How do I submit an expense claim?");
    const questions = await generator.generate(
      { content: "Submit the travel form to your manager before booking any flight or hotel." },
      3,
    );
    expect(questions).toContain(
      "How do I submit the travel form to your manager before booking any flight or hotel?",
    );
  });
});
