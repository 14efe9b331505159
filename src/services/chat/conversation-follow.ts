import type { TurnRelay } from "../../providers/events/turn-relay.js";
import type { NumberedTurnEvent } from "./turn-events.js";
import type { TurnHub } from "./turn-hub.js";

/** How often a follower looks for a conversation's next turn on other replicas (through the relay). */
export const FOLLOW_RECHECK_MS = 1_000;

export interface TurnSource {
  hub: TurnHub;
  relay?: TurnRelay | undefined;
}

interface FoundTurn {
  taskId: string;
  conversationId: string;
}

/**
 * A turn of the conversation, by task id or its newest ("latest"): this process's turns first; the
 * relay knows the turns of every process (this one's too, so its answer to "latest" wins: the newest
 * turn may run elsewhere). Undefined when none is running or kept, or it belongs elsewhere.
 */
export async function findTurn(
  source: TurnSource,
  conversationId: string,
  taskId: string | "latest",
): Promise<FoundTurn | undefined> {
  const { hub, relay } = source;
  const here = taskId === "latest" ? hub.latest(conversationId) : hub.find(taskId);
  const relayed =
    relay && (taskId === "latest" || !here)
      ? await (taskId === "latest" ? relay.latest(conversationId) : relay.find(taskId))
      : undefined;
  const turn = relayed ?? here;
  return turn?.conversationId === conversationId ? turn : undefined;
}

/** A found turn's events after `afterId`: from this process's hub when it is here, else the relay. */
export function eventsOf(
  source: TurnSource,
  taskId: string,
  afterId: number,
  signal?: AbortSignal,
): AsyncGenerator<NumberedTurnEvent> {
  return source.hub.find(taskId)
    ? source.hub.events(taskId, afterId, signal)
    : (source.relay!.events(taskId, afterId, signal) as AsyncGenerator<NumberedTurnEvent>);
}

/**
 * Follows a conversation rather than one turn: the turn to resume (or the newest kept), then every
 * turn that opens after it — a reply an approver decided, a colleague's reply during a handoff, the
 * next answer — until `signal` aborts. New turns of this process wake the follower at once; those of
 * other replicas are found through the relay within `recheckMs`.
 */
export async function* followConversation(
  source: TurnSource,
  conversationId: string,
  start: { taskId?: string | undefined; after: number },
  signal: AbortSignal,
  recheckMs = FOLLOW_RECHECK_MS,
): AsyncGenerator<{ taskId: string; event: NumberedTurnEvent }> {
  const followed = new Set<string>();
  let wanted: string | "latest" = start.taskId ?? "latest";
  let after = start.after;
  let known: string | undefined;
  while (!signal.aborted) {
    // A newer turn of this process first: the relay's pointer may lag behind its publishing.
    const here = wanted === "latest" ? source.hub.latest(conversationId) : undefined;
    const turn = here && !followed.has(here.taskId) ? here : await findTurn(source, conversationId, wanted);
    wanted = "latest";
    if (turn && !followed.has(turn.taskId)) {
      followed.add(turn.taskId);
      known = turn.taskId;
      for await (const event of eventsOf(source, turn.taskId, after, signal)) {
        yield { taskId: turn.taskId, event };
      }
      after = 0;
      continue;
    }
    after = 0;
    await source.hub.waitForTurn(conversationId, known ?? turn?.taskId, recheckMs, signal);
  }
}
