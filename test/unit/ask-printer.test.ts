import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createAskPrinter } from "../../src/bin/commands/ask-printer.js";
import type { CitationView, NumberedTurnEvent, TurnEvent } from "../../src/services/chat/turn-events.js";

function capture(tty: boolean) {
  const out = Object.assign(new PassThrough(), { isTTY: tty });
  const err = Object.assign(new PassThrough(), { isTTY: tty });
  const text = (stream: PassThrough) => stream.read()?.toString() ?? "";
  return { out, err, read: () => ({ out: text(out), err: text(err) }) };
}

const citation: CitationView = {
  label: 1,
  chunkId: "c",
  documentId: "d",
  knowledgeBaseId: "k",
  title: "leave-and-absence.md",
  snippet: `Every full-time employee gets 25 days of paid annual leave. ${"More text. ".repeat(30)}`,
  score: 0.5,
};

const done: TurnEvent = {
  type: "done",
  messageId: "m",
  text: "From the documents: 25 days [1].",
  citations: [citation],
  removedCitations: 0,
  usage: { promptTokens: 1, completionTokens: 1, costUsd: 0 },
  runId: "r",
  taskId: "t",
};

const numbered = (events: TurnEvent[]): NumberedTurnEvent[] => events.map((e, i) => ({ ...e, id: i + 1 }));

describe("atrium ask output", () => {
  it("streams tokens to stdout, tool steps dimmed to stderr, then the sources", () => {
    const io = capture(true);
    const printer = createAskPrinter(io);
    for (const event of numbered([
      { type: "token", text: "From the documents:" },
      { type: "tool-call", step: 1, toolCallId: "x", name: "knowledge_search", input: { query: "leave" } },
      { type: "tool-result", step: 1, toolCallId: "x", name: "knowledge_search", output: { results: 3 } },
      { type: "token", text: " 25 days [1]." },
      done,
    ])) {
      printer.onEvent(event);
    }
    const { out, err } = io.read();
    // The streamed text is not printed a second time when `done` arrives.
    expect(out.split("\n")[0]).toBe("From the documents: 25 days [1].");
    expect(out).toContain("\nSources\n[1] leave-and-absence.md — Every full-time employee gets 25 days");
    expect(out.trimEnd().split("\n").at(-1)!.length).toBeLessThan(200);
    expect(err).toContain('\u001b[2m→ knowledge_search {"query":"leave"}\u001b[22m');
    expect(err).toContain('← knowledge_search {"results":3}');
    expect(printer.failure).toBeUndefined();
  });

  it("prints the final text when nothing streamed, and remembers a failure", () => {
    const io = capture(false);
    const printer = createAskPrinter(io);
    for (const event of numbered([done])) printer.onEvent(event);
    expect(io.read().out.startsWith("From the documents: 25 days [1].\n")).toBe(true);

    const failing = createAskPrinter(io);
    failing.onEvent({ type: "error", code: "UNAVAILABLE", message: "The model is not reachable", id: 3 });
    expect(failing.failure).toEqual({ code: "UNAVAILABLE", message: "The model is not reachable" });
    const { err } = io.read();
    expect(err).toBe("Error: The model is not reachable (UNAVAILABLE)\n");
    expect(err).not.toContain("\u001b[");
  });
});
