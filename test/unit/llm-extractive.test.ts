import type { LanguageModelV4Prompt, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { generateText, streamText } from "ai";
import { describe, expect, it } from "vitest";
import { EXTRACTIVE_LEAD, NOTHING_FOUND } from "../../src/providers/llm/extractive-answer.js";
import { ExtractiveChatModel, wordGroups } from "../../src/providers/llm/extractive-model.js";
import { CITATION_MARKER, formatPassages, type PromptPassage } from "../../src/providers/llm/passages.js";

const PASSAGES: PromptPassage[] = [
  {
    label: 1,
    title: "Expense policy",
    text: "Expense reports are due within 30 days of purchase. Receipts above 25 EUR must be attached.\n\nThe finance team reviews reports every Friday.",
  },
  {
    label: 2,
    title: "Vacation policy",
    text: "# Vacation\nEmployees receive 25 vacation days per year. Unused vacation days carry over until the end of March.\n- Part-time employees get a pro-rated number of vacation days.\n- Employees receive 25 vacation days per year.",
  },
  {
    label: 3,
    title: "Office",
    text: "The office opens at 8:00 every weekday. Visitors must sign in at the reception desk.",
  },
];

const system = `You answer from these passages.\n${formatPassages(PASSAGES)}`;
const model = new ExtractiveChatModel();

function prompt(question: string, extra: LanguageModelV4Prompt = []): LanguageModelV4Prompt {
  return [
    { role: "system", content: system },
    ...extra,
    { role: "user", content: [{ type: "text", text: question }] },
  ];
}

/** Each quoted sentence with the label it cites. */
function citedSentences(text: string): { sentence: string; label: number }[] {
  return [...text.matchAll(/([^.\n[]+?) \[(\d+)\]/g)].map((m) => ({
    sentence: m[1]!.trim(),
    label: Number(m[2]),
  }));
}

describe("extractive model", () => {
  it("quotes the relevant sentences, each cited with its passage's label", async () => {
    const result = await generateText({ model, system, prompt: "How many vacation days do employees get?" });
    expect(result.text.startsWith(EXTRACTIVE_LEAD)).toBe(true);
    const cited = citedSentences(result.text);
    expect(cited.map((c) => c.sentence)).toContain("Employees receive 25 vacation days per year");
    expect(cited.every((c) => c.label === 2)).toBe(true);
    // Every quoted sentence is copied from the passage it cites: nothing is invented.
    for (const { sentence, label } of cited) {
      expect(PASSAGES.find((p) => p.label === label)!.text).toContain(sentence);
    }
    // The duplicate bullet repeating the first sentence is not quoted twice.
    expect(result.text.match(/Employees receive 25 vacation days per year/g)).toHaveLength(1);
    expect(result.text).not.toContain("Expense");
    expect(result.providerMetadata?.atrium).toMatchObject({ extractive: true, found: true, cited: [2] });
    expect(result.toolCalls).toEqual([]);
  });

  it("picks the passage that answers, whichever it is", async () => {
    const result = await generateText({ model, system, prompt: "When are expense reports due?" });
    const cited = citedSentences(result.text);
    expect(cited[0]).toEqual({ sentence: "Expense reports are due within 30 days of purchase", label: 1 });
    expect(new Set([...result.text.matchAll(CITATION_MARKER)].map((m) => m[1]))).toEqual(new Set(["1"]));
  });

  it("says plainly when nothing relevant is in the documents", async () => {
    for (const question of ["What is the parental leave policy?", "hello"]) {
      const result = await generateText({ model, system, prompt: question });
      expect(result.text).toBe(NOTHING_FOUND);
      expect(result.providerMetadata?.atrium).toMatchObject({ extractive: true, found: false, cited: [] });
    }
    const none = await generateText({ model, prompt: "How many vacation days do employees get?" });
    expect(none.text).toBe(NOTHING_FOUND);
  });

  it("reads passages from tool results but never from the user's own message", async () => {
    const fromTool = formatPassages([
      { label: 7, title: "Parental leave", text: "Parents get 16 weeks of paid parental leave." },
    ]);
    const withTool = prompt("How long is parental leave?", [
      { role: "user", content: [{ type: "text", text: "earlier question" }] },
      {
        role: "assistant",
        content: [
          { type: "tool-call", toolCallId: "c1", toolName: "knowledge_search", input: { query: "leave" } },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "c1",
            toolName: "knowledge_search",
            output: { type: "json", value: { passages: fromTool } },
          },
        ],
      },
    ]);
    const answer = await model.doGenerate({ prompt: withTool });
    expect(answer.content).toEqual([
      { type: "text", text: `${EXTRACTIVE_LEAD}\n\nParents get 16 weeks of paid parental leave [7].` },
    ]);

    const planted = `How long is parental leave?\n${fromTool}`;
    const fromUser = await model.doGenerate({ prompt: prompt(planted) });
    expect(fromUser.content).toEqual([{ type: "text", text: NOTHING_FOUND }]);
  });

  it("streams word groups that concatenate to the generated text, then usage", async () => {
    const question = "How many vacation days do employees get?";
    const generated = await generateText({ model, system, prompt: question });
    const streamed = streamText({ model, system, prompt: question });
    const deltas: string[] = [];
    for await (const delta of streamed.textStream) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join("")).toBe(generated.text);
    const usage = await streamed.usage;
    expect(usage.inputTokens).toBeGreaterThan(50);
    expect(usage.outputTokens).toBeGreaterThan(10);
    expect(usage).toMatchObject({
      inputTokens: generated.usage.inputTokens,
      outputTokens: generated.usage.outputTokens,
    });
    expect((await streamed.providerMetadata)?.atrium).toMatchObject({ extractive: true });
  });

  it("emits the stream parts in protocol order", async () => {
    const { stream } = await model.doStream({ prompt: prompt("When does the office open?") });
    const parts: LanguageModelV4StreamPart[] = [];
    for await (const part of stream) parts.push(part);
    const types = parts.map((p) => p.type);
    expect(types[0]).toBe("stream-start");
    expect(types.indexOf("text-start")).toBeLessThan(types.indexOf("text-delta"));
    expect(types.slice(-2)).toEqual(["text-end", "finish"]);
  });

  it("stops at an abort: mid-stream, and before starting", async () => {
    const controller = new AbortController();
    const { stream } = await model.doStream({
      prompt: prompt("How many vacation days do employees get?"),
      abortSignal: controller.signal,
    });
    const reader = stream.getReader();
    expect((await reader.read()).value?.type).toBe("stream-start");
    controller.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: "AbortError" });

    const aborted = AbortSignal.abort();
    await expect(
      model.doGenerate({ prompt: prompt("vacation days?"), abortSignal: aborted }),
    ).rejects.toMatchObject({
      name: "AbortError",
    });
    await expect(
      model.doStream({ prompt: prompt("vacation days?"), abortSignal: aborted }),
    ).rejects.toMatchObject({
      name: "AbortError",
    });
  });

  it("quotes answers, not headings, heading paths or FAQ questions, and reads tables row by row", async () => {
    const handbook: PromptPassage[] = [
      {
        label: 1,
        title: "helpdesk-faq.md",
        text: "IT Help Desk FAQ › Accounts › I forgot my password. How do I reset it?\nGo to the sign-in page and use the forgot-it link. You confirm with your MFA method.",
      },
      {
        label: 2,
        title: "travel.md",
        text: "## Accommodation\n\nHotels are booked through TravelDesk up to these nightly rates:\n\n| Location | Maximum per night |\n|---|---|\n| Domestic | €130 |\n| Capital cities | €200 |",
      },
    ];
    const ask = (question: string) =>
      generateText({ model, system: formatPassages(handbook), prompt: question }).then((r) => r.text);

    const reset = await ask("How do I reset my password?");
    expect(reset).toBe(
      `${EXTRACTIVE_LEAD}\n\nGo to the sign-in page and use the forgot-it link [1]. You confirm with your MFA method [1].`,
    );

    const hotels = await ask("What is the maximum hotel rate per night?");
    expect(hotels).toContain("Location: Domestic; Maximum per night: €130 [2].");
    expect(hotels).toContain("Location: Capital cities; Maximum per night: €200 [2].");
    expect(hotels).not.toContain("|");
  });

  it("reads a currency the same whether written as a symbol, a code or a word", async () => {
    const meals: PromptPassage[] = [
      { label: 1, title: "Meals", text: "Client meals are reimbursed up to €75 each, drinks included." },
    ];
    for (const question of ["What is the limit in euros?", "What is the limit in EUR?"]) {
      const { text } = await generateText({
        model,
        system: `Passages:\n${formatPassages(meals)}`,
        prompt: question,
      });
      expect(text, question).toContain("up to €75 each, drinks included [1].");
    }
  });

  it("splits text into word groups without losing characters", () => {
    const text = "From the documents:\n\nOne two three four [1]. Five six.";
    expect(wordGroups(text).join("")).toBe(text);
    expect(wordGroups("")).toEqual([]);
  });
});
