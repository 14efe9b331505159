import type { FastifyReply, FastifyRequest } from "fastify";

/** A comment line every so often keeps proxies and load balancers from closing an idle stream. */
export const SSE_HEARTBEAT_MS = 15_000;

export function wantsEventStream(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? "";
  return accept.split(",").some((type) => type.trim().toLowerCase().startsWith("text/event-stream"));
}

/**
 * Aborts `controller` when the client goes away before the response has been sent completely, so a
 * closed tab stops the model call instead of paying for an answer nobody reads.
 */
export function abortOnDisconnect(reply: FastifyReply, controller: AbortController): void {
  reply.raw.on("close", () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
}

/** Server-Sent Events on a hijacked reply: `id:`, `event:`, `data:` (JSON), heartbeats, end. */
export class SseWriter {
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly reply: FastifyReply,
    headers: Record<string, string> = {},
  ) {
    // Headers set on the reply so far (CORS, helmet, request id) would be lost by hijacking.
    const earlier = reply.getHeaders() as Record<string, string | string[] | number>;
    reply.hijack();
    reply.raw.writeHead(200, {
      ...earlier,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
      "x-request-id": String(reply.request.id),
      ...headers,
    });
    reply.raw.write(": stream open\n\n");
    this.heartbeat = setInterval(() => this.write(": heartbeat\n\n"), SSE_HEARTBEAT_MS);
    this.heartbeat.unref();
    reply.raw.on("close", () => this.stop());
  }

  /** One event; `data` is sent as JSON (or as is when it is a string, e.g. `[DONE]`). */
  send(event: { id?: string | undefined; event?: string | undefined; data: unknown }): void {
    const lines: string[] = [];
    if (event.id !== undefined) lines.push(`id: ${event.id}`);
    if (event.event !== undefined) lines.push(`event: ${event.event}`);
    const data = typeof event.data === "string" ? event.data : JSON.stringify(event.data);
    for (const line of data.split("\n")) lines.push(`data: ${line}`);
    this.write(`${lines.join("\n")}\n\n`);
  }

  end(): void {
    this.stop();
    if (!this.reply.raw.writableEnded) this.reply.raw.end();
  }

  private write(chunk: string): void {
    if (this.closed || this.reply.raw.writableEnded) return;
    this.reply.raw.write(chunk);
  }

  private stop(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
  }
}
