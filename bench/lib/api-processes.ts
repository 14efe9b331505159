import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** The last lines a child printed, kept so a failure can say why. */
class OutputTail {
  private lines: string[] = [];
  constructor(private readonly max = 60) {}
  push(chunk: Buffer | string): void {
    for (const line of String(chunk).split("\n")) {
      if (line.trim() === "") continue;
      this.lines.push(line);
      if (this.lines.length > this.max) this.lines.shift();
    }
  }
  text(): string {
    return this.lines.join("\n");
  }
}

export interface NodeProcess {
  name: string;
  child: ChildProcess;
  /** What the child printed lately (stdout and stderr interleaved). */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last resort: whatever way this process ends, its children end too. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of running) child.kill("SIGKILL");
  });
}

/** Starts `node <args>` in `cwd` with `env`, capturing its output. */
export function startNode(name: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): NodeProcess {
  installExitHook();
  const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  const tail = new OutputTail();
  child.stdout?.on("data", (chunk: Buffer) => tail.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => tail.push(chunk));
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      running.delete(child);
      resolve(code);
    });
    child.once("error", (error) => {
      tail.push(`spawn error: ${error.message}`);
      running.delete(child);
      resolve(-1);
    });
  });
  return {
    name,
    child,
    output: () => tail.text(),
    exited,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null || !running.has(child)) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs `node <args>` to completion; throws with its output when it fails. */
export async function runNode(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<string> {
  const proc = startNode(name, args, env, cwd);
  const code = await proc.exited;
  if (code !== 0) throw new Error(`${name} exited with code ${code}:\n${proc.output()}`);
  return proc.output();
}

/** A TCP port that was free a moment ago on `host`. */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 2xx; fails early if `proc` exits, and after `timeoutMs`. */
export async function waitForHttp(url: string, proc: NodeProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => {
    exited = true;
  });
  let lastError = "no answer";
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${proc.name} exited before it was ready:\n${proc.output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(
    `${proc.name} was not ready at ${url} after ${timeoutMs} ms (${lastError}):\n${proc.output()}`,
  );
}

let clockTicks: number | undefined;

/** Kernel clock ticks per second (for /proc times); 100 on practically every Linux. */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/**
 * CPU time (user + system, all threads) a process has used so far, in milliseconds, from
 * /proc/<pid>/stat; undefined where there is no /proc (not Linux) or the process is gone.
 */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name (which may hold spaces): state is field 3.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
    return ((utime + stime) * 1000) / ticksPerSecond();
  } catch {
    return undefined;
  }
}
