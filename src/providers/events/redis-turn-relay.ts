import { Redis } from "ioredis";
import type { Logger } from "../../lib/logger.js";
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
  private failing = false;

  constructor(
    url: string,
    private readonly options: RedisTurnRelayOptions,
    private readonly logger: Logger,
  ) {
    this.prefix = options.prefix ?? "atrium:";
    this.redis = new Redis(url, {
      // Commands wait for the connection (a relay used right after start, or while reconnecting),
      // and fail after one retry: a Redis outage costs a moment, then the events.
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      connectTimeout: 2_000,
      commandTimeout: 1_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    this.redis.on("error", () => {});
  }

  private key(...parts: string[]) {
    return this.prefix + parts.join(":");
  }

  private report(operation: string, error: unknown) {
    if (this.failing) return;
    this.failing = true;
    this.logger.warn(
      { operation, err: (error as Error).message },
      "turn relay unavailable; reconnecting clients resume only on the replica running their turn",
    );
  }

  private ok() {
    if (!this.failing) return;
    this.failing = false;
    this.logger.info("turn relay recovered");
  }

  publish(turn: RelayedTurn, event: RelayedEvent, final: boolean): void {
    const events = this.key("turn", turn.taskId, "events");
    const conversation = this.key("turn", turn.taskId, "conversation");
    const latest = this.key("conversation", turn.conversationId, "turn");
    const ttl = final ? this.options.finishedTtlMs : this.options.runningTtlMs;
    const wire = JSON.stringify({ e: event, f: final } satisfies Wire);
    // The pointers go with every event (and expire with it), so a lost event never hides a turn.
    const batch = this.redis
      .multi()
      .rpush(events, wire)
      .pexpire(events, ttl)
      .set(conversation, turn.conversationId, "PX", ttl)
      .set(latest, turn.taskId, "PX", ttl)
      .publish(this.key("turn", turn.taskId), wire);
    batch.exec().then(
      () => this.ok(),
      (error: unknown) => this.report("publish", error),
    );
  }

  endTurn(turn: RelayedTurn): void {
    const ttl = this.options.finishedTtlMs;
    this.redis
      .multi()
      .pexpire(this.key("turn", turn.taskId, "events"), ttl)
      .pexpire(this.key("turn", turn.taskId, "conversation"), ttl)
      .publish(this.key("turn", turn.taskId), JSON.stringify({ end: true } satisfies Wire))
      .exec()
      .catch((error: unknown) => this.report("end", error));
  }

  async find(taskId: string): Promise<RelayedTurn | undefined> {
    try {
      const conversationId = await this.redis.get(this.key("turn", taskId, "conversation"));
      return conversationId ? { taskId, conversationId } : undefined;
    } catch (error) {
      this.report("find", error);
      return undefined;
    }
  }

  async latest(conversationId: string): Promise<RelayedTurn | undefined> {
    try {
      const taskId = await this.redis.get(this.key("conversation", conversationId, "turn"));
      return taskId ? { taskId, conversationId } : undefined;
    } catch (error) {
      this.report("latest", error);
      return undefined;
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
    const eventsKey = this.key("turn", taskId, "events");
    const queue: Wire[] = [];
    let wake: (() => void) | undefined;
    const onAbort = () => wake?.();
    signal?.addEventListener("abort", onAbort, { once: true });
    let stopListening: (() => Promise<void>) | undefined;
    try {
      stopListening = await this.listen(this.key("turn", taskId), (wire) => {
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
