import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A random, URL-safe bearer secret (refresh tokens, invitation and reset links, API keys). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/**
 * Secrets are stored only as SHA-256 digests: they are high-entropy random values, so a fast hash is
 * enough, and a database leak does not leak usable tokens.
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
