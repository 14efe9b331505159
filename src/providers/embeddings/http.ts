import { AppError } from "../../lib/errors.js";

export interface RetryPolicy {
  /** Attempts after the first one, for 429 and 5xx answers and network errors. */
  retries: number;
  /** First back-off; doubles each attempt (with jitter), capped by `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Time limit of one attempt. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 4,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  timeoutMs: 30_000,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The server's Retry-After wins (up to a minute); otherwise exponential with ±25 % jitter, capped. */
function backoff(policy: RetryPolicy, attempt: number, retryAfter: number | undefined): number {
  if (retryAfter !== undefined) return Math.min(60_000, retryAfter);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt * (0.75 + Math.random() * 0.5));
}

/**
 * POSTs JSON and returns the parsed answer, retrying 429/5xx (honouring Retry-After) and network errors
 * with exponential back-off. `service` names the provider in errors; headers (the API key) never appear
 * in an error message or log.
 */
export async function postJson(
  url: string,
  body: unknown,
  options: { service: string; headers?: Record<string, string>; policy?: RetryPolicy },
): Promise<unknown> {
  const policy = options.policy ?? DEFAULT_RETRY;
  let lastProblem = "";
  for (let attempt = 0; ; attempt++) {
    let retryAfter: number | undefined;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", ...options.headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      if (response.ok) return await response.json();
      const text = (await response.text().catch(() => "")).slice(0, 300);
      lastProblem = `HTTP ${response.status}${text ? `: ${text}` : ""}`;
      if (response.status !== 429 && response.status < 500) {
        throw new AppError("UNAVAILABLE", `${options.service} rejected the request (${lastProblem})`, {
          status: response.status,
        });
      }
      retryAfter = retryAfterMs(response.headers.get("retry-after"));
    } catch (error) {
      if (error instanceof AppError) throw error;
      const name = (error as Error).name;
      lastProblem =
        name === "TimeoutError" ? `no answer within ${policy.timeoutMs} ms` : (error as Error).message;
    }
    if (attempt >= policy.retries) {
      throw new AppError(
        "UNAVAILABLE",
        `${options.service} failed after ${attempt + 1} attempts (${lastProblem})`,
      );
    }
    await sleep(backoff(policy, attempt, retryAfter));
  }
}
