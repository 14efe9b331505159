import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { resolve } from "node:path";

/**
 * PGlite is PostgreSQL in one process: two processes opening the same data folder would each believe
 * they own it and corrupt it. The first process to open a folder writes `<folder>.lock` (created
 * exclusively, so two starting at once cannot both win) with its pid; another process is refused with
 * a message naming the holder. A lock whose process is gone (a crash, a killed container) is stale and
 * taken over.
 */

export class DataDirInUseError extends Error {
  readonly code = "DATA_DIR_IN_USE";
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `The embedded database in ${dataDir} is open in another Atrium process (pid ${holder.pid}, ` +
        `"${holder.command}", since ${holder.since}). PGlite serves one process at a time: stop that ` +
        `process first, or talk to it over HTTP.`,
    );
    this.name = "DataDirInUseError";
  }
}

interface LockHolder {
  pid: number;
  command: string;
  since: string;
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/** Lock files this process holds: a second open in the same process is refused as well. */
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false; // our pid in a lock we do not hold: a restarted container
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // alive, someone else's
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<LockHolder>;
    return typeof parsed.pid === "number" && Number.isInteger(parsed.pid) && parsed.pid > 0
      ? { pid: parsed.pid, command: String(parsed.command ?? "?"), since: String(parsed.since ?? "?") }
      : undefined;
  } catch {
    return undefined; // unreadable or half-written: treated as stale
  }
}

function commandLine(): string {
  return process.argv
    .slice(1)
    .map((arg) => arg.replace(/^.*\//, ""))
    .join(" ")
    .slice(0, 200);
}

export function lockDataDir(dataDir: string): DataDirLock {
  const path = `${resolve(dataDir)}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readHolder(path);
      if (holder && (heldHere.has(path) || isAlive(holder.pid))) throw new DataDirInUseError(dataDir, holder);
      try {
        unlinkSync(path); // stale: its process is gone
      } catch (unlinkError) {
        if ((unlinkError as NodeJS.ErrnoException).code !== "ENOENT") throw unlinkError;
      }
      continue;
    }
    const holder: LockHolder = { pid: process.pid, command: commandLine(), since: new Date().toISOString() };
    writeSync(fd, JSON.stringify(holder));
    closeSync(fd);
    heldHere.add(path);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      heldHere.delete(path);
      process.removeListener("exit", release);
      if (readHolder(path)?.pid !== process.pid) return; // taken over meanwhile: not ours to remove
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    };
    // A process that exits without closing the database (process.exit in a signal handler) still
    // leaves the folder free.
    process.on("exit", release);
    return { path, release };
  }
  throw new Error(`Could not lock ${dataDir}: its lock file keeps changing`);
}
