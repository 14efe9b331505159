import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AppError } from "../../lib/errors.js";
import {
  assertSafeKey,
  type BlobStorage,
  blobNotFound,
  type PutOptions,
  type StoredBlob,
} from "./blob-storage.js";

/** Where unfinished writes live; keys cannot start with "." so no key can reach it. */
const TMP_DIR = ".tmp";

/**
 * Files under one root directory (default `<ATRIUM_DATA_DIR>/files`), one file per key. Writes go to a
 * temporary file in the same file system, are flushed, then renamed into place: readers see the old
 * object or the new one, never half of one, and a crash leaves only a stray file under `.tmp/`.
 * Metadata (`contentType`, `metadata`) is not persisted here; Atrium keeps it on the documents row.
 */
export class LocalDirectoryStorage implements BlobStorage {
  readonly kind = "local";
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The absolute path of a key, guaranteed to be inside the root. */
  pathFor(key: string): string {
    const path = resolve(this.root, ...assertSafeKey(key));
    if (!path.startsWith(this.root + sep)) throw new AppError("VALIDATION", "Invalid storage key", { key });
    return path;
  }

  async put(key: string, data: Buffer | Readable, options: PutOptions = {}): Promise<StoredBlob> {
    const path = this.pathFor(key);
    const tmpDir = join(this.root, TMP_DIR);
    await Promise.all([mkdir(dirname(path), { recursive: true }), mkdir(tmpDir, { recursive: true })]);
    const tmp = join(tmpDir, `${randomUUID()}.part`);
    try {
      const stored = Buffer.isBuffer(data)
        ? await this.writeBuffer(tmp, data, options.maxBytes)
        : await this.writeStream(tmp, data, options.maxBytes);
      await rename(tmp, path);
      return { key, ...stored };
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  private async writeBuffer(tmp: string, data: Buffer, maxBytes?: number) {
    if (maxBytes !== undefined && data.length > maxBytes) throw tooLarge(maxBytes);
    await writeFile(tmp, data, { flag: "wx", flush: true });
    return { size: data.length, sha256: createHash("sha256").update(data).digest("hex") };
  }

  private async writeStream(tmp: string, data: Readable, maxBytes?: number) {
    const hash = createHash("sha256");
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (maxBytes !== undefined && size > maxBytes) return callback(tooLarge(maxBytes));
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    await pipeline(data, meter, createWriteStream(tmp, { flags: "wx", flush: true }));
    return { size, sha256: hash.digest("hex") };
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathFor(key));
    } catch (error) {
      throw translate(error, key);
    }
  }

  async stream(key: string): Promise<Readable> {
    try {
      const handle = await open(this.pathFor(key), "r");
      if (!(await handle.stat()).isFile()) {
        await handle.close();
        throw blobNotFound(key);
      }
      return handle.createReadStream();
    } catch (error) {
      throw translate(error, key);
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathFor(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathFor(key))).isFile();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
  }
}

function tooLarge(maxBytes: number): AppError {
  return new AppError("PAYLOAD_TOO_LARGE", `The file is larger than ${maxBytes} bytes`, { maxBytes });
}

function translate(error: unknown, key: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "EISDIR" || code === "ENOTDIR" ? blobNotFound(key) : error;
}
