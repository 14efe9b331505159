import { createHmac } from "node:crypto";

/**
 * What an attacker can build without the server's key: JWTs with any header, claims and signature,
 * assembled by hand (not through jose, whose checks would refuse the interesting ones).
 */

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The claims of a token (no verification), as anyone holding it can read them. */
export function claimsOf(token: string): Record<string, unknown> {
  const [, payload] = token.split(".");
  return JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

export function headerOf(token: string): Record<string, unknown> {
  const [header] = token.split(".");
  return JSON.parse(Buffer.from(header ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

/** A JWT signed with HMAC-SHA<bits> under `key` (any key, the empty one included). */
export function hmacJwt(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  key: string | Buffer,
  bits: 256 | 384 | 512 = 256,
): string {
  const input = `${part(header)}.${part(claims)}`;
  const signature = createHmac(`sha${bits}`, key).update(input).digest("base64url");
  return `${input}.${signature}`;
}

/** An unsigned token (`alg: none` and friends): header, claims and the given (usually empty) signature. */
export function unsignedJwt(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  signature = "",
) {
  return `${part(header)}.${part(claims)}.${signature}`;
}

/** The same token with one character of its signature changed. */
export function tamperSignature(token: string): string {
  const last = token.at(-2) === "A" ? "B" : "A";
  return `${token.slice(0, -2)}${last}${token.at(-1)}`;
}

/** The same token with its claims replaced, keeping the original header and signature. */
export function swapClaims(token: string, claims: Record<string, unknown>): string {
  const [header, , signature] = token.split(".");
  return `${header}.${part(claims)}.${signature}`;
}

/** Keys a careless deployment might sign with. */
export const GUESSABLE_KEYS = ["", "secret", "atrium", "changeme", "AUTH_SECRET", "password", "jwt-secret"];
