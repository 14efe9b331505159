import { APICallError } from "@ai-sdk/provider";
import { AppError } from "../../lib/errors.js";

/** The error a retry loop gave up on (the AI SDK's RetryError keeps it as `lastError`). */
function innermost(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    const last = (current as { lastError?: unknown } | null)?.lastError;
    if (last === undefined) break;
    current = last;
  }
  return current;
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === "AbortError";
}

/**
 * Turns a failed model call into an AppError the transports can answer with (UNAVAILABLE: the model
 * endpoint is an outside service). Aborts stay aborts, so a client disconnect is not reported as a
 * provider failure. Messages name the endpoint's status and reason, never the request headers (the key).
 */
export function modelCallError(error: unknown, model: string): Error {
  const cause = innermost(error);
  if (cause instanceof AppError) return cause;
  if (isAbort(cause)) return cause as Error;
  if (cause instanceof Error && cause.name === "TimeoutError") {
    return new AppError(
      "UNAVAILABLE",
      `Model ${model} did not answer in time`,
      { reason: "timeout" },
      { cause },
    );
  }
  if (APICallError.isInstance(cause)) {
    const status = cause.statusCode;
    const reason =
      status === 401 || status === 403
        ? "rejected the credentials (check LLM_API_KEY)"
        : status === 429
          ? "is rate limited or out of quota"
          : status === 404
            ? "does not know this model or path (check LLM_MODEL and LLM_BASE_URL)"
            : status !== undefined
              ? `failed with HTTP ${status}`
              : "could not be reached";
    const detail = cause.message.slice(0, 200);
    return new AppError(
      "UNAVAILABLE",
      `Model endpoint for ${model} ${reason}${detail ? `: ${detail}` : ""}`,
      { status: status ?? null, retryable: cause.isRetryable },
      { cause },
    );
  }
  const message = cause instanceof Error ? cause.message.slice(0, 200) : "unknown error";
  return new AppError("UNAVAILABLE", `Model ${model} failed: ${message}`, undefined, { cause });
}
