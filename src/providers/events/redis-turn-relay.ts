import type { Redis } from "ioredis";
import type { Logger } from "../../lib/logger.js";
import { OutageLog } from "../../lib/outage-log.js";
import { connectRedis } from "../redis-client.js";
import type { RelayedEvent, RelayedTurn, TurnRelay } from "./turn-relay.js";

export interface RedisTurnRelayOptions {
  /** How long a running turn's events are kept after its latest event (covers the longest turn). */
  runningTtlMs: number;
  /** How long a finished turn's events stay for a client that reconnects. */
  finishedTtlMs: number;
  /** How often a follower checks that a silent turn still exists (its process may have died). */
  livenessCheckMs?: number;
  prefix?: string;
}

/** What the list and the channel carry: the event, whether it was the last, or that the turn ended. */
type Wire = { e: RelayedEvent; f: boolean } | { end: true };

/**
 * TurnRelay on Redis: each turn's events in a list (`turn:<taskId>:events`, replayed with LRANGE), live
 * copies on the channel `turn:<taskId>`, and two pointers (`turn:<taskId>:conversation`,
 * `conversation:<id>:turn`), all expiring. A follower subscribes before it reads the list, so an event
 * published in between arrives twice and is dropped by id, never lost.
 */
export class RedisTurnRelay implements TurnRelay {
  private readonly redis: Redis;
  private subscriber: Redis | undefined;
  /** Listeners by channel, with the SUBSCRIBE every listener of the channel waits for. */
  private readonly channels = new Map<
    string,
    { listeners: Set<(wire: Wire) => void>; ready: Promise<unknown> }
  >();
  private readonly prefix: string;
  private readonly outage: OutageLog;

  constructor(
    url: string,
    private readonly options: RedisTurnRelayOptions,
    logger: Logger,
  ) {
    this.prefix = options.prefix ?? "atrium:";
    // Commands wait for the connection (a relay used right after start, or while reconnecting),
    // and fail after one retry: a Redis outage costs a moment, then the events.
    this.redis = connectRedis(url, { queueWhileConnecting: true });
    this.outage = new OutageLog(logger, {
      down: "turn relay unavailable; reconnecting clients resume only on the replica running their turn",
      up: "turn relay recovered",
    });
  }

  /** The Redis names of one turn: its event list and channel, and its pointer to its conversation. */
  private turnKeys(taskId: string) {
    const turn = `${this.prefix}turn:${taskId}`;
    return { channel: turn, events: `${turn}:events`, conversation: `${turn}:conversation` };
  }

  /** The pointer from a conversation to its newest turn. */
  private latestKey(conversationId: string) {
    return `${this.prefix}conversation:${conversationId}:turn`;
  }

  private report(operation: string, error: unknown) {
    this.outage.failed({ operation, err: (error as Error).message });
  }

  publish(turn: RelayedTurn, event: RelayedEvent, final: boolean): void {
    const keys = this.turnKeys(turn.taskId);
    const ttl = final ? this.options.finishedTtlMs : this.options.runningTtlMs;
    const wire = JSON.stringify({ e: event, f: final } satisfies Wire);
    // The pointers go with every event (and expire with it), so a lost event never hides a turn.
    const batch = this.redis
      .multi()
      .rpush(keys.events, wire)
      .pexpire(keys.events, ttl)
      .set(keys.conversation, turn.conversationId, "PX", ttl)
      .set(this.latestKey(turn.conversationId), turn.taskId, "PX", ttl)
      .publish(keys.channel, wire);
    batch.exec().then(
      () => this.outage.succeeded(),
      (error: unknown) => this.report("publish", error),
    );
  }

  endTurn(turn: RelayedTurn): void {
    const ttl = this.options.finishedTtlMs;
    const keys = this.turnKeys(turn.taskId);
    this.redis
      .multi()
      .pexpire(keys.events, ttl)
      .pexpire(keys.conversation, ttl)
      .publish(keys.channel, JSON.stringify({ end: true } satisfies Wire))
      .exec()
      .catch((error: unknown) => this.report("end", error));
  }

  async find(taskId: string): Promise<RelayedTurn | undefined> {
    const conversationId = await this.pointer("find", this.turnKeys(taskId).conversation);
    return conversationId ? { taskId, conversationId } : undefined;
  }

  async latest(conversationId: string): Promise<RelayedTurn | undefined> {
    const taskId = await this.pointer("latest", this.latestKey(conversationId));
    return taskId ? { taskId, conversationId } : undefined;
  }

  /** A pointer's value; a relay that cannot answer knows nothing. */
  private async pointer(operation: string, key: string): Promise<string | null> {
    try {
      return await this.redis.get(key);
    } catch (error) {
      this.report(operation, error);
      return null;
    }
  }

  private async listen(channel: string, listener: (wire: Wire) => void): Promise<() => Promise<void>> {
    if (!this.subscriber) {
      this.subscriber = this.redis.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
      this.subscriber.on("error", () => {});
      this.subscriber.on("message", (from: string, raw: string) => {
        const wire = JSON.parse(raw) as Wire;
        for (const each of this.channels.get(from)?.listeners ?? []) each(wire);
      });
    }
    const subscriber = this.subscriber;
    let entry = this.channels.get(channel);
    if (!entry) {
      entry = { listeners: new Set(), ready: subscriber.subscribe(channel) };
      this.channels.set(channel, entry);
    }
    entry.listeners.add(listener);
    const joined = entry;
    try {
      // Every follower waits until the channel is live: only then is reading the list safe.
      await joined.ready;
    } catch (error) {
      joined.listeners.delete(listener);
      if (this.channels.get(channel) === joined) this.channels.delete(channel);
      throw error;
    }
    return async () => {
      joined.listeners.delete(listener);
      if (joined.listeners.size === 0 && this.channels.get(channel) === joined) {
        this.channels.delete(channel);
        await subscriber.unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  async *events(taskId: string, afterId: number, signal?: AbortSignal): AsyncGenerator<RelayedEvent> {
    const { events: eventsKey, channel } = this.turnKeys(taskId);
    const queue: Wire[] = [];
    let wake: (() => void) | undefined;
    const onAbort = () => wake?.();
    signal?.addEventListener("abort", onAbort, { once: true });
    let stopListening: (() => Promise<void>) | undefined;
    try {
      stopListening = await this.listen(channel, (wire) => {
        queue.push(wire);
        wake?.();
      });
      let next = afterId;
      // Replays what was kept after `next`; true once the final event has been yielded.
      const catchUp = async function* (redis: Redis): AsyncGenerator<RelayedEvent, boolean> {
        for (const raw of await redis.lrange(eventsKey, next, -1)) {
          const wire = JSON.parse(raw) as Wire;
          if (!("e" in wire) || wire.e.id <= next) continue;
          next = wire.e.id;
          yield wire.e;
          if (wire.f) return true;
        }
        return false;
      };
      if (yield* catchUp(this.redis)) return;
      if (next === afterId && (await this.redis.exists(eventsKey)) === 0) return; // nothing kept
      const livenessMs = this.options.livenessCheckMs ?? 5_000;
      while (!signal?.aborted) {
        while (queue.length > 0) {
          const wire = queue.shift()!;
          if (!("e" in wire)) return; // ended without a final event
          if (wire.e.id <= next) continue;
          // A gap (a message lost while reconnecting): read the list again.
          if (wire.e.id > next + 1) {
            if (yield* catchUp(this.redis)) return;
            continue;
          }
          next = wire.e.id;
          yield wire.e;
          if (wire.f) return;
        }
        const woken = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), livenessMs);
          wake = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
        wake = undefined;
        // Silent for a while: a turn whose process died leaves its events to expire.
        if (!woken && !signal?.aborted && (await this.redis.exists(eventsKey)) === 0) return;
      }
    } catch (error) {
      this.report("follow", error);
    } finally {
      signal?.removeEventListener("abort", onAbort);
      await stopListening?.();
    }
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    this.redis.disconnect();
  }
}
