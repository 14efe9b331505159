import type { FastifyReply, FastifyRequest } from "fastify";
import { OAUTH_STATE_TTL_SECONDS } from "../../services/auth/oauth-state.js";
import { clearCookie, readCookie, setCookie } from "./cookies.js";

/**
 * Binds a web sign-in with GitHub or Google to the browser that started it: the state carries a nonce
 * and this cookie holds the same nonce, so a callback link made in someone else's browser cannot sign
 * this browser into their account (login CSRF). SameSite=Lax: the provider sends the browser back with
 * a top-level navigation from its own site.
 */
export const OAUTH_COOKIE = "atrium_oauth";
const options = { path: "/auth/oauth", sameSite: "Lax" as const };

export function setOAuthCookie(request: FastifyRequest, reply: FastifyReply, nonce: string): void {
  setCookie(request, reply, OAUTH_COOKIE, nonce, { ...options, maxAgeSeconds: OAUTH_STATE_TTL_SECONDS });
}

export function readOAuthCookie(request: FastifyRequest): string | undefined {
  return readCookie(request, OAUTH_COOKIE);
}

export function clearOAuthCookie(request: FastifyRequest, reply: FastifyReply): void {
  clearCookie(request, reply, OAUTH_COOKIE, options);
}
