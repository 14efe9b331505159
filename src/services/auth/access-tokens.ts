import { errors, jwtVerify, SignJWT } from "jose";
import { LRUCache } from "lru-cache";
import { AppError } from "../../lib/errors.js";

export interface AccessClaims {
  userId: string;
  orgId: string;
  tokenVersion: number;
  sessionId: string;
}

const ISSUER = "atrium";
const AUDIENCE = "atrium-api";

/**
 * Short-lived HS256 access tokens; revocation is by tokenVersion and session, checked on every request.
 * A verified token's claims are remembered until it expires, so a client's repeated requests skip the
 * HMAC; revocation is unaffected because it never depended on the signature check.
 */
export function createAccessTokens(secret: string, ttlSeconds: number) {
  const key = new TextEncoder().encode(secret);
  const verified = new LRUCache<string, { claims: AccessClaims; expiresAt: number }>({ max: 10_000 });
  return {
    ttlSeconds,
    async sign(claims: AccessClaims): Promise<string> {
      return new SignJWT({ org: claims.orgId, tv: claims.tokenVersion, sid: claims.sessionId })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(claims.userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
    },
    async verify(token: string): Promise<AccessClaims> {
      const known = verified.get(token);
      if (known) {
        if (known.expiresAt > Date.now()) return known.claims;
        verified.delete(token);
      }
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: ["HS256"],
        });
        const { sub, org, tv, sid } = payload as {
          sub?: unknown;
          org?: unknown;
          tv?: unknown;
          sid?: unknown;
        };
        if (
          typeof sub !== "string" ||
          typeof org !== "string" ||
          typeof tv !== "number" ||
          typeof sid !== "string"
        ) {
          throw new AppError("UNAUTHORIZED", "The access token is not valid");
        }
        const claims = { userId: sub, orgId: org, tokenVersion: tv, sessionId: sid };
        if (typeof payload.exp === "number") verified.set(token, { claims, expiresAt: payload.exp * 1000 });
        return claims;
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (error instanceof errors.JWTExpired)
          throw new AppError("UNAUTHORIZED", "The access token has expired");
        throw new AppError("UNAUTHORIZED", "The access token is not valid");
      }
    },
  };
}

export type AccessTokens = ReturnType<typeof createAccessTokens>;
