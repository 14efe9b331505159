import { AppError, type ErrorCode } from "../../../../lib/errors.js";

export const extractionErrorCodes = [
  "UNSUPPORTED_TYPE",
  "TYPE_MISMATCH",
  "ENCRYPTED",
  "TOO_LARGE",
  "ZIP_BOMB",
  "CORRUPT",
  "EMPTY",
  "OCR_UNAVAILABLE",
  "TIMEOUT",
] as const;

export type ExtractionErrorCode = (typeof extractionErrorCodes)[number];

/**
 * Why a file could not be read. `message` is written for the person who uploaded the file and is safe
 * to store on the document and show in the UI; library internals go to `cause` only.
 *
 * Every code is permanent (retrying the same bytes gives the same answer) except TIMEOUT, which a
 * pipeline may retry once on a less busy worker, and OCR_UNAVAILABLE, which clears when an operator
 * installs tesseract.
 */
export class ExtractionError extends Error {
  constructor(
    readonly code: ExtractionErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ExtractionError";
  }

  get retryable(): boolean {
    return this.code === "TIMEOUT";
  }

  /** For the job runner (src/jobs/runner.ts), which retries only errors that are not permanent. */
  get permanent(): boolean {
    return !this.retryable;
  }

  /** The platform-wide error for transports that report an extraction failure directly (e.g. a sync API). */
  toAppError(): AppError {
    const code: ErrorCode =
      this.code === "OCR_UNAVAILABLE"
        ? "UNAVAILABLE"
        : this.code === "TIMEOUT"
          ? "UNAVAILABLE"
          : "VALIDATION";
    return new AppError(code, this.message, { extractionCode: this.code }, { cause: this });
  }
}

export function isExtractionError(error: unknown): error is ExtractionError {
  return error instanceof ExtractionError;
}

/** Throws TIMEOUT when the signal fired because of the time budget; other aborts are rethrown as-is. */
export function throwIfAborted(signal: AbortSignal): void {
  if (!signal.aborted) return;
  const reason: unknown = signal.reason;
  if (isExtractionError(reason)) throw reason;
  throw new ExtractionError("TIMEOUT", "Reading the file was cancelled.", { cause: reason });
}
