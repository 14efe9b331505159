import type { Config } from "../config/env.js";
import { type DatabaseHandle, openPglite, openPostgres } from "../db/client.js";
import { runMigrations } from "../db/migrate.js";
import { createJobQueue } from "../jobs/queue.js";
import { createLogger, type Logger } from "../lib/logger.js";
import { ATRIUM_VERSION } from "../lib/version.js";
import type { Cache } from "../providers/cache/cache.js";
import { MemoryCache } from "../providers/cache/memory-cache.js";
import { RedisCache } from "../providers/cache/redis-cache.js";
import { ResilientCache } from "../providers/cache/resilient-cache.js";
import type { CounterStore } from "../providers/counters/counter-store.js";
import { MemoryCounterStore } from "../providers/counters/memory-counter-store.js";
import { RedisCounterStore } from "../providers/counters/redis-counter-store.js";
import { ResilientCounterStore } from "../providers/counters/resilient-counter-store.js";
import { createEmbedder, type Embedder } from "../providers/embeddings/index.js";
import { RedisTurnRelay } from "../providers/events/redis-turn-relay.js";
import type { TurnRelay } from "../providers/events/turn-relay.js";
import type { ChatModelProvider } from "../providers/llm/chat-model.js";
import { createChatModelProvider } from "../providers/llm/index.js";
import { createMailer, type Mailer } from "../providers/mail/index.js";
import { createReranker } from "../providers/rerank/reranker.js";
import { type BlobStorage, createBlobStorage } from "../providers/storage/index.js";
import { OtlpHttpTraceExporter } from "../providers/telemetry/otlp-http-exporter.js";
import type { TraceExporter } from "../providers/telemetry/trace-exporter.js";
import { createRepositories, type Repositories } from "../repositories/index.js";
import { createApprovalServices, ingestFailureNotifier } from "../services/approvals/index.js";
import { createAssistantServices } from "../services/assistants/index.js";
import { createActingUsers } from "../services/auth/acting-user.js";
import { resolveAuthSecret } from "../services/auth/auth-secret.js";
import type { BudgetGuard } from "../services/chat/collaborators.js";
import { createApiChat, createChatService, FINISHED_TURN_RETENTION_MS } from "../services/chat/index.js";
import { createConversationsService } from "../services/conversations/index.js";
import { createHandoffService } from "../services/handoff/index.js";
import { createIntentServices } from "../services/intents/index.js";
import type { FetchLike, IngestFailureListener } from "../services/knowledge/index.js";
import { createKnowledgeServices } from "../services/knowledge/index.js";
import { createMemoryService } from "../services/memory/index.js";
import { createPiiService } from "../services/pii/index.js";
import { createSeedService } from "../services/seed/seed-demo.js";
import { createSystemService } from "../services/system/health.js";
import { createTemplateServices } from "../services/templates/index.js";
import { createToolServices } from "../services/tools/index.js";
import { createUsageServices } from "../services/usage/index.js";
import { createIdentityServices } from "./identity-services.js";
import { wireSchedules } from "./schedule-services.js";

/** Pre-built infrastructure; tests pass their own database and cache, production builds them from config. */
export interface Infra {
  database?: DatabaseHandle;
  analytics?: DatabaseHandle;
  cache?: Cache;
  /** Shared counters (sign-in throttling); production uses Redis when REDIS_URL is set. */
  counters?: CounterStore;
  logger?: Logger;
  /** Outgoing mail; production picks SMTP or the development outbox from config. */
  mailer?: Mailer;
  /** Original files; production keeps them under the data folder. */
  storage?: BlobStorage;
  /** The default embedder; production builds it from EMBEDDING_* config. */
  embedder?: Embedder;
  /** The crawler's HTTP client (tests may fake the network). */
  crawlFetch?: FetchLike;
  /** Chat models; production builds them from LLM_* config (tests pass scripted models). */
  chatModels?: ChatModelProvider;
  /** Replaces the usage budget guard of chat turns (tests of refusals). */
  budgetGuard?: BudgetGuard;
  /** Shares running turns' events between processes; production uses Redis when REDIS_URL is set. */
  turnRelay?: TurnRelay;
  /** Where finished turns' traces go; production uses OTLP/HTTP when OTEL_EXPORTER_OTLP_* is set. */
  traceExporter?: TraceExporter;
}

export interface Container {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  /** Read-only, long-running queries (reports); a replica in server mode, the main database otherwise. */
  analytics: DatabaseHandle;
  cache: Cache;
  /** Counters shared by replicas through Redis when REDIS_URL is set (sign-in throttling). */
  counters: CounterStore;
  mailer: Mailer;
  /** The configured embedder (EMBEDDING_PROVIDER; the offline hash embedder by default). */
  embedder: Embedder;
  /** Chat models by provider and model name (LLM_*; the offline extractive model by default). */
  chatModels: ChatModelProvider;
  repositories: Repositories;
  services: ReturnType<typeof createServices>;
  /** Where finished turns' traces go (OTEL_EXPORTER_OTLP_*); undefined when export is off. */
  traceExporter: TraceExporter | undefined;
  close(): Promise<void>;
}

function createServices(deps: {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  analytics: DatabaseHandle;
  cache: Cache;
  counters: CounterStore;
  mailer: Mailer;
  chatModels: ChatModelProvider;
  repositories: Repositories;
  turnRelay: TurnRelay | undefined;
  traceExporter: TraceExporter | undefined;
  infra: Infra;
}) {
  const { config, repositories } = deps;
  const queue = createJobQueue(repositories.jobs);
  let ingestFailed: IngestFailureListener | undefined;
  const storage = deps.infra.storage ?? createBlobStorage({ dataDir: config.dataDir });
  const knowledge = createKnowledgeServices(
    {
      config,
      db: deps.database.db,
      repositories,
      queue,
      isServer: deps.database.kind === "postgres",
      onIngestFailed: () => ingestFailed,
    },
    {
      embedder: deps.infra.embedder ?? createEmbedder(config.embedding),
      storage,
      reranker: createReranker(config.rerank),
      crawlFetch: deps.infra.crawlFetch,
    },
  );
  const authSecret = resolveAuthSecret(config, deps.logger);
  const identity = createIdentityServices({
    config,
    logger: deps.logger,
    db: deps.database.db,
    repositories,
    counters: deps.counters,
    mailer: deps.mailer,
    authSecret,
  });
  const { authenticator } = identity;
  const usage = createUsageServices({ repositories, budgetCacheSeconds: config.budgets.cacheSeconds });
  const pii = createPiiService({ repositories, authSecret });
  const memory = createMemoryService({
    db: deps.database.db,
    repositories,
    queue,
    // Only a configured real model extracts memory; the offline default keeps the heuristic.
    chatModels: () => (config.llm.provider === "extractive" ? undefined : deps.chatModels),
    budget: usage.budgetGuard,
    maxMessages: config.memory.maxMessages,
    extractionDelaySeconds: config.memory.extractionDelaySeconds,
    scrub: (orgId, texts) => pii.scrubTexts(orgId, texts),
  });
  const actingUsers = createActingUsers({ repositories, authenticator });
  const templateServices = createTemplateServices({
    repositories,
    storage,
    documents: knowledge.documents,
    queue,
    actingUsers,
    db: deps.database.db,
    // Read when a held generation is created, long after `governance` below exists.
    notifyHeld: () => governance.approvals.notifyHeld,
  });
  const tools = createToolServices({
    generations: () => templateServices.documentGenerations,
    repositories,
    authSecret,
    search: knowledge.search,
    documents: knowledge.documents,
    mcp: { connectMs: config.tools.mcpConnectTimeoutMs, callMs: config.tools.mcpCallTimeoutMs },
    networkPolicy: config.tools.allowPrivateNetworks ? "private" : "public",
    mcpStdioServers: config.tools.mcpStdioServers,
  });
  const assistants = createAssistantServices(repositories, authSecret);
  const conversations = createConversationsService(repositories, pii);
  // Intent examples are embedded with the deployment's embedder, as new knowledge bases are.
  const intentServices = createIntentServices({
    db: deps.database.db,
    repositories,
    embedder: knowledge.embedders.get(knowledge.embedders.defaultModel),
    queue,
    logger: deps.logger,
  });
  let chatService: ReturnType<typeof createChatService> | undefined;
  const governance = createApprovalServices({
    queue,
    actingUsers,
    resumeTurn: () => chatService?.resumeTurn,
    db: deps.database.db,
    logger: deps.logger,
    mailer: deps.mailer,
    publicUrl: config.publicUrl,
    repositories,
    pii,
    publish: () => chatService?.publish,
  });
  ingestFailed = ingestFailureNotifier(governance.notifications, deps.logger);
  const handoff = createHandoffService({
    db: deps.database.db,
    repositories,
    notifications: governance.notifications,
    pii,
    publish: () => chatService?.publish,
  });
  const chat = createChatService({
    handoff,
    db: deps.database.db,
    repositories,
    traces: repositories.runTraces,
    chatModels: deps.chatModels,
    search: knowledge.search,
    toolResolver: tools.toolResolver,
    budget: deps.infra.budgetGuard ?? usage.budgetGuard,
    memory,
    chat: config.chat,
    pii,
    relay: deps.turnRelay,
    traceExporter: deps.traceExporter,
    intents: intentServices.intents,
    approvals: governance.approvals,
  });
  chatService = chat;
  const apiChat = createApiChat({ chat, conversations });
  const scheduleServices = wireSchedules({
    db: deps.database.db,
    repositories,
    queue,
    actingUsers,
    services: {
      apiChat,
      assistants,
      knowledge,
      templates: templateServices,
      notifications: governance.notifications,
    },
  });
  return {
    queue,
    actingUsers,
    ...identity,
    system: createSystemService(deps),
    ...assistants,
    conversations,
    pii,
    ...knowledge,
    ...usage,
    memory,
    ...tools,
    chat,
    apiChat,
    ...intentServices,
    ...governance,
    handoff,
    ...templateServices,
    ...scheduleServices,
    seed: createSeedService({
      db: deps.database.db,
      repositories: deps.repositories,
      demoPassword: deps.config.demoPassword,
      logger: deps.logger,
      content: () => ({
        ...knowledge,
        ...assistants,
        intents: intentServices.intents,
        trust: governance.trust,
      }),
    }),
  };
}

async function openDatabase(config: Config): Promise<DatabaseHandle> {
  return config.database.kind === "pglite"
    ? openPglite({ dataDir: config.database.dataDir })
    : openPostgres({ url: config.database.url, poolSize: config.database.poolSize });
}

function openAnalytics(config: Config, main: DatabaseHandle): DatabaseHandle {
  // PGlite is a single in-process connection: analytics shares it.
  if (main.kind === "pglite" || !config.analytics.url) return main;
  return openPostgres({
    url: config.analytics.url,
    poolSize: Math.max(2, Math.ceil(config.database.poolSize / 2)),
    statementTimeoutMs: config.analytics.statementTimeoutMs,
    applicationName: "atrium-analytics",
  });
}

/** The composition root: the one place that decides which implementation each part gets. */
export async function createContainer(config: Config, infra: Infra = {}): Promise<Container> {
  const logger = infra.logger ?? createLogger(config.logLevel);
  const database = infra.database ?? (await openDatabase(config));
  if (!infra.database && config.autoMigrate) await runMigrations(database);
  const analytics = infra.analytics ?? openAnalytics(config, database);
  const rawCache =
    infra.cache ??
    (config.redisUrl ? new RedisCache(config.redisUrl) : new MemoryCache(config.cache.maxEntries));
  const cache = new ResilientCache(rawCache, logger);
  const counters = new ResilientCounterStore(
    infra.counters ?? (config.redisUrl ? new RedisCounterStore(config.redisUrl) : new MemoryCounterStore()),
    logger,
  );
  const repositories = createRepositories(
    database.db,
    cache,
    config.cache.ttlSeconds,
    database,
    analytics.db,
  );
  const mailer = infra.mailer ?? createMailer(config);
  const embedder = infra.embedder ?? createEmbedder(config.embedding);
  const chatModels = infra.chatModels ?? createChatModelProvider(config.llm);
  const turnRelay =
    infra.turnRelay ??
    (config.redisUrl
      ? new RedisTurnRelay(
          config.redisUrl,
          {
            // A running turn's events outlive its longest possible run; a finished one's, the resume window.
            runningTtlMs: config.chat.turnTimeoutMs + FINISHED_TURN_RETENTION_MS,
            finishedTtlMs: FINISHED_TURN_RETENTION_MS,
          },
          logger,
        )
      : undefined);
  const traceExporter =
    infra.traceExporter ??
    (config.telemetry.tracesUrl
      ? new OtlpHttpTraceExporter(
          {
            url: config.telemetry.tracesUrl,
            headers: config.telemetry.headers,
            serviceName: config.telemetry.serviceName,
            serviceVersion: ATRIUM_VERSION,
          },
          logger,
        )
      : undefined);
  const services = createServices({
    config,
    logger,
    database,
    analytics,
    cache,
    counters,
    mailer,
    chatModels,
    repositories,
    turnRelay,
    traceExporter,
    infra: { ...infra, embedder },
  });

  return {
    config,
    logger,
    database,
    analytics,
    cache,
    counters,
    mailer,
    embedder,
    chatModels,
    repositories,
    services,
    traceExporter,
    async close() {
      await services.passwordReset.idle();
      await cache.close();
      await counters.close();
      if (!infra.turnRelay) await turnRelay?.close();
      await traceExporter?.close();
      if (!infra.mailer) await mailer.close?.();
      if (analytics !== database && !infra.analytics) await analytics.close();
      if (!infra.database) await database.close();
    },
  };
}
