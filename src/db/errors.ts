import { AppError } from "../lib/errors.js";

interface PgErrorLike {
  code: string;
  constraint?: string;
  detail?: string;
  table?: string;
  column?: string;
  message: string;
}

/** Drizzle wraps driver errors (DrizzleQueryError.cause); walk the chain to the Postgres error. */
export function findPgError(error: unknown): PgErrorLike | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const candidate = current as Partial<PgErrorLike> & { cause?: unknown };
    if (typeof candidate.code === "string" && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      return candidate as PgErrorLike;
    }
    current = candidate.cause;
  }
  return undefined;
}

/**
 * Turns constraint and data errors into AppErrors a client can act on. The constraint name is
 * reported (it names the rule broken) but not the row values, which may be personal data.
 */
export function translateDbError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const pgError = findPgError(error);
  if (!pgError) return error;
  const details = pgError.constraint ? { constraint: pgError.constraint } : undefined;
  switch (pgError.code) {
    case "23505":
      return new AppError("CONFLICT", "A record with the same unique value already exists", details, {
        cause: error,
      });
    case "23503":
      return /still referenced/.test(pgError.detail ?? pgError.message)
        ? new AppError("CONFLICT", "The record is still referenced by other records", details, {
            cause: error,
          })
        : new AppError("VALIDATION", "A referenced record does not exist", details, { cause: error });
    case "23502":
      return new AppError(
        "VALIDATION",
        `A required value is missing${pgError.column ? `: ${pgError.column}` : ""}`,
        details,
        { cause: error },
      );
    case "23514":
    case "23P01":
      return new AppError("VALIDATION", "A value breaks a data rule", details, { cause: error });
    case "22001":
      return new AppError("VALIDATION", "A value is too long", details, { cause: error });
    case "22021": // character_not_in_repertoire: a NUL byte in text
    case "22P05": // untranslatable_character: \u0000 inside jsonb
      return new AppError("VALIDATION", "A value contains a character that cannot be stored", details, {
        cause: error,
      });
    case "22P02":
    case "22007":
    case "22008":
    case "22003":
    case "22023":
      return new AppError("VALIDATION", "A value has an invalid format", details, { cause: error });
    case "40001":
    case "40P01":
      return new AppError("CONFLICT", "The change collided with a concurrent change; retry it", details, {
        cause: error,
      });
    case "54000":
    case "54001":
      return new AppError("VALIDATION", "A value is too large or too deeply nested", undefined, {
        cause: error,
      });
    case "57014":
      return new AppError("UNAVAILABLE", "The query took too long and was cancelled", undefined, {
        cause: error,
      });
    default:
      return error;
  }
}

/** Runs a query and rethrows database errors as AppErrors. */
export async function guarded<T>(run: () => PromiseLike<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw translateDbError(error);
  }
}
