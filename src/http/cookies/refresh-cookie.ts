import type { FastifyReply, FastifyRequest } from "fastify";
import type { TokenPair } from "../../services/auth/session-service.js";
import { clearCookie, readCookie, setCookie } from "./cookies.js";

/**
 * The web application's refresh token lives in this HttpOnly cookie, never in JavaScript: a script
 * injected into the page cannot read it, only use it while the page is open. Its path limits it to
 * the session routes (no other request carries it), and SameSite=Strict keeps other sites from
 * making the browser send it. See docs/adr/0005-web-application-stack.md.
 */
export const REFRESH_COOKIE = "atrium_refresh";
const options = { path: "/auth/session", sameSite: "Strict" as const };

/** What the web session routes answer: the pair without its refresh token (that went into the cookie). */
export type WebSession = Omit<TokenPair, "refreshToken">;

export function readRefreshCookie(request: FastifyRequest): string | undefined {
  const value = readCookie(request, REFRESH_COOKIE);
  return value && value.length <= 512 ? value : undefined;
}

/** Puts the pair's refresh token into the cookie and returns the rest for the body. */
export function sendRefreshCookie(request: FastifyRequest, reply: FastifyReply, pair: TokenPair): WebSession {
  const { refreshToken, ...session } = pair;
  const maxAgeSeconds = (Date.parse(pair.refreshExpiresAt) - Date.now()) / 1000;
  setCookie(request, reply, REFRESH_COOKIE, refreshToken, { ...options, maxAgeSeconds });
  return session;
}

export function clearRefreshCookie(request: FastifyRequest, reply: FastifyReply): void {
  clearCookie(request, reply, REFRESH_COOKIE, options);
}
