import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/lib/logger.js";
import { RedisTurnRelay } from "../../src/providers/events/redis-turn-relay.js";
import type { RelayedEvent, TurnRelay } from "../../src/providers/events/turn-relay.js";

const redisUrl = process.env.TEST_REDIS_URL;

async function collect(events: AsyncGenerator<RelayedEvent>): Promise<number[]> {
  const ids: number[] = [];
  for await (const event of events) ids.push(event.id);
  return ids;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Publishing does not wait: a turn is visible to other processes a moment later. */
async function visible(relay: TurnRelay, taskId: string) {
  for (let i = 0; i < 200 && !(await relay.find(taskId)); i++) await tick();
}

/** The Redis turn relay on a real Redis: two processes are two relays on the same server. */
describe.runIf(redisUrl)("Redis turn relay", () => {
  const options = { runningTtlMs: 30_000, finishedTtlMs: 5_000, livenessCheckMs: 200 };
  const publisher: TurnRelay = new RedisTurnRelay(redisUrl ?? "", options, createLogger("silent"));
  const follower: TurnRelay = new RedisTurnRelay(redisUrl ?? "", options, createLogger("silent"));
  afterAll(async () => {
    await publisher.close();
    await follower.close();
  });

  it("gives every follower, early or late, each event once and in order, to the final one", async () => {
    const turn = { taskId: randomUUID(), conversationId: randomUUID() };
    publisher.publish(turn, { id: 1 }, false);
    publisher.publish(turn, { id: 2 }, false);
    await visible(follower, turn.taskId);
    expect(await follower.find(turn.taskId)).toEqual(turn);
    expect(await follower.latest(turn.conversationId)).toEqual(turn);
    const early = collect(follower.events(turn.taskId, 0));
    const midway = collect(follower.events(turn.taskId, 1));
    for (let id = 3; id <= 20; id++) {
      publisher.publish(turn, { id }, id === 20);
      if (id % 5 === 0) await tick();
    }
    const all = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(await early).toEqual(all);
    expect(await midway).toEqual(all.slice(1));
    // After the end, a replay from any point ends at the final event.
    expect(await collect(follower.events(turn.taskId, 17))).toEqual([18, 19, 20]);
  });

  it("ends followers of a turn that stopped without a final event, and knows nothing of unknown turns", async () => {
    const turn = { taskId: randomUUID(), conversationId: randomUUID() };
    publisher.publish(turn, { id: 1 }, false);
    await visible(follower, turn.taskId);
    const following = collect(follower.events(turn.taskId, 0));
    await tick();
    publisher.endTurn(turn);
    expect(await following).toEqual([1]);
    expect(await follower.find(randomUUID())).toBeUndefined();
    const started = Date.now();
    expect(await collect(follower.events(randomUUID(), 0))).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("stops following when the follower's signal aborts", async () => {
    const turn = { taskId: randomUUID(), conversationId: randomUUID() };
    publisher.publish(turn, { id: 1 }, false);
    await visible(follower, turn.taskId);
    const controller = new AbortController();
    const following = collect(follower.events(turn.taskId, 0, controller.signal));
    await tick();
    controller.abort();
    expect(await following).toEqual([1]);
  });
});
