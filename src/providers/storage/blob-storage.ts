import type { Readable } from "node:stream";
import { AppError } from "../../lib/errors.js";

export interface PutOptions {
  /** Stored with the object where the backend supports it (S3 Content-Type); informative otherwise. */
  contentType?: string | undefined;
  /** Small string metadata (S3 user metadata, `x-amz-meta-*`); informative for the local backend. */
  metadata?: Record<string, string> | undefined;
  /** Refuse (and leave nothing behind) when a stream turns out larger than this. */
  maxBytes?: number | undefined;
}

export interface StoredBlob {
  key: string;
  size: number;
  /** Hex SHA-256 of the bytes written, computed while writing. */
  sha256: string;
}

/**
 * Keeps original files (uploads, crawled pages, generated documents) by key.
 *
 * The contract is chosen so that an S3-compatible backend (AWS S3, MinIO, R2…) is a drop-in:
 * - keys are relative, "/"-separated, limited to [A-Za-z0-9._-] segments not starting with "." and at most
 *   1024 bytes (valid S3 keys and valid relative paths alike; see `assertSafeKey`);
 * - `put` is all-or-nothing and last-writer-wins (a local temp-file-and-rename; S3 PutObject or a
 *   multipart upload completed at the end), and returns size and SHA-256 computed while streaming
 *   (S3 would use ChecksumAlgorithm SHA256 or hash client-side);
 * - there is no listing, rename or append, which object stores do badly;
 * - a missing key is an AppError NOT_FOUND from `get` and `stream`; `delete` of a missing key succeeds.
 */
export interface BlobStorage {
  readonly kind: string;
  put(key: string, data: Buffer | Readable, options?: PutOptions): Promise<StoredBlob>;
  get(key: string): Promise<Buffer>;
  /** Opens the object for reading; resolves once it is known to exist (so NOT_FOUND is not a stream error). */
  stream(key: string): Promise<Readable>;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const MAX_KEY_BYTES = 1024;
const MAX_SEGMENT_BYTES = 255;

/** Throws VALIDATION unless the key is safe as both an S3 key and a path under a root directory. */
export function assertSafeKey(key: string): string[] {
  const segments = typeof key === "string" ? key.split("/") : [];
  const valid =
    segments.length > 0 &&
    Buffer.byteLength(key) <= MAX_KEY_BYTES &&
    segments.every((segment) => SEGMENT.test(segment) && segment.length <= MAX_SEGMENT_BYTES);
  if (!valid) {
    throw new AppError("VALIDATION", "Invalid storage key", {
      key: String(key).slice(0, 200),
      rule: "relative, '/'-separated segments of [A-Za-z0-9._-], not starting with '.', at most 1024 bytes",
    });
  }
  return segments;
}

/**
 * Builds a safe key from arbitrary parts (ids, an uploaded file name): every character outside
 * [A-Za-z0-9._-] becomes "_", leading dots are removed and each part is kept under 200 characters,
 * e.g. blobKey("orgs", orgId, "documents", docId, "Q3 report (final).pdf").
 */
export function blobKey(...parts: string[]): string {
  if (parts.length === 0) throw new AppError("VALIDATION", "A storage key needs at least one part");
  const key = parts
    .map((part) => {
      const safe = part.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "");
      const clipped = safe.length > 200 ? `${safe.slice(0, 100)}_${safe.slice(-99)}` : safe;
      return clipped || "_";
    })
    .join("/");
  assertSafeKey(key);
  return key;
}

export function blobNotFound(key: string): AppError {
  return new AppError("NOT_FOUND", "Stored file was not found", { key });
}

export function isBlobNotFound(error: unknown): boolean {
  return error instanceof AppError && error.code === "NOT_FOUND";
}
