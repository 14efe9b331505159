import { describe, expect, it } from "vitest";
import { MAX_TITLE_LENGTH, titleFromFirstMessage, UNTITLED } from "../../src/services/conversations/title.js";

describe("titleFromFirstMessage", () => {
  it("keeps a short message as it is", () => {
    expect(titleFromFirstMessage("How many leave days do I get?")).toBe("How many leave days do I get?");
  });

  it("takes the first sentence and the first non-empty line", () => {
    expect(titleFromFirstMessage("\n\n  Hello there. I need the travel policy for Spain.")).toBe(
      "Hello there.",
    );
    expect(titleFromFirstMessage("Expense limits\nWhat is the hotel cap in London?")).toBe("Expense limits");
    expect(titleFromFirstMessage("Is this urgent?! Yes it is")).toBe("Is this urgent?!");
  });

  it("does not split at abbreviations followed by lower case", () => {
    expect(titleFromFirstMessage("Which forms, e.g. the leave form, need a signature?")).toBe(
      "Which forms, e.g. the leave form, need a signature?",
    );
  });

  it("drops markdown heading and bullet marks and collapses whitespace", () => {
    expect(titleFromFirstMessage("## Onboarding   checklist\n- item")).toBe("Onboarding checklist");
    expect(titleFromFirstMessage("> quoted\tquestion")).toBe("quoted question");
  });

  it("cuts a long sentence at a word boundary with an ellipsis, within 80 characters", () => {
    const long =
      "Please summarise every clause of the supplier contract that mentions liability insurance and indemnities";
    const title = titleFromFirstMessage(long);
    expect([...title].length).toBeLessThanOrEqual(MAX_TITLE_LENGTH);
    expect(title.endsWith("…")).toBe(true);
    const words = title.slice(0, -1).split(" ");
    // Every word of the title is a whole word of the message.
    expect(long.split(" ").slice(0, words.length)).toEqual(words);
    expect(title).toBe("Please summarise every clause of the supplier contract that mentions liability…");
  });

  it("hard-cuts a single word longer than the limit", () => {
    const url = `https://example.test/${"a".repeat(200)}`;
    const title = titleFromFirstMessage(url);
    expect([...title].length).toBe(MAX_TITLE_LENGTH);
    expect(title.endsWith("…")).toBe(true);
  });

  it("never splits an emoji", () => {
    const title = titleFromFirstMessage("🚀".repeat(100));
    expect([...title].length).toBe(MAX_TITLE_LENGTH);
    expect(title.replace("…", "").replaceAll("🚀", "")).toBe("");
  });

  it("names an empty or blank message 'New conversation'", () => {
    expect(titleFromFirstMessage("")).toBe(UNTITLED);
    expect(titleFromFirstMessage("   \n\t ")).toBe(UNTITLED);
  });
});
