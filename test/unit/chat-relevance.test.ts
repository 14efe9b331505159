import { describe, expect, it } from "vitest";
import { judgeRelevance, refusalText } from "../../src/services/chat/relevance.js";

const HOTELS = {
  label: 1,
  title: "travel.md",
  text:
    "## Accommodation\nHotels are booked through TravelDesk up to these nightly rates, room only:\n\n" +
    "| Location | Maximum per night |\n|---|---|\n| Domestic, outside capital cities | €130 |\n" +
    "| Capital cities and major business centres | €200 |\n| Outside Europe | €220 |",
};
const LEAVE = {
  label: 2,
  title: "leave-and-absence.md",
  text:
    "## Annual leave\nEvery full-time employee gets 25 days of paid annual leave per leave year.\n" +
    "Part-time employees get the same entitlement pro rata.",
};
const SCATTERED = [
  { label: 3, title: "security.md", text: "## Data\nThe owner of the data sets its class." },
  { label: 4, title: "devices.md", text: "## Devices\nDo not disable the endpoint protection software." },
  {
    label: 5,
    title: "purchasing.md",
    text: "## Approval\nThe Chief Financial Officer approves large commitments.",
  },
];

describe("relevance gate", () => {
  it("refuses a question whose informative words no passage holds", () => {
    const r = judgeRelevance("What is the capital of France?", [HOTELS, LEAVE]);
    expect(r.decision).toBe("off-topic");
    expect(r.missing.join(" ")).toMatch(/franc/);
  });

  it("answers a question a passage is about, in the asker's own words", () => {
    expect(
      judgeRelevance("How many days of annual leave does a full-time employee get?", [HOTELS, LEAVE])
        .decision,
    ).toBe("answer");
    expect(
      judgeRelevance("What is the hotel limit per night in capital cities?", [HOTELS, LEAVE]).decision,
    ).toBe("answer");
    // "part-timers" is not in the text, but its family ("part", "time") is.
    expect(judgeRelevance("And for part-time employees?", [LEAVE]).decision).toBe("answer");
  });

  it("does not weigh a reference number against the documents", () => {
    // A case or ticket reference says which case is meant, not what is asked.
    expect(
      judgeRelevance("Case k7x2q9: how many days of annual leave do I get?", [HOTELS, LEAVE]).decision,
    ).toBe("answer");
    expect(
      judgeRelevance("INC-4711: what is the maximum per night in capital cities?", [HOTELS]).decision,
    ).toBe("answer");
    expect(judgeRelevance("kmxdt92: how many days of leave do I have left?", [LEAVE]).decision).toBe(
      "answer",
    );
    // It does not make an off-topic question answerable.
    expect(judgeRelevance("Case k7x2q9: what is the capital of France?", [HOTELS, LEAVE]).decision).toBe(
      "off-topic",
    );
  });

  it("refuses words found only scattered over unrelated passages", () => {
    const r = judgeRelevance("Who is the data protection officer?", SCATTERED);
    expect(r.missing).toEqual([]);
    expect(r.decision).toBe("off-topic");
  });

  it("refuses a question with no content words, or no passages", () => {
    expect(judgeRelevance("hello", [LEAVE]).decision).toBe("off-topic");
    expect(judgeRelevance("How many days of annual leave?", []).decision).toBe("off-topic");
  });

  it("names what the assistant covers", () => {
    expect(refusalText([{ name: "HR Handbook", description: "leave, expenses" }])).toMatch(
      /^I can only help with questions about HR Handbook \(leave, expenses\)\./,
    );
    expect(
      refusalText([
        { name: "A", description: null },
        { name: "B", description: "" },
      ]),
    ).toMatch(/^I can only help with questions about A and B\./);
  });
});
