/** The closed set of error codes every layer speaks; HTTP maps each to one status. */
export const errorCodes = {
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  UNAUTHORIZED: 401,
  CONFLICT: 409,
  VALIDATION: 400,
  /** The client waited too long to send its request (the HTTP server's own timeout). */
  REQUEST_TIMEOUT: 408,
  /** A body (or an uploaded file) over its limit: not worth retrying as is, unlike LIMIT_EXCEEDED. */
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  LIMIT_EXCEEDED: 429,
  /** The request's headers exceed the HTTP server's limit. */
  HEADERS_TOO_LARGE: 431,
  PRECONDITION_FAILED: 412,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "AppError";
  }

  get status(): number {
    return errorCodes[this.code];
  }

  static notFound(entity: string, id?: string): AppError {
    return new AppError("NOT_FOUND", id ? `${entity} ${id} was not found` : `${entity} was not found`);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** Walks `error.cause` (fetch implementations wrap socket errors) to the first matching error. */
export function findCause(error: unknown, match: (candidate: unknown) => boolean): Error | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (match(current)) return current as Error;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
