import { inflateRawSync } from "node:zlib";
import { ExtractionError } from "./errors.js";
import type { ZipLimits } from "./types.js";

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const ONE_MIB = 1024 * 1024;

function corrupt(detail: string): ExtractionError {
  return new ExtractionError("CORRUPT", `The file is not a valid Office document (${detail}).`);
}

function bomb(detail: string): ExtractionError {
  return new ExtractionError("ZIP_BOMB", `The file was refused because it would unpack to ${detail}.`);
}

/**
 * Reads a ZIP's central directory without inflating anything, so that an archive can be judged on
 * what it claims (entry count, total size, compression ratio) before any byte is decompressed.
 */
export function readCentralDirectory(data: Buffer): ZipEntry[] {
  const searchFrom = Math.max(0, data.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = data.length - 22; i >= searchFrom; i--) {
    if (data.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw corrupt("no ZIP directory");
  const count = data.readUInt16LE(eocd + 10);
  const size = data.readUInt32LE(eocd + 12);
  const offset = data.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === 0xffffffff) throw corrupt("ZIP64 archives are not supported");
  if (offset + size > eocd) throw corrupt("damaged ZIP directory");
  const entries: ZipEntry[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > data.length || data.readUInt32LE(at) !== CENTRAL) throw corrupt("damaged ZIP directory");
    const nameLength = data.readUInt16LE(at + 28);
    const extraLength = data.readUInt16LE(at + 30);
    const commentLength = data.readUInt16LE(at + 32);
    entries.push({
      flags: data.readUInt16LE(at + 8),
      method: data.readUInt16LE(at + 10),
      compressedSize: data.readUInt32LE(at + 20),
      uncompressedSize: data.readUInt32LE(at + 24),
      localHeaderOffset: data.readUInt32LE(at + 42),
      name: data.toString("utf8", at + 46, at + 46 + nameLength),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Refuses archives whose declared shape is dangerous: too many entries, too big, or too compressible. */
export function checkDeclaredSizes(entries: ZipEntry[], archiveBytes: number, limits: ZipLimits): void {
  if (entries.length > limits.maxEntries)
    bombOut(`${entries.length} files (the limit is ${limits.maxEntries})`);
  let total = 0;
  for (const entry of entries) {
    if (entry.flags & 0x1) {
      throw new ExtractionError("ENCRYPTED", "Password-protected archives are not supported.");
    }
    if (entry.method !== 0 && entry.method !== 8) throw corrupt(`unsupported compression in ${entry.name}`);
    total += entry.uncompressedSize;
    const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
    if (entry.uncompressedSize > ONE_MIB && ratio > limits.maxRatio) {
      bombOut(`${Math.round(ratio)} times its compressed size (${entry.name})`);
    }
  }
  if (total > limits.maxUncompressedBytes)
    bombOut(`${formatBytes(total)} (the limit is ${formatBytes(limits.maxUncompressedBytes)})`);
  if (total > ONE_MIB && total / Math.max(archiveBytes, 1) > limits.maxRatio) {
    bombOut(`${Math.round(total / archiveBytes)} times its size`);
  }
}

function bombOut(detail: string): never {
  throw bomb(detail);
}

function formatBytes(bytes: number): string {
  return `${(bytes / ONE_MIB).toFixed(1)} MiB`;
}

/**
 * Inflates one entry, never producing more than the size its directory entry declared: a lying
 * header (small declared, huge actual) is caught by zlib's output cap instead of exhausting memory.
 */
export function readEntry(data: Buffer, entry: ZipEntry): Buffer {
  const at = entry.localHeaderOffset;
  if (at + 30 > data.length || data.readUInt32LE(at) !== LOCAL) throw corrupt(`damaged entry ${entry.name}`);
  const start = at + 30 + data.readUInt16LE(at + 26) + data.readUInt16LE(at + 28);
  const end = start + entry.compressedSize;
  if (end > data.length) throw corrupt(`truncated entry ${entry.name}`);
  const compressed = data.subarray(start, end);
  if (entry.method === 0) {
    if (compressed.length !== entry.uncompressedSize) throw corrupt(`damaged entry ${entry.name}`);
    return compressed;
  }
  try {
    const out = inflateRawSync(compressed, { maxOutputLength: Math.max(entry.uncompressedSize, 1) });
    if (out.length !== entry.uncompressedSize) throw corrupt(`damaged entry ${entry.name}`);
    return out;
  } catch (error) {
    if (error instanceof ExtractionError) throw error;
    if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw bomb(`more than it declares (${entry.name})`);
    }
    throw corrupt(`damaged entry ${entry.name}`);
  }
}

/**
 * Opens an archive safely: checks the declared sizes, then inflates every entry under its declared cap,
 * so that a library handed the same bytes afterwards cannot be made to inflate more than was checked.
 */
export function inspectZip(data: Buffer, limits: ZipLimits): Map<string, ZipEntry> {
  const entries = readCentralDirectory(data);
  checkDeclaredSizes(entries, data.length, limits);
  const byName = new Map<string, ZipEntry>();
  for (const entry of entries) {
    if (!entry.name.endsWith("/")) readEntry(data, entry);
    byName.set(entry.name, entry);
  }
  return byName;
}
