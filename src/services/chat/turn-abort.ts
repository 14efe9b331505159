/**
 * Why a turn's signal was aborted: the client went away, or a time limit passed. The reason object
 * travels as `AbortSignal.reason`, so the failure stage can tell a timeout from a cancellation.
 */
export class TurnAbort extends Error {
  constructor(
    public readonly kind: "cancelled" | "timeout",
    message: string,
  ) {
    super(message);
    this.name = "TurnAbort";
  }
}

/** One controller for the turn, aborted by the caller's signal, the turn timeout or a step timeout. */
export class TurnSignal {
  private readonly controller = new AbortController();
  private readonly turnTimer: NodeJS.Timeout;
  private stepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limits: { turnTimeoutMs: number; stepTimeoutMs: number },
    external?: AbortSignal,
  ) {
    this.turnTimer = setTimeout(
      () =>
        this.abort(new TurnAbort("timeout", `The answer took longer than ${seconds(limits.turnTimeoutMs)}`)),
      limits.turnTimeoutMs,
    );
    if (external?.aborted) this.abort(new TurnAbort("cancelled", "The request was cancelled"));
    external?.addEventListener(
      "abort",
      () => this.abort(new TurnAbort("cancelled", "The request was cancelled")),
      { once: true },
    );
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops the turn on request (the person pressed stop); recorded as cancelled. */
  stop(): void {
    this.abort(new TurnAbort("cancelled", "The answer was stopped"));
  }

  /** Starts (or restarts) the time limit of one model step. */
  startStep(): void {
    this.endStep();
    this.stepTimer = setTimeout(
      () =>
        this.abort(
          new TurnAbort("timeout", `A model step took longer than ${seconds(this.limits.stepTimeoutMs)}`),
        ),
      this.limits.stepTimeoutMs,
    );
  }

  endStep(): void {
    if (this.stepTimer) clearTimeout(this.stepTimer);
    this.stepTimer = undefined;
  }

  /** The abort reason when the turn was stopped, else undefined. */
  get reason(): TurnAbort | undefined {
    const reason: unknown = this.controller.signal.reason;
    return this.controller.signal.aborted && reason instanceof TurnAbort ? reason : undefined;
  }

  private abort(reason: TurnAbort): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  dispose(): void {
    clearTimeout(this.turnTimer);
    this.endStep();
  }
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}
