import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import { guardedLookup } from "./ssrf.js";
import type { FetchLike } from "./types.js";

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * A minimal fetch over node:http(s) for the crawler. It never follows redirects, asks for an
 * uncompressed body (so byte limits measure what is parsed, and no gzip bomb can hide behind them), and,
 * unless private networks are allowed, connects only to an address its own DNS lookup has checked.
 */
export function createHttpFetch(options: { allowPrivateNetworks: boolean }): FetchLike {
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      const client = target.protocol === "https:" ? https : http;
      const request = client.request(
        target,
        {
          method: init.method,
          headers: { ...init.headers, "accept-encoding": "identity" },
          signal: init.signal,
          agent: false,
          ...(options.allowPrivateNetworks ? {} : { lookup: guardedLookup }),
        },
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
      request.end();
    });
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
