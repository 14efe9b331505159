import { type Logger, pino } from "pino";

export type { Logger };

/** Paths that must never reach a log line. */
export const redactPaths = [
  "password",
  "*.password",
  "passwordHash",
  "*.passwordHash",
  "token",
  "*.token",
  "refreshToken",
  "*.refreshToken",
  "apiKey",
  "*.apiKey",
  "req.headers.authorization",
  "req.headers.cookie",
  "req.headers['x-api-key']",
  "res.headers['set-cookie']",
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: redactPaths, censor: "[redacted]" } };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}

/**
 * Removes credentials from a connection string before it is logged or shown; `dropQuery` also drops
 * the query string, for endpoints whose keys may travel there (`?api_key=`).
 */
export function redactUrl(url: string, options: { dropQuery?: boolean } = {}): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    if (options.dropQuery) parsed.search = "";
    return parsed.toString();
  } catch {
    return "[unparseable url]";
  }
}
