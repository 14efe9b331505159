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

/**
 * A request URL as it may be logged: the path, and the query's parameter names with their values
 * replaced. Query strings carry OAuth `code` and `state`, reset and invitation tokens, `?token=` on
 * streams and links — none of them may reach a log line.
 */
export function loggableUrl(url: string): string {
  const at = url.indexOf("?");
  if (at < 0) return url;
  const names = url
    .slice(at + 1)
    .split("&")
    .filter((pair) => pair.length > 0)
    .map((pair) => {
      const at = pair.indexOf("=");
      const name = at > 0 ? pair.slice(0, at) : "";
      // A name is echoed only when it is one (before an `=`) and looks like one; a bare `?value` may
      // itself be the secret.
      return `${/^[\w.[\]-]{1,64}$/.test(name) ? name : "_"}=[redacted]`;
    });
  return names.length > 0 ? `${url.slice(0, at)}?${names.join("&")}` : url.slice(0, at);
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Fastify's request serialiser (method, url, host, address) with the query's values redacted. */
export const serializers = {
  req(request: LoggedRequest) {
    return {
      method: request.method,
      url: typeof request.url === "string" ? loggableUrl(request.url) : undefined,
      host: request.host,
      remoteAddress: request.ip,
      remotePort: request.socket?.remotePort,
    };
  },
};

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: redactPaths, censor: "[redacted]" }, serializers };
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
