import { readFileSync } from "node:fs";
import { z } from "zod";

/**
 * The operator's allow-list of MCP servers run as local processes over stdio (MCP_STDIO_SERVERS, a
 * JSON array, and/or MCP_STDIO_SERVERS_FILE, a JSON file holding one). Starting a process on the host
 * is the operator's decision only: tenants pick an entry by name, never a command. Empty (the default)
 * turns stdio MCP servers off.
 *
 * An entry: `name` (what tools refer to), `description`, `command` and `args` (fixed), `cwd`
 * (default: the server's), `env` — names of the server's environment variables passed to the process
 * (values read from the server's environment when it starts), `tenantEnv` — names a tool may set to
 * its own (sealed) values, e.g. the organisation's API token. The process gets nothing else of the
 * server's environment but a minimal PATH (unless `env` passes the server's).
 */
export interface McpStdioServerConfig {
  name: string;
  description: string;
  command: string;
  args: string[];
  cwd: string | undefined;
  env: string[];
  tenantEnv: string[];
}

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

export const mcpEnvShape = {
  MCP_STDIO_SERVERS: z.preprocess(blank, z.string().optional()),
  MCP_STDIO_SERVERS_FILE: z.preprocess(blank, z.string().optional()),
};

type McpEnv = { [K in keyof typeof mcpEnvShape]?: string | undefined };

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "environment variable names only");
const entry = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "1-64 letters, digits, _ or -"),
    description: z.string().max(2000).default(""),
    command: z.string().trim().min(1).max(1000),
    args: z.array(z.string().max(4000)).max(100).default([]),
    cwd: z.string().min(1).max(1000).optional(),
    env: z.array(envName).max(100).default([]),
    tenantEnv: z.array(envName).max(100).default([]),
  })
  .strict()
  .superRefine((value, ctx) => {
    const shared = value.tenantEnv.filter((name) => value.env.includes(name));
    if (shared.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["tenantEnv"],
        message: `names both passed from the server and set by tenants: ${shared.join(", ")}`,
      });
    }
  });

function parseList(variable: string, text: string, problems: string[]): McpStdioServerConfig[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    problems.push(`${variable}: not valid JSON (expected an array of servers)`);
    return [];
  }
  const parsed = z.array(entry).max(100).safeParse(json);
  if (!parsed.success) {
    // Paths and messages only: never the values (an operator's file may hold anything).
    for (const issue of parsed.error.issues) {
      problems.push(`${variable}: [${issue.path.join(".") || "(root)"}] ${issue.message}`);
    }
    return [];
  }
  return parsed.data.map((e) => ({ ...e, cwd: e.cwd }));
}

export function mcpStdioServers(env: McpEnv): { servers: McpStdioServerConfig[]; problems: string[] } {
  const problems: string[] = [];
  const servers: McpStdioServerConfig[] = [];
  if (env.MCP_STDIO_SERVERS) servers.push(...parseList("MCP_STDIO_SERVERS", env.MCP_STDIO_SERVERS, problems));
  if (env.MCP_STDIO_SERVERS_FILE) {
    let text: string | undefined;
    try {
      text = readFileSync(env.MCP_STDIO_SERVERS_FILE, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
      problems.push(`MCP_STDIO_SERVERS_FILE: the file cannot be read (${code})`);
    }
    if (text !== undefined) servers.push(...parseList("MCP_STDIO_SERVERS_FILE", text, problems));
  }
  const seen = new Set<string>();
  for (const server of servers) {
    if (seen.has(server.name)) problems.push(`MCP_STDIO_SERVERS: the name "${server.name}" is listed twice`);
    seen.add(server.name);
  }
  return { servers, problems };
}
