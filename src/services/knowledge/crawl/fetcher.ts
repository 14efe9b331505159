import { findCause } from "../../../lib/errors.js";
import { assertAllowedHost, blockedAddressIn, type NetworkPolicy } from "../../../lib/outbound/ssrf.js";
import type { CrawlFailureCode, FetchLike } from "./types.js";

export class FetchFailure extends Error {
  constructor(
    readonly code: CrawlFailureCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "FetchFailure";
  }
}

/** Thrown when the crawl itself was cancelled: it ends the crawl instead of failing one URL. */
export class CrawlAborted extends Error {
  constructor() {
    super("crawl aborted");
    this.name = "CrawlAborted";
  }
}

export interface FetcherOptions {
  fetch: FetchLike;
  timeoutMs: number;
  userAgent: string;
  /** `public`, or `private` with CRAWL_ALLOW_PRIVATE_NETWORKS (link-local stays refused). */
  policy: NetworkPolicy;
  signal?: AbortSignal | undefined;
}

export interface Fetched {
  response: Response;
  /** The request's own signal: reading the body stays under the same timeout. */
  signal: AbortSignal;
}

/** One HTTP request at a time, each with its own timeout, an SSRF check and a byte-limited body read. */
export class Fetcher {
  requests = 0;

  constructor(private readonly options: FetcherOptions) {}

  async get(url: string, accept: string): Promise<Fetched> {
    this.throwIfCrawlAborted();
    const signal = AbortSignal.any([
      AbortSignal.timeout(this.options.timeoutMs),
      ...(this.options.signal ? [this.options.signal] : []),
    ]);
    try {
      // Checked here for every fetch implementation; the default one also pins the checked address.
      await assertAllowedHost(new URL(url).hostname, this.options.policy);
      this.requests++;
      const request = this.options.fetch(url, {
        method: "GET",
        headers: { "user-agent": this.options.userAgent, accept },
        redirect: "manual",
        signal,
      });
      // Raced against the signal too: an injected fetch that ignores it must not hang the crawl (and a
      // response arriving after the timeout is released).
      request.then(
        (late) => {
          if (signal.aborted) void cancel(late);
        },
        () => undefined,
      );
      const response = await untilAborted(request, signal);
      return { response, signal };
    } catch (error) {
      throw this.translate(error, signal);
    }
  }

  /** Reads at most `maxBytes`: a larger Content-Length is refused unread, a longer stream is cut off. */
  async readBody(fetched: Fetched, maxBytes: number): Promise<Buffer> {
    const { response, signal } = fetched;
    const declared = Number(response.headers.get("content-length"));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await cancel(response);
      throw tooLarge(maxBytes);
    }
    if (!response.body) return Buffer.alloc(0);
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    // Cancelling the reader ends a pending read even when the body's source ignores the signal.
    const onAbort = () => void reader.cancel(signal.reason).catch(() => undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      if (signal.aborted) throw signal.reason;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > maxBytes) {
          await reader.cancel().catch(() => undefined);
          throw tooLarge(maxBytes);
        }
        chunks.push(value);
      }
      if (signal.aborted) throw signal.reason;
    } catch (error) {
      if (error instanceof FetchFailure) throw error;
      throw this.translate(error, signal);
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
    return Buffer.concat(chunks);
  }

  private throwIfCrawlAborted(): void {
    if (this.options.signal?.aborted) throw new CrawlAborted();
  }

  private translate(error: unknown, signal: AbortSignal): Error {
    if (error instanceof FetchFailure || error instanceof CrawlAborted) return error;
    if (this.options.signal?.aborted) return new CrawlAborted();
    if (signal.aborted) {
      return new FetchFailure("TIMEOUT", `no complete response within ${this.options.timeoutMs} ms`);
    }
    const blocked = blockedAddressIn(error);
    if (blocked) return new FetchFailure("BLOCKED_ADDRESS", blocked.message);
    const cause = findCause(error, (candidate) => typeof (candidate as { code?: unknown }).code === "string");
    const code = (cause as { code?: string } | undefined)?.code;
    const message = error instanceof Error ? error.message : String(error);
    return new FetchFailure("NETWORK", code ? `${code}: ${message}` : message);
  }
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

export async function cancel(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

function tooLarge(maxBytes: number): FetchFailure {
  return new FetchFailure("TOO_LARGE", `the response is larger than ${maxBytes} bytes`);
}
