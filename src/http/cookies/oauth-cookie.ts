import type { FastifyReply, FastifyRequest } from "fastify";
import { OAUTH_STATE_TTL_SECONDS } from "../../services/auth/oauth-state.js";
import { clearCookie, readCookie, setCookie } from "./cookies.js";

/**
 * Binds every sign-in with GitHub or Google to the browser that started it: the state carries a nonce
 * and this cookie holds the same nonce, so a callback link made in someone else's browser cannot sign
 * this browser into their account (login CSRF), and a state that leaked (logs, referrers) is useless
 * elsewhere. The web application's sign-in (`returnTo`) and an API client's have their own cookie, so
 * the callback knows which answer (redirect or JSON) a failure gets even when the state does not verify.
 * SameSite=Lax: the provider sends the browser back with a top-level navigation from its own site.
 */
export const OAUTH_COOKIE = "atrium_oauth";
export const OAUTH_API_COOKIE = "atrium_oauth_api";
const options = { path: "/auth/oauth", sameSite: "Lax" as const };
const nameFor = (web: boolean) => (web ? OAUTH_COOKIE : OAUTH_API_COOKIE);

export function setOAuthCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  nonce: string,
  web: boolean,
): void {
  setCookie(request, reply, nameFor(web), nonce, { ...options, maxAgeSeconds: OAUTH_STATE_TTL_SECONDS });
}

export function readOAuthCookie(request: FastifyRequest, web: boolean): string | undefined {
  return readCookie(request, nameFor(web));
}

export function clearOAuthCookie(request: FastifyRequest, reply: FastifyReply, web: boolean): void {
  clearCookie(request, reply, nameFor(web), options);
}
