import type { FastifyReply, FastifyRequest } from "fastify";

/** The value of one cookie of the request (the first one of that name), or undefined. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const pair of header.split(";")) {
    const at = pair.indexOf("=");
    if (at < 0 || pair.slice(0, at).trim() !== name) continue;
    const value = pair.slice(at + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export interface CookieOptions {
  path: string;
  maxAgeSeconds: number;
  sameSite: "Strict" | "Lax";
}

/**
 * Secure unless the browser talks plain HTTP to us: a cookie marked Secure is dropped by browsers on
 * http://127.0.0.1, which is how `npm start` serves. Behind TLS (or a proxy that says so with
 * TRUST_PROXY) it is always Secure.
 */
function isSecure(request: FastifyRequest): boolean {
  return request.protocol === "https";
}

/** Appends a Set-Cookie header (HttpOnly always: these cookies are for the server alone). */
export function setCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  name: string,
  value: string,
  options: CookieOptions,
): void {
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${options.path}`,
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
    "HttpOnly",
    `SameSite=${options.sameSite}`,
  ];
  if (isSecure(request)) parts.push("Secure");
  const earlier = reply.getHeader("set-cookie");
  const list = earlier === undefined ? [] : [earlier].flat().map(String);
  reply.header("set-cookie", [...list, parts.join("; ")]);
}

export function clearCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  name: string,
  options: Omit<CookieOptions, "maxAgeSeconds">,
): void {
  setCookie(request, reply, name, "", { ...options, maxAgeSeconds: 0 });
}
