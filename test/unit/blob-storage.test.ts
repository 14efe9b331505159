import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../../src/lib/errors.js";
import {
  assertSafeKey,
  blobKey,
  createBlobStorage,
  isBlobNotFound,
  LocalDirectoryStorage,
} from "../../src/providers/storage/index.js";

const HELLO_SHA256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

describe("LocalDirectoryStorage", () => {
  let root: string;
  let storage: LocalDirectoryStorage;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "atrium-blobs-"));
    storage = new LocalDirectoryStorage(root);
  });

  it("stores a buffer and returns its size and SHA-256; get, stream and exists read it back", async () => {
    const stored = await storage.put("orgs/o1/documents/d1/hello.txt", Buffer.from("hello"));
    expect(stored).toEqual({ key: "orgs/o1/documents/d1/hello.txt", size: 5, sha256: HELLO_SHA256 });
    expect(readFileSync(join(root, "orgs/o1/documents/d1/hello.txt"), "utf8")).toBe("hello");
    expect((await storage.get(stored.key)).toString()).toBe("hello");
    expect(await text(await storage.stream(stored.key))).toBe("hello");
    expect(await storage.exists(stored.key)).toBe(true);
    expect(await storage.exists("orgs/o1")).toBe(false);
  });

  it("stores a stream, hashing while writing, and replaces an existing key atomically", async () => {
    await storage.put("a/file.bin", Buffer.from("old"));
    const stored = await storage.put("a/file.bin", Readable.from([Buffer.from("hel"), Buffer.from("lo")]));
    expect(stored).toMatchObject({ size: 5, sha256: HELLO_SHA256 });
    expect((await storage.get("a/file.bin")).toString()).toBe("hello");
    expect(readdirSync(join(root, ".tmp"))).toEqual([]);
  });

  it("leaves nothing behind when a stream fails or exceeds maxBytes, and keeps the previous version", async () => {
    await storage.put("a/file.bin", Buffer.from("previous"));
    const tooBig = Readable.from([Buffer.alloc(600), Buffer.alloc(600)]);
    await expect(storage.put("a/file.bin", tooBig, { maxBytes: 1000 })).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
    });
    const broken = new Readable({
      read() {
        this.destroy(new Error("client went away"));
      },
    });
    await expect(storage.put("a/other.bin", broken)).rejects.toThrow("client went away");
    expect((await storage.get("a/file.bin")).toString()).toBe("previous");
    expect(await storage.exists("a/other.bin")).toBe(false);
    expect(readdirSync(join(root, ".tmp"))).toEqual([]);
  });

  it("reports missing keys as NOT_FOUND and deletes idempotently", async () => {
    await expect(storage.get("missing/key")).rejects.toSatisfy(isBlobNotFound);
    await expect(storage.stream("missing/key")).rejects.toSatisfy(isBlobNotFound);
    await storage.put("x/y", Buffer.from("1"));
    await expect(storage.stream("x")).rejects.toSatisfy(isBlobNotFound);
    await storage.delete("x/y");
    await storage.delete("x/y");
    expect(await storage.exists("x/y")).toBe(false);
  });

  it.each([
    "../escape",
    "a/../../escape",
    "/etc/passwd",
    "a//b",
    "a/./b",
    ".tmp/x",
    "a\\b",
    "a/b\0c",
    "",
    "x".repeat(1025),
    "é/accents",
  ])("refuses the unsafe key %j", async (key) => {
    await expect(storage.put(key, Buffer.from("x"))).rejects.toMatchObject({ code: "VALIDATION" });
    await expect(storage.get(key)).rejects.toBeInstanceOf(AppError);
    expect(() => assertSafeKey(key)).toThrow(AppError);
  });
});

describe("blobKey and createBlobStorage", () => {
  it("builds safe keys from arbitrary names", () => {
    expect(blobKey("orgs", "o-1", "documents", "d1", "Q3 report (final).pdf")).toBe(
      "orgs/o-1/documents/d1/Q3_report__final_.pdf",
    );
    expect(blobKey("..", "../../etc/passwd")).toBe("_/_.._etc_passwd");
    expect(blobKey("x".repeat(300)).length).toBe(200);
  });

  it("defaults to <dataDir>/files", () => {
    const storage = createBlobStorage({ dataDir: "/srv/atrium" });
    expect(storage).toBeInstanceOf(LocalDirectoryStorage);
    expect((storage as LocalDirectoryStorage).root).toBe("/srv/atrium/files");
  });
});
