import type { Logger } from "./logger.js";

/**
 * Logs an outside service's outage once: a warning at the first failure of a streak, an info line at
 * the first success after it. Callers that fail on every request (a cache, a relay, an exporter) stay
 * quiet in between.
 */
export class OutageLog {
  private down = false;

  constructor(
    private readonly logger: Logger,
    private readonly messages: { down: string; up: string },
  ) {}

  failed(fields: Record<string, unknown>): void {
    if (this.down) return;
    this.down = true;
    this.logger.warn(fields, this.messages.down);
  }

  succeeded(fields: Record<string, unknown> = {}): void {
    if (!this.down) return;
    this.down = false;
    this.logger.info(fields, this.messages.up);
  }
}
