import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { AppError } from "./errors.js";

/**
 * Symmetric encryption for secrets Atrium must read back (tool credentials, PII redaction maps):
 * AES-256-GCM, so a tampered ciphertext fails to decrypt instead of yielding garbage. Keys are derived
 * from the app's auth secret with HKDF and a purpose label, so each use gets its own key and none of
 * them is the token-signing key itself.
 */

const VERSION = "v1";
const IV_BYTES = 12;

export type EncryptionKey = Buffer;

/** A 256-bit key for one purpose (e.g. "tool-secrets"), derived from the app secret. */
export function deriveKey(appSecret: string, purpose: string): EncryptionKey {
  if (!appSecret) throw new Error("deriveKey needs a non-empty secret");
  return Buffer.from(hkdfSync("sha256", appSecret, "atrium-encryption", `atrium:${purpose}`, 32));
}

/** `v1.<iv>.<tag>.<ciphertext>`, base64url parts: text-safe for JSON columns. */
export function encryptSecret(key: EncryptionKey, plain: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv, tag, body].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

/**
 * The plain text of `encryptSecret`'s output. A wrong key or a changed ciphertext is an INTERNAL
 * error whose message says only that (never the ciphertext).
 */
export function decryptSecret(key: EncryptionKey, sealed: string): string {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || body === undefined) {
    throw new AppError("INTERNAL", "A stored secret is not in a format Atrium can read");
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString(
      "utf8",
    );
  } catch (error) {
    throw new AppError(
      "INTERNAL",
      "A stored secret could not be decrypted (was AUTH_SECRET changed since it was saved?)",
      undefined,
      { cause: error },
    );
  }
}
