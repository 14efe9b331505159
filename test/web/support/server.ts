import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

const root = new URL("../../..", import.meta.url).pathname;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  baseUrl: string;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Atrium as a person starts it: `bash scripts/start.sh start` (what `npm start` runs: builds the web
 * application when stale, migrates, seeds the demo, serves) in a fresh data folder on a free port.
 */
export async function startAtrium(
  env: Record<string, string>,
  dataDir: string,
  port?: number,
): Promise<RunningServer> {
  port ??= await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logFile = join(dataDir, "server.log");
  const log = openSync(logFile, "a");
  const child: ChildProcess = spawn("bash", ["scripts/start.sh", "start"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      PORT: String(port),
      HOST: "127.0.0.1",
      ATRIUM_DATA_DIR: dataDir,
      PUBLIC_URL: baseUrl,
      ...env,
    },
    stdio: ["ignore", log, log],
    detached: false,
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const until = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`Atrium exited early:\n${readFileSync(logFile, "utf8").slice(-3000)}`);
    try {
      const health = await fetch(`${baseUrl}/health`);
      if (health.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until)
      throw new Error(`Atrium did not start:\n${readFileSync(logFile, "utf8").slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseUrl,
    logFile,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** JSON over HTTP against the running server, as the CLI or a script would. */
export async function apiCall<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: options.body === undefined ? null : JSON.stringify(options.body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

export async function tokenFor(baseUrl: string, email: string, password: string): Promise<string> {
  const pair = await apiCall<{ accessToken: string }>(baseUrl, "POST", "/auth/login", {
    body: { email, password },
  });
  return pair.accessToken;
}
