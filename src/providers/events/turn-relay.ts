/** A turn as the relay knows it: which conversation it belongs to. */
export interface RelayedTurn {
  taskId: string;
  conversationId: string;
}

/** One numbered event of a turn; `final` marks the last one (the answer or the failure). */
export interface RelayedEvent {
  id: number;
}

/**
 * Shares the events of running turns between API processes, so a client whose reconnect reaches
 * another replica than the one running its turn still resumes from `Last-Event-ID`. The process
 * running a turn publishes every event (in order, without waiting); any process can find a turn,
 * replay what it kept and follow the rest live. Failures never reach the turn: publishing is
 * best-effort, and a relay that cannot answer finds nothing.
 */
export interface TurnRelay {
  publish(turn: RelayedTurn, event: RelayedEvent, final: boolean): void;
  /** The turn ended without a final event (its caller gave up): followers stop, the events expire. */
  endTurn(turn: RelayedTurn): void;
  find(taskId: string): Promise<RelayedTurn | undefined>;
  /** The conversation's newest turn still kept, wherever it runs. */
  latest(conversationId: string): Promise<RelayedTurn | undefined>;
  /** Events after `afterId`, then live ones, ending after the final event, or when `signal` aborts. */
  events(taskId: string, afterId: number, signal?: AbortSignal): AsyncGenerator<RelayedEvent>;
  close(): Promise<void>;
}
