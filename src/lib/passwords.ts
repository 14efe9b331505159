import { hash, verify } from "@node-rs/argon2";

/**
 * Passwords are compared in one Unicode form (NFKC): "é" typed as one letter or as "e" + accent, or
 * full-width letters from an East Asian keyboard, are the same password. Already-normal passwords are
 * unchanged by it, so their hashes made before normalisation keep working.
 */
export function normalizePassword(password: string): string {
  return password.normalize("NFKC");
}

/** Whether two passwords are the same once normalised. */
export function samePassword(a: string, b: string): boolean {
  return normalizePassword(a) === normalizePassword(b);
}

/** argon2id with the library's defaults (OWASP-recommended memory and time costs). */
export function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password));
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, normalizePassword(password));
  } catch {
    return false;
  }
}
