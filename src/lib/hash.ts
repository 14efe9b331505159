import { createHash } from "node:crypto";

/** Hex SHA-256 of a text or bytes: content hashes that decide whether a source changed. */
export function sha256(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}
