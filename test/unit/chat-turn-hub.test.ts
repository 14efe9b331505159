import { describe, expect, it } from "vitest";
import type { MessageRow } from "../../src/repositories/message.repository.js";
import { followConversation } from "../../src/services/chat/conversation-follow.js";
import { historyWindow } from "../../src/services/chat/stages/history.js";
import type { NumberedTurnEvent } from "../../src/services/chat/turn-events.js";
import { TurnHub } from "../../src/services/chat/turn-hub.js";

async function collect(events: AsyncGenerator<NumberedTurnEvent>): Promise<NumberedTurnEvent[]> {
  const all: NumberedTurnEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

const start = { type: "turn-start", conversationId: "c1", taskId: "t1", userMessageId: "m1" } as const;

describe("TurnHub", () => {
  it("numbers events, replays after an id and follows live events until the final one", async () => {
    const hub = new TurnHub(60_000);
    hub.publish("t1", "c1", start);
    hub.publish("t1", "c1", { type: "token", text: "Hel" });
    const resumed = collect(hub.events("t1", 1));
    hub.publish("t1", "c1", { type: "token", text: "lo" });
    hub.publish("t1", "c1", { type: "error", code: "UNAVAILABLE", message: "stopped" });
    hub.publish("t1", "c1", { type: "token", text: "ignored after the end" });
    expect((await resumed).map((e) => [e.id, e.type])).toEqual([
      [2, "token"],
      [3, "token"],
      [4, "error"],
    ]);
    expect(hub.latest("c1")).toEqual({ taskId: "t1", conversationId: "c1" });
    hub.clear();
  });

  it("forgets a finished turn after the retention time", async () => {
    const hub = new TurnHub(20);
    hub.publish("t1", "c1", start);
    hub.close("t1");
    expect(hub.find("t1")).toBeDefined();
    await new Promise((r) => setTimeout(r, 60));
    expect(hub.find("t1")).toBeUndefined();
    expect(hub.latest("c1")).toBeUndefined();
  });

  it("stops a subscriber whose signal aborts", async () => {
    const hub = new TurnHub(60_000);
    hub.publish("t1", "c1", start);
    const controller = new AbortController();
    const pending = collect(hub.events("t1", 0, controller.signal));
    controller.abort();
    expect((await pending).map((e) => e.type)).toEqual(["turn-start"]);
    hub.clear();
  });

  it("follows a conversation across turns: each new turn after the last, until aborted", async () => {
    const hub = new TurnHub(60_000);
    const controller = new AbortController();
    hub.publish("t1", "c1", start);
    hub.publish("t1", "c1", { type: "error", code: "X", message: "first ended" });
    const seen: string[] = [];
    const following = (async () => {
      for await (const { taskId, event } of followConversation(
        { hub },
        "c1",
        { after: 0 },
        controller.signal,
        60_000,
      )) {
        seen.push(`${taskId}:${event.id}:${event.type}`);
        if (seen.length === 4) controller.abort();
      }
    })();
    // Another conversation's turn does not wake it; the next turn of c1 does, at once.
    await new Promise((resolve) => setTimeout(resolve, 10));
    hub.publish("x1", "c2", { ...start, conversationId: "c2", taskId: "x1" });
    expect(seen).toEqual(["t1:1:turn-start", "t1:2:error"]);
    hub.publish("t2", "c1", { ...start, taskId: "t2" });
    hub.publish("t2", "c1", { type: "error", code: "X", message: "second ended" });
    await following;
    expect(seen).toEqual(["t1:1:turn-start", "t1:2:error", "t2:1:turn-start", "t2:2:error"]);
    hub.clear();
  });

  it("waits for a conversation's next turn, and not when a newer one is already there", async () => {
    const hub = new TurnHub(60_000);
    hub.publish("t1", "c1", start);
    const started = Date.now();
    await hub.waitForTurn("c1", "t0", 5_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    const timedOut = Date.now();
    await hub.waitForTurn("c1", "t1", 30);
    expect(Date.now() - timedOut).toBeGreaterThanOrEqual(25);
    const waiting = hub.waitForTurn("c1", "t1", 5_000);
    hub.publish("t2", "c1", { ...start, taskId: "t2" });
    await waiting;
    hub.clear();
  });
});

describe("history window", () => {
  const message = (role: MessageRow["role"], text: string, metadata: Record<string, unknown> = {}) =>
    ({ role, content: text, textContent: text, metadata, heldForApproval: false }) as MessageRow;

  it("keeps the newest messages that fit the token budget, oldest first, skipping failed answers", () => {
    const rows = [
      message("user", "one two three four five six seven eight nine ten"),
      message("assistant", "first answer"),
      message("user", "second question"),
      message("assistant", "Sorry, this answer failed", { error: "UNAVAILABLE" }),
      message("user", "third question"),
    ];
    expect(historyWindow(rows, 1_000).map((m) => m.content)).toEqual([
      "one two three four five six seven eight nine ten",
      "first answer",
      "second question",
      "third question",
    ]);
    expect(historyWindow(rows, 20).map((m) => m.content)).toEqual([
      "first answer",
      "second question",
      "third question",
    ]);
    expect(historyWindow(rows, 0)).toEqual([]);
  });
});
