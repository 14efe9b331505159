import { describe, expect, it } from "vitest";
import { AppError } from "../../src/lib/errors.js";
import { concurrently, runTurn } from "../../src/services/chat/pipeline.js";
import type { TurnStage, TurnState } from "../../src/services/chat/turn-state.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Only what the pipeline itself touches; the stages here are fakes that log what they do. */
function fakeState(): TurnState {
  return { stages: [], signal: new AbortController().signal } as unknown as TurnState;
}

function stage(name: string, log: string[], options: { ms?: number; fail?: Error } = {}): TurnStage {
  return {
    name,
    needs: "new",
    async run() {
      log.push(`${name}:start`);
      if (options.ms) await sleep(options.ms);
      log.push(`${name}:end`);
      if (options.fail) throw options.fail;
    },
  };
}

describe("chat pipeline", () => {
  it("runs the branches of a group at once, each branch in order, and times every stage", async () => {
    const log: string[] = [];
    const state = fakeState();
    const group = concurrently(
      "prepare",
      [stage("a1", log, { ms: 20 }), stage("a2", log)],
      [stage("b", log, { ms: 40 })],
    );
    const result = await runTurn(state, [stage("first", log), group, stage("last", log)]);
    expect(result).toEqual({ ok: true });
    expect(log.slice(0, 3)).toEqual(["first:start", "first:end", "a1:start"]);
    expect(log.indexOf("b:start")).toBeLessThan(log.indexOf("a1:end")); // overlapped
    expect(log.indexOf("a2:start")).toBeGreaterThan(log.indexOf("a1:end")); // in order within a branch
    expect(log.at(-2)).toBe("last:start"); // after the slowest branch
    expect(log.indexOf("last:start")).toBeGreaterThan(log.indexOf("b:end"));
    // Keys in the order the stages started.
    expect(state.stages.map((s) => s.name)).toEqual(["first", "prepare", "a1", "b", "a2", "last"]);
    const ms = Object.fromEntries(state.stages.map((s) => [s.name, s.ms!]));
    expect(ms.b).toBeGreaterThanOrEqual(35);
    expect(ms.prepare).toBeGreaterThanOrEqual(ms.b!);
    // Each stage knows when it started (epoch ms) and the group it ran in, for exported traces.
    const byName = Object.fromEntries(state.stages.map((s) => [s.name, s]));
    expect(byName.a1!.group).toBe("prepare");
    expect(byName.b!.group).toBe("prepare");
    expect(byName.first!.group).toBeUndefined();
    expect(byName.b!.startedAt! - byName.prepare!.startedAt!).toBeGreaterThanOrEqual(0);
    expect(byName.last!.startedAt! - byName.b!.startedAt!).toBeGreaterThanOrEqual(ms.b! - 1);
    expect(Math.abs(byName.first!.startedAt! - Date.now())).toBeLessThan(5_000);
  });

  it("waits for every branch, then throws the first branch's error even when a later one failed first", async () => {
    const log: string[] = [];
    const refused = new AppError("LIMIT_EXCEEDED", "over budget");
    const group = concurrently(
      "prepare",
      [stage("budget", log, { ms: 30, fail: refused }), stage("persist", log)],
      [stage("retrieval", log, { ms: 5, fail: new Error("search failed") })],
    );
    // No task yet: the error reaches the caller as it is.
    await expect(runTurn(fakeState(), [group])).rejects.toBe(refused);
    expect(log).toEqual(["budget:start", "retrieval:start", "retrieval:end", "budget:end"]);
  });

  it("refuses to run a stage before the turn reached the phase it needs", async () => {
    const log: string[] = [];
    const early: TurnStage = {
      name: "prompt",
      needs: "loaded",
      async run() {
        log.push("prompt:ran");
      },
    };
    await expect(runTurn(fakeState(), [stage("first", log), early])).rejects.toMatchObject({
      code: "INTERNAL",
      message: "The chat stage prompt ran before the turn was loaded",
    });
    expect(log).toEqual(["first:start", "first:end"]);
  });

  it("records a stage's time even when it fails", async () => {
    const state = fakeState();
    await expect(runTurn(state, [stage("broken", [], { ms: 10, fail: new Error("boom") })])).rejects.toThrow(
      "boom",
    );
    expect(state.stages).toEqual([{ name: "broken", startedAt: expect.any(Number), ms: expect.any(Number) }]);
    expect(state.stages[0]!.ms).toBeGreaterThanOrEqual(5);
  });
});
