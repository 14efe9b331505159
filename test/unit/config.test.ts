import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/env.js";

describe("loadConfig", () => {
  it("defaults to the embedded database, memory cache and auto-migrate", () => {
    const config = loadConfig({});
    expect(config.database.kind).toBe("pglite");
    expect(config.http.port).toBe(3000);
    expect(config.redisUrl).toBeUndefined();
    expect(config.autoMigrate).toBe(true);
    expect(config.seedDemo).toBe(true);
  });

  it("keeps public sign-up closed unless ALLOW_SIGNUP=true, embedded and server alike", () => {
    const server = { DATABASE_URL: "postgres://u:p@db:5432/atrium" };
    expect(loadConfig({}).allowSignup).toBe(false);
    expect(loadConfig(server).allowSignup).toBe(false);
    expect(loadConfig({ ALLOW_SIGNUP: "" }).allowSignup).toBe(false);
    expect(loadConfig({ ALLOW_SIGNUP: "false" }).allowSignup).toBe(false);
    expect(loadConfig({ ALLOW_SIGNUP: "true" }).allowSignup).toBe(true);
    expect(loadConfig({ ...server, ALLOW_SIGNUP: "1" }).allowSignup).toBe(true);
    // The embedded first start still makes the first organisation: the demo seed.
    expect(loadConfig({}).seedDemo).toBe(true);
  });

  it("uses server PostgreSQL and the same URL for analytics when DATABASE_URL is set", () => {
    const config = loadConfig({
      DATABASE_URL: "postgres://u:p@db:5432/atrium",
      REDIS_URL: "redis://cache:6379",
    });
    expect(config.database).toMatchObject({ kind: "postgres", url: "postgres://u:p@db:5432/atrium" });
    expect(config.analytics.url).toBe("postgres://u:p@db:5432/atrium");
    expect(config.analytics.statementTimeoutMs).toBe(30_000);
    expect(config.autoMigrate).toBe(false);
    expect(config.seedDemo).toBe(false);
    expect(config.redisUrl).toBe("redis://cache:6379");
  });

  it("reads the operator's stdio MCP servers from MCP_STDIO_SERVERS and MCP_STDIO_SERVERS_FILE; none by default", () => {
    expect(loadConfig({}).tools.mcpStdioServers).toEqual([]);
    const file = join(mkdtempSync(join(tmpdir(), "atrium-mcp-")), "servers.json");
    writeFileSync(file, JSON.stringify([{ name: "files", command: "/opt/mcp/files", env: ["HTTPS_PROXY"] }]));
    const config = loadConfig({
      MCP_STDIO_SERVERS: JSON.stringify([
        {
          name: "github",
          description: "GitHub",
          command: "/opt/mcp/github",
          args: ["stdio"],
          tenantEnv: ["GITHUB_TOKEN"],
        },
      ]),
      MCP_STDIO_SERVERS_FILE: file,
    });
    expect(config.tools.mcpStdioServers).toEqual([
      {
        name: "github",
        description: "GitHub",
        command: "/opt/mcp/github",
        args: ["stdio"],
        cwd: undefined,
        env: [],
        tenantEnv: ["GITHUB_TOKEN"],
      },
      {
        name: "files",
        description: "",
        command: "/opt/mcp/files",
        args: [],
        cwd: undefined,
        env: ["HTTPS_PROXY"],
        tenantEnv: [],
      },
    ]);
  });

  it("refuses a bad MCP server list without echoing it", () => {
    const bad = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        return error as ConfigError;
      }
      throw new Error("expected a ConfigError");
    };
    const notJson = bad({ MCP_STDIO_SERVERS: "[{name: 'x', command: 'hunter2'" });
    expect(notJson.problems).toEqual(["MCP_STDIO_SERVERS: not valid JSON (expected an array of servers)"]);
    expect(notJson.message).not.toContain("hunter2");
    const entry = { name: "a", command: "/bin/a" };
    expect(bad({ MCP_STDIO_SERVERS: JSON.stringify([entry, entry]) }).problems[0]).toMatch(/listed twice/);
    expect(
      bad({ MCP_STDIO_SERVERS: JSON.stringify([{ ...entry, env: ["TOKEN"], tenantEnv: ["TOKEN"] }]) })
        .problems[0],
    ).toMatch(/both passed from the server and set by tenants/);
    expect(bad({ MCP_STDIO_SERVERS: JSON.stringify([{ ...entry, shell: true }]) }).problems[0]).toMatch(
      /MCP_STDIO_SERVERS: \[0\]/,
    );
    expect(bad({ MCP_STDIO_SERVERS_FILE: "/no/such/file.json" }).problems).toEqual([
      "MCP_STDIO_SERVERS_FILE: the file cannot be read (ENOENT)",
    ]);
  });

  it("lists every bad variable at once and never echoes their values", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "eighty", DATABASE_URL: "mysql://root:hunter2@db/x", LOG_LEVEL: "loud" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["DATABASE_URL", "LOG_LEVEL", "PORT"]);
    expect(message).not.toContain("hunter2");
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", PORT: "" }).database.kind).toBe("pglite");
  });

  it("defaults to the offline extractive model and reads the LLM settings", () => {
    expect(loadConfig({}).llm).toEqual({
      provider: "extractive",
      model: undefined,
      baseUrl: undefined,
      apiKey: undefined,
      prices: {},
      timeoutMs: 60_000,
    });
    const llm = loadConfig({
      LLM_PROVIDER: "openai",
      LLM_MODEL: "llama3.1:8b",
      LLM_BASE_URL: "http://ollama:11434/v1",
      LLM_API_KEY: "sk-abc",
      LLM_PRICES: '{"llama3.1:8b":{"input":0.1,"output":0.2}}',
      LLM_TIMEOUT_MS: "5000",
    }).llm;
    expect(llm).toEqual({
      provider: "openai",
      model: "llama3.1:8b",
      baseUrl: "http://ollama:11434/v1",
      apiKey: "sk-abc",
      prices: { "llama3.1:8b": { input: 0.1, output: 0.2 } },
      timeoutMs: 5000,
    });
  });

  it("rejects bad LLM settings without echoing the key", () => {
    let error: unknown;
    try {
      loadConfig({
        LLM_PROVIDER: "skynet",
        LLM_BASE_URL: "ftp://x",
        LLM_TIMEOUT_MS: "5",
        LLM_API_KEY: "sk-hunter2",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual([
      "LLM_BASE_URL",
      "LLM_PROVIDER",
      "LLM_TIMEOUT_MS",
    ]);
    expect(message).not.toContain("sk-hunter2");
    // openai needs somewhere to send requests: an endpoint, or a key for OpenAI itself.
    expect(() => loadConfig({ LLM_PROVIDER: "openai" })).toThrow(/LLM_BASE_URL/);
    expect(loadConfig({ LLM_PROVIDER: "openai", LLM_API_KEY: "sk-x" }).llm.provider).toBe("openai");
  });
});
