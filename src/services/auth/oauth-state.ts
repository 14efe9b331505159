import { jwtVerify, SignJWT } from "jose";
import { AppError } from "../../lib/errors.js";

export type OAuthProviderName = "github" | "google";

export interface OAuthState {
  provider: OAuthProviderName;
  /** The value the starting browser holds in its binding cookie; the callback must present it. */
  nonce: string;
  /** Slug of the organisation the sign-in is for, when the client named one. */
  organization?: string | undefined;
  /**
   * The web application's page to return to (a path on this server). Its presence makes the callback
   * answer the browser with a session cookie and a redirect instead of a JSON token pair.
   */
  returnTo?: string | undefined;
}

const ISSUER = "atrium";
// Its own audience, so a state value can never pass as an access token (or the reverse).
const AUDIENCE = "atrium-oauth-state";
export const OAUTH_STATE_TTL_SECONDS = 600;

const invalidState = () =>
  new AppError("UNAUTHORIZED", "The sign-in attempt is not valid or has expired; start again");

/** How a sign-in is bound to the browser that starts it, and where the web application returns. */
export interface OAuthBinding {
  /** Also set in the starting browser's cookie; a callback without it is refused. */
  nonce: string;
  returnTo?: string | undefined;
}

/** The OAuth `state`: a short-lived HS256 JWT binding provider, browser nonce and organisation. */
export function createOAuthStates(secret: string, ttlSeconds = OAUTH_STATE_TTL_SECONDS) {
  const key = new TextEncoder().encode(secret);
  return {
    async sign(
      provider: OAuthProviderName,
      organization: string | undefined,
      binding: OAuthBinding,
    ): Promise<string> {
      return new SignJWT({
        p: provider,
        n: binding.nonce,
        ...(organization ? { o: organization } : {}),
        ...(binding.returnTo ? { r: binding.returnTo } : {}),
      })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
    },

    async verify(state: string, provider: OAuthProviderName): Promise<OAuthState> {
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(state, key, {
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: ["HS256"],
        }));
      } catch {
        throw invalidState();
      }
      const { p, n, o, r } = payload;
      const optionalString = (v: unknown) => v === undefined || typeof v === "string";
      if (p !== provider || typeof n !== "string" || !optionalString(o) || !optionalString(r)) {
        throw invalidState();
      }
      return { provider, nonce: n, organization: o as string | undefined, returnTo: r as string | undefined };
    },
  };
}

export type OAuthStates = ReturnType<typeof createOAuthStates>;
