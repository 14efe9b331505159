import type { NumberedTurnEvent, TurnEvent } from "./turn-events.js";

/** How long a finished turn's events stay available for a client that reconnects. */
export const FINISHED_TURN_RETENTION_MS = 120_000;

interface LiveTurn {
  taskId: string;
  conversationId: string;
  events: NumberedTurnEvent[];
  finished: boolean;
  listeners: Set<() => void>;
  expiry?: NodeJS.Timeout;
}

export const isFinalEvent = (event: TurnEvent) => event.type === "done" || event.type === "error";

/**
 * The numbered events of running turns (and, for a while, of finished ones), so a client that lost
 * its connection can resume from `Last-Event-ID`, in this process. With several API replicas the chat
 * service also mirrors every event to a `TurnRelay` (Redis), so a reconnect that reaches another
 * replica resumes too.
 */
export class TurnHub {
  private readonly turns = new Map<string, LiveTurn>();
  private readonly latestByConversation = new Map<string, string>();
  /** Followers of a conversation waiting for its next turn to open (`waitForTurn`). */
  private readonly waiting = new Map<string, Set<() => void>>();

  constructor(private readonly retentionMs = FINISHED_TURN_RETENTION_MS) {}

  /** Numbers and keeps an event of a turn (opened by its first event). */
  publish(taskId: string, conversationId: string, event: TurnEvent): NumberedTurnEvent {
    let turn = this.turns.get(taskId);
    if (!turn) {
      turn = { taskId, conversationId, events: [], finished: false, listeners: new Set() };
      this.turns.set(taskId, turn);
      this.latestByConversation.set(conversationId, taskId);
      const waiters = this.waiting.get(conversationId);
      this.waiting.delete(conversationId);
      for (const wake of waiters ?? []) wake();
    }
    const numbered = { ...event, id: turn.events.length + 1 } as NumberedTurnEvent;
    if (turn.finished) return numbered;
    turn.events.push(numbered);
    if (isFinalEvent(event)) this.finish(turn);
    for (const listener of turn.listeners) listener();
    return numbered;
  }

  isFinished(taskId: string): boolean {
    return this.turns.get(taskId)?.finished ?? true;
  }

  /** Marks a turn finished even if it never sent a final event (e.g. its caller gave up). */
  close(taskId: string): void {
    const turn = this.turns.get(taskId);
    if (turn && !turn.finished) this.finish(turn);
    for (const listener of turn?.listeners ?? []) listener();
  }

  private finish(turn: LiveTurn): void {
    turn.finished = true;
    turn.expiry = setTimeout(() => {
      this.turns.delete(turn.taskId);
      if (this.latestByConversation.get(turn.conversationId) === turn.taskId) {
        this.latestByConversation.delete(turn.conversationId);
      }
    }, this.retentionMs);
    turn.expiry.unref();
  }

  /** The conversation's turn a client would resume: the running one or the last one still kept. */
  latest(conversationId: string): { taskId: string; conversationId: string } | undefined {
    const taskId = this.latestByConversation.get(conversationId);
    return taskId ? { taskId, conversationId } : undefined;
  }

  find(taskId: string): { taskId: string; conversationId: string } | undefined {
    const turn = this.turns.get(taskId);
    return turn ? { taskId, conversationId: turn.conversationId } : undefined;
  }

  /** Events after `afterId`, then live ones, ending after the final event or when `signal` aborts. */
  async *events(taskId: string, afterId: number, signal?: AbortSignal): AsyncGenerator<NumberedTurnEvent> {
    const turn = this.turns.get(taskId);
    if (!turn) return;
    let next = afterId;
    let wake: (() => void) | undefined;
    const listener = () => wake?.();
    turn.listeners.add(listener);
    const onAbort = () => wake?.();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for (;;) {
        while (next < turn.events.length) {
          const event = turn.events[next]!;
          next += 1;
          yield event;
          if (isFinalEvent(event)) return;
        }
        if (turn.finished || signal?.aborted) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      turn.listeners.delete(listener);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * Resolves when a turn other than `knownTaskId` becomes the conversation's latest in this process,
   * after `timeoutMs`, or when `signal` aborts, whichever comes first (at once if one already has).
   */
  waitForTurn(
    conversationId: string,
    knownTaskId: string | undefined,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const latest = this.latestByConversation.get(conversationId);
    if ((latest !== undefined && latest !== knownTaskId) || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let set = this.waiting.get(conversationId);
      if (!set) {
        set = new Set();
        this.waiting.set(conversationId, set);
      }
      const waiters = set;
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        waiters.delete(done);
        if (waiters.size === 0 && this.waiting.get(conversationId) === waiters) {
          this.waiting.delete(conversationId);
        }
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      signal?.addEventListener("abort", done, { once: true });
      waiters.add(done);
    });
  }

  /** Stops expiry timers (tests, shutdown). */
  clear(): void {
    for (const turn of this.turns.values()) if (turn.expiry) clearTimeout(turn.expiry);
    this.turns.clear();
    this.latestByConversation.clear();
    for (const waiters of this.waiting.values()) for (const wake of waiters) wake();
    this.waiting.clear();
  }
}
