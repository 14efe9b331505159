import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import { guardedLookup, type NetworkPolicy } from "./ssrf.js";

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export interface PinnedFetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  redirect: "manual";
  signal?: AbortSignal | undefined;
}

export type PinnedFetch = (url: string | URL, init: PinnedFetchInit) => Promise<Response>;

/**
 * A minimal fetch over node:http(s) for requests Atrium makes on a user's behalf (crawls, HTTP tools).
 * It never follows redirects (the caller checks each hop), asks for an uncompressed body (so byte
 * limits measure what is read, and no gzip bomb can hide behind them), and connects only to an address
 * its own DNS lookup has checked against `policy`. A host given as an IP address is not looked up:
 * callers check it first (`assertAllowedHost`).
 */
export function createPinnedFetch(options: { policy: NetworkPolicy }): PinnedFetch {
  const lookup = guardedLookup(options.policy);
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      const client = target.protocol === "https:" ? https : http;
      const headers: Record<string, string> = { ...init.headers, "accept-encoding": "identity" };
      if (init.body !== undefined) headers["content-length"] = String(Buffer.byteLength(init.body));
      const request = client.request(
        target,
        { method: init.method, headers, signal: init.signal, agent: false, lookup },
        (response) => {
          try {
            resolve(toResponse(response));
          } catch (error) {
            response.destroy();
            reject(error);
          }
        },
      );
      request.on("error", reject);
      request.end(init.body);
    });
}

/**
 * The pinned fetch behind the WHATWG signature, for libraries that take a `fetch` (the MCP client).
 * Redirects are returned, not followed: such a library follows them itself, through this fetch again.
 */
export function pinnedWebFetch(options: { policy: NetworkPolicy }) {
  const pinned = createPinnedFetch(options);
  return async (url: string | URL, init: RequestInit = {}): Promise<Response> => {
    const { body } = init;
    if (body !== undefined && body !== null && typeof body !== "string") {
      throw new TypeError("pinned fetch sends text bodies only");
    }
    return pinned(url, {
      method: init.method ?? "GET",
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body: body ?? undefined,
      redirect: "manual",
      signal: init.signal ?? undefined,
    });
  };
}

function toResponse(response: IncomingMessage): Response {
  const status = response.statusCode ?? 0;
  if (status < 200 || status > 599) throw new Error(`unsupported HTTP status ${status}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    try {
      for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
    } catch {
      // A header value a WHATWG Headers object refuses is dropped; the crawler reads only a few.
    }
  }
  if (NULL_BODY_STATUSES.has(status)) {
    response.resume();
    return new Response(null, { status, headers });
  }
  return new Response(Readable.toWeb(response) as ReadableStream<Uint8Array>, { status, headers });
}
