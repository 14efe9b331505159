/** An API error as the server sends it: `{ error: { code, message, requestId, details? } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "ApiError";
  }

  get refused(): boolean {
    return this.status === 403;
  }
}

interface ErrorEnvelope {
  error?: { code?: string; message?: string; requestId?: string; details?: Record<string, unknown> };
}

export function apiErrorOf(status: number, body: unknown): ApiError {
  const error = (body as ErrorEnvelope | undefined)?.error;
  return new ApiError(
    status,
    error?.code ?? "UNAVAILABLE",
    error?.message ?? `The server answered ${status}`,
    error?.requestId,
    error?.details,
  );
}

/** openapi-fetch's result as the data, or an ApiError thrown (for TanStack Query). */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok)
    throw apiErrorOf(result.response.status, result.error);
  return result.data as T;
}

/** Words for a person: what went wrong, and for a refusal, that they lack the right to do it. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return `Not allowed: ${error.message}`;
    return error.message;
  }
  if (error instanceof TypeError) return "Atrium cannot be reached. Check your connection and try again.";
  return error instanceof Error ? error.message : "Something went wrong";
}
