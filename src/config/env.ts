import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { type LlmConfig, llmConfig, llmEnvShape, llmProblems } from "./llm-env.js";
import { type LockoutConfig, lockoutConfig, lockoutEnvShape } from "./lockout-env.js";
import { type McpStdioServerConfig, mcpEnvShape, mcpStdioServers } from "./mcp-env.js";
import {
  type TelemetryConfig,
  telemetryConfig,
  telemetryEnvShape,
  telemetryProblems,
} from "./telemetry-env.js";

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalUrl = (protocols: string[]) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((v) => protocols.some((p) => v.startsWith(`${p}://`)), {
        message: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(" or ")}`,
      })
      .optional(),
  );
const bool = (fallback: boolean) =>
  z.preprocess(
    emptyToUndefined,
    z
      .enum(["true", "false", "1", "0", "yes", "no"])
      .default(fallback ? "true" : "false")
      .transform((v) => v === "true" || v === "1" || v === "yes"),
  );
const int = (fallback: number, min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(fallback));

export const envSchema = z.object({
  NODE_ENV: z.preprocess(
    emptyToUndefined,
    z.enum(["development", "production", "test"]).default("development"),
  ),
  HOST: z.preprocess(emptyToUndefined, z.string().default("127.0.0.1")),
  PORT: int(3000, 0, 65535),
  TRUST_PROXY: bool(false),
  CORS_ORIGINS: z.preprocess(emptyToUndefined, z.string().optional()),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ),
  DATABASE_URL: optionalUrl(["postgres", "postgresql"]),
  ANALYTICS_DATABASE_URL: optionalUrl(["postgres", "postgresql"]),
  DATABASE_POOL_SIZE: int(10, 1, 500),
  ANALYTICS_STATEMENT_TIMEOUT_MS: int(30_000, 100, 3_600_000),
  ATRIUM_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default("./data")),
  REDIS_URL: optionalUrl(["redis", "rediss"]),
  CACHE_TTL_SECONDS: int(300, 1, 86_400),
  CACHE_MAX_ENTRIES: int(10_000, 10, 10_000_000),
  AUTO_MIGRATE: z.preprocess(emptyToUndefined, z.enum(["true", "false", "1", "0"]).optional()),
  AUTH_SECRET: z.preprocess(
    emptyToUndefined,
    z.string().min(32, "must be at least 32 characters").optional(),
  ),
  ACCESS_TOKEN_TTL_SECONDS: int(900, 30, 86_400),
  REFRESH_TOKEN_TTL_DAYS: int(30, 1, 365),
  AUTH_RATE_LIMIT_PER_MINUTE: int(20, 1, 100_000),
  ...lockoutEnvShape,
  PUBLIC_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  SMTP_URL: optionalUrl(["smtp", "smtps"]),
  MAIL_FROM: z.preprocess(emptyToUndefined, z.string().default("Atrium <no-reply@atrium.local>")),
  GITHUB_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().optional()),
  GITHUB_CLIENT_SECRET: z.preprocess(emptyToUndefined, z.string().optional()),
  GITHUB_OAUTH_BASE_URL: z.preprocess(emptyToUndefined, z.url().default("https://github.com")),
  GITHUB_API_BASE_URL: z.preprocess(emptyToUndefined, z.url().default("https://api.github.com")),
  GOOGLE_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().optional()),
  GOOGLE_CLIENT_SECRET: z.preprocess(emptyToUndefined, z.string().optional()),
  GOOGLE_OAUTH_BASE_URL: z.preprocess(emptyToUndefined, z.url().default("https://accounts.google.com")),
  GOOGLE_TOKEN_URL: z.preprocess(emptyToUndefined, z.url().default("https://oauth2.googleapis.com/token")),
  GOOGLE_USERINFO_URL: z.preprocess(
    emptyToUndefined,
    z.url().default("https://openidconnect.googleapis.com/v1/userinfo"),
  ),
  OAUTH_HTTP_TIMEOUT_MS: int(10_000, 100, 120_000),
  ALLOW_SIGNUP: z.preprocess(emptyToUndefined, z.enum(["true", "false", "1", "0"]).optional()),
  SEED_DEMO: z.preprocess(emptyToUndefined, z.enum(["true", "false", "1", "0"]).optional()),
  DEMO_PASSWORD: z.preprocess(emptyToUndefined, z.string().min(8).optional()),
  WEB_DIST_DIR: z.preprocess(emptyToUndefined, z.string().optional()),
  EMBEDDING_PROVIDER: z.preprocess(emptyToUndefined, z.enum(["hash", "openai", "local"]).default("hash")),
  EMBEDDING_MODEL: z.preprocess(emptyToUndefined, z.string().optional()),
  EMBEDDING_BASE_URL: optionalUrl(["http", "https"]),
  EMBEDDING_API_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  EMBEDDING_DIMENSIONS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(2).max(4000).optional()),
  EMBEDDING_LOCAL_PATH: z.preprocess(emptyToUndefined, z.string().optional()),
  RERANK_URL: optionalUrl(["http", "https"]),
  RERANK_API_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  RERANK_MODEL: z.preprocess(emptyToUndefined, z.string().optional()),
  UPLOAD_MAX_BYTES: int(25 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  CRAWL_ALLOW_PRIVATE_NETWORKS: bool(false),
  WORKER_EMBEDDED: z.preprocess(emptyToUndefined, z.enum(["true", "false", "1", "0"]).optional()),
  WORKER_CONCURRENCY: int(2, 1, 64),
  WORKER_POLL_MS: int(1_000, 10, 60_000),
  JOB_LEASE_MS: int(60_000, 1_000, 3_600_000),
  MEMORY_MAX_MESSAGES: int(200, 1, 5_000),
  MEMORY_EXTRACTION_DELAY_SECONDS: int(30, 0, 86_400),
  BUDGET_CACHE_SECONDS: int(5, 0, 300),
  ...llmEnvShape,
  ...telemetryEnvShape,
  TOOLS_MCP_CONNECT_TIMEOUT_MS: int(10_000, 100, 120_000),
  TOOLS_ALLOW_PRIVATE_NETWORKS: bool(false),
  ...mcpEnvShape,
  TOOLS_MCP_CALL_TIMEOUT_MS: int(60_000, 100, 600_000),
  CHAT_STEP_TIMEOUT_MS: int(60_000, 100, 600_000),
  CHAT_TURN_TIMEOUT_MS: int(180_000, 100, 3_600_000),
  CHAT_HISTORY_TOKENS: int(4_000, 0, 1_000_000),
  CHAT_RETRIEVAL_LIMIT: int(8, 0, 50),
  CHAT_RELEVANCE_GATE: z.preprocess(emptyToUndefined, z.enum(["true", "false", "1", "0"]).optional()),
});

export type Env = z.infer<typeof envSchema>;

/** web/dist beside src/ in this package (where `npm run build:web` writes). */
const PACKAGED_WEB_DIST = fileURLToPath(new URL("../../web/dist", import.meta.url));

export type { LlmConfig, ModelPrice } from "./llm-env.js";
export type { McpStdioServerConfig } from "./mcp-env.js";

export interface Config {
  nodeEnv: Env["NODE_ENV"];
  http: { host: string; port: number; trustProxy: boolean; corsOrigins: string[] | false };
  logLevel: Env["LOG_LEVEL"];
  database:
    | { kind: "pglite"; dataDir: string; poolSize: number }
    | { kind: "postgres"; url: string; poolSize: number };
  analytics: { url: string | undefined; statementTimeoutMs: number };
  redisUrl: string | undefined;
  cache: { ttlSeconds: number; maxEntries: number };
  /** Embedded mode migrates on start by default; server mode expects `atrium migrate`. */
  autoMigrate: boolean;
  /** Create the demo organisation on an empty database at start (embedded mode by default). */
  seedDemo: boolean;
  demoPassword: string | undefined;
  /**
   * Self-service organisation sign-up (POST /orgs): closed unless ALLOW_SIGNUP=true, in every mode (an
   * open sign-up lets anyone make themselves an organisation admin). The first organisation comes from
   * the demo seed (embedded start) or `atrium users create-admin`.
   */
  allowSignup: boolean;
  auth: {
    /** HMAC secret for access tokens; embedded mode keeps a generated one in the data folder. */
    secret: string | undefined;
    accessTokenTtlSeconds: number;
    refreshTokenTtlDays: number;
    rateLimitPerMinute: number;
    /** Per-account throttling of password checks (AUTH_LOCKOUT_*), shared through Redis when set. */
    lockout: LockoutConfig;
    /** Time limit for each call to an OAuth provider (token exchange, user info). */
    oauthTimeoutMs: number;
    oauth: {
      github?: OAuthProviderConfig;
      google?: OAuthProviderConfig;
    };
  };
  publicUrl: string;
  /** The built web application served at / (web/dist of the package unless WEB_DIST_DIR says). */
  web: { distDir: string };
  mail: { smtpUrl: string | undefined; from: string };
  dataDir: string;
  /** Which embedder the composition root builds (providers/embeddings); `hash` needs nothing. */
  embedding: EmbeddingConfig;
  /** Chat models (providers/llm): the offline `extractive` model unless LLM_* names an endpoint. */
  llm: LlmConfig;
  /** OpenTelemetry trace export (OTEL_EXPORTER_OTLP_*); off unless an endpoint is set. */
  telemetry: TelemetryConfig;
  /** Optional HTTP reranker (`POST {url}` with {query, documents}); none when `url` is unset. */
  rerank: { url: string | undefined; apiKey: string | undefined; model: string | undefined };
  knowledge: {
    /** Largest file accepted by the upload route. */
    uploadMaxBytes: number;
    /** Let web sources reach loopback and private addresses (intranets, tests); off by default (SSRF). */
    crawlAllowPrivateNetworks: boolean;
  };
  worker: {
    /** Run the job loop inside the API process: always in embedded mode, opt-in on servers. */
    embedded: boolean;
    concurrency: number;
    pollMs: number;
    /** Job lease; a worker renews it while it runs a job, a dead worker's jobs return after it. */
    leaseMs: number;
  };
  memory: {
    /** The user's latest messages one profile extraction reads. */
    maxMessages: number;
    /** Delay before a scheduled extraction runs, so a burst of turns is read once. */
    extractionDelaySeconds: number;
  };
  budgets: {
    /** How long the budget guard reuses one reading of the month's spend (0 = read every turn). */
    cacheSeconds: number;
  };
  tools: {
    /** Longest wait to connect to an MCP server and list its tools (a turn skips servers that miss it). */
    mcpConnectTimeoutMs: number;
    /** Longest wait for one call of an MCP tool. */
    mcpCallTimeoutMs: number;
    /** HTTP and MCP-over-HTTP tools may reach loopback and private networks (never link-local). */
    allowPrivateNetworks: boolean;
    /** The operator's allow-list of MCP servers started over stdio (empty: none may start). */
    mcpStdioServers: McpStdioServerConfig[];
  };
  chat: {
    /** Longest wait for one model step (one call, its stream and its tool calls). */
    stepTimeoutMs: number;
    /** Longest a whole turn may run before it ends with status `timeout`. */
    turnTimeoutMs: number;
    /** Earlier messages sent with a question, newest first, up to this many tokens. */
    historyTokens: number;
    /** Passages retrieved for a turn from the assistant's knowledge bases (0 turns retrieval off). */
    retrievalLimit: number;
    /** The relevance gate refuses questions the retrieved passages are not about (ADR 0017; default on). */
    relevanceGate: boolean;
  };
}

export interface EmbeddingConfig {
  provider: "hash" | "openai" | "local";
  model: string | undefined;
  baseUrl: string | undefined;
  apiKey: string | undefined;
  dimensions: number | undefined;
  localPath: string | undefined;
}

function embeddingProblems(env: Env): string[] {
  const problems: string[] = [];
  if (env.EMBEDDING_PROVIDER !== "hash" && !env.EMBEDDING_DIMENSIONS) {
    problems.push(`EMBEDDING_DIMENSIONS: required with EMBEDDING_PROVIDER=${env.EMBEDDING_PROVIDER}`);
  }
  if (env.EMBEDDING_PROVIDER === "openai" && !env.EMBEDDING_MODEL) {
    problems.push("EMBEDDING_MODEL: required with EMBEDDING_PROVIDER=openai");
  }
  if (env.EMBEDDING_PROVIDER === "local" && !env.EMBEDDING_LOCAL_PATH) {
    problems.push("EMBEDDING_LOCAL_PATH: required with EMBEDDING_PROVIDER=local");
  }
  return problems;
}

export interface OAuthProviderConfig {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  userInfoUrl: string;
  emailsUrl?: string;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses the environment once; every bad variable is listed in one error. Values are never echoed. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`));
  }
  const env = parsed.data;
  const stdio = mcpStdioServers(env);
  const problems = [
    ...embeddingProblems(env),
    ...llmProblems(env),
    ...telemetryProblems(env),
    ...stdio.problems,
  ];
  if (problems.length > 0) throw new ConfigError(problems);
  const database: Config["database"] = env.DATABASE_URL
    ? { kind: "postgres", url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE }
    : { kind: "pglite", dataDir: resolve(env.ATRIUM_DATA_DIR, "pglite"), poolSize: 1 };
  return {
    nodeEnv: env.NODE_ENV,
    http: {
      host: env.HOST,
      port: env.PORT,
      trustProxy: env.TRUST_PROXY,
      corsOrigins: env.CORS_ORIGINS ? env.CORS_ORIGINS.split(",").map((o) => o.trim()) : false,
    },
    logLevel: env.LOG_LEVEL,
    database,
    analytics: {
      url: env.ANALYTICS_DATABASE_URL ?? env.DATABASE_URL,
      statementTimeoutMs: env.ANALYTICS_STATEMENT_TIMEOUT_MS,
    },
    redisUrl: env.REDIS_URL,
    cache: { ttlSeconds: env.CACHE_TTL_SECONDS, maxEntries: env.CACHE_MAX_ENTRIES },
    autoMigrate:
      env.AUTO_MIGRATE === undefined ? database.kind === "pglite" : ["true", "1"].includes(env.AUTO_MIGRATE),
    seedDemo:
      env.SEED_DEMO === undefined ? database.kind === "pglite" : ["true", "1"].includes(env.SEED_DEMO),
    demoPassword: env.DEMO_PASSWORD,
    allowSignup: env.ALLOW_SIGNUP !== undefined && ["true", "1"].includes(env.ALLOW_SIGNUP),
    auth: {
      secret: env.AUTH_SECRET,
      accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
      rateLimitPerMinute: env.AUTH_RATE_LIMIT_PER_MINUTE,
      lockout: lockoutConfig(env),
      oauthTimeoutMs: env.OAUTH_HTTP_TIMEOUT_MS,
      oauth: {
        ...(env.GITHUB_CLIENT_ID && env.GITHUB_CLIENT_SECRET
          ? {
              github: {
                clientId: env.GITHUB_CLIENT_ID,
                clientSecret: env.GITHUB_CLIENT_SECRET,
                authorizeUrl: `${env.GITHUB_OAUTH_BASE_URL}/login/oauth/authorize`,
                tokenUrl: `${env.GITHUB_OAUTH_BASE_URL}/login/oauth/access_token`,
                userInfoUrl: `${env.GITHUB_API_BASE_URL}/user`,
                emailsUrl: `${env.GITHUB_API_BASE_URL}/user/emails`,
              },
            }
          : {}),
        ...(env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET
          ? {
              google: {
                clientId: env.GOOGLE_CLIENT_ID,
                clientSecret: env.GOOGLE_CLIENT_SECRET,
                authorizeUrl: `${env.GOOGLE_OAUTH_BASE_URL}/o/oauth2/v2/auth`,
                tokenUrl: env.GOOGLE_TOKEN_URL,
                userInfoUrl: env.GOOGLE_USERINFO_URL,
              },
            }
          : {}),
      },
    },
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
    web: { distDir: env.WEB_DIST_DIR ? resolve(env.WEB_DIST_DIR) : PACKAGED_WEB_DIST },
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM },
    dataDir: resolve(env.ATRIUM_DATA_DIR),
    embedding: {
      provider: env.EMBEDDING_PROVIDER,
      model: env.EMBEDDING_MODEL,
      baseUrl: env.EMBEDDING_BASE_URL,
      apiKey: env.EMBEDDING_API_KEY,
      dimensions: env.EMBEDDING_DIMENSIONS,
      localPath: env.EMBEDDING_LOCAL_PATH ? resolve(env.EMBEDDING_LOCAL_PATH) : undefined,
    },
    rerank: { url: env.RERANK_URL, apiKey: env.RERANK_API_KEY, model: env.RERANK_MODEL },
    llm: llmConfig(env),
    telemetry: telemetryConfig(env),
    knowledge: {
      uploadMaxBytes: env.UPLOAD_MAX_BYTES,
      crawlAllowPrivateNetworks: env.CRAWL_ALLOW_PRIVATE_NETWORKS,
    },
    worker: {
      embedded:
        env.WORKER_EMBEDDED === undefined
          ? database.kind === "pglite"
          : ["true", "1"].includes(env.WORKER_EMBEDDED),
      concurrency: env.WORKER_CONCURRENCY,
      pollMs: env.WORKER_POLL_MS,
      leaseMs: env.JOB_LEASE_MS,
    },
    memory: {
      maxMessages: env.MEMORY_MAX_MESSAGES,
      extractionDelaySeconds: env.MEMORY_EXTRACTION_DELAY_SECONDS,
    },
    budgets: { cacheSeconds: env.BUDGET_CACHE_SECONDS },
    tools: {
      mcpConnectTimeoutMs: env.TOOLS_MCP_CONNECT_TIMEOUT_MS,
      mcpCallTimeoutMs: env.TOOLS_MCP_CALL_TIMEOUT_MS,
      allowPrivateNetworks: env.TOOLS_ALLOW_PRIVATE_NETWORKS,
      mcpStdioServers: stdio.servers,
    },
    chat: {
      stepTimeoutMs: env.CHAT_STEP_TIMEOUT_MS,
      turnTimeoutMs: env.CHAT_TURN_TIMEOUT_MS,
      historyTokens: env.CHAT_HISTORY_TOKENS,
      retrievalLimit: env.CHAT_RETRIEVAL_LIMIT,
      relevanceGate: env.CHAT_RELEVANCE_GATE === undefined || ["true", "1"].includes(env.CHAT_RELEVANCE_GATE),
    },
  };
}
