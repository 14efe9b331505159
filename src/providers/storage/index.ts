import { resolve } from "node:path";
import type { BlobStorage } from "./blob-storage.js";
import { LocalDirectoryStorage } from "./local-directory-storage.js";

export {
  assertSafeKey,
  type BlobStorage,
  blobKey,
  blobNotFound,
  isBlobNotFound,
  type PutOptions,
  type StoredBlob,
} from "./blob-storage.js";
export { LocalDirectoryStorage } from "./local-directory-storage.js";

/**
 * The storage chosen for this deployment: a local directory, `<dataDir>/files` unless `root` is given.
 * An S3 backend would be selected here from config (bucket, region, endpoint) without callers changing.
 */
export function createBlobStorage(options: { dataDir: string; root?: string | undefined }): BlobStorage {
  return new LocalDirectoryStorage(options.root ?? resolve(options.dataDir, "files"));
}
