import { afterAll, beforeAll } from "vitest";
import type { Access } from "../../src/core/access.js";
import type { Db } from "../../src/db/client.js";
import type { JobKind, JobPayload } from "../../src/jobs/catalog.js";
import type { EnqueueOptions, JobQueue } from "../../src/jobs/queue.js";
import { createLogger } from "../../src/lib/logger.js";
import { MemoryCache } from "../../src/providers/cache/memory-cache.js";
import { createEmbedder } from "../../src/providers/embeddings/index.js";
import type { ChatModel, ChatModelProvider } from "../../src/providers/llm/chat-model.js";
import type { BlobStorage } from "../../src/providers/storage/index.js";
import { createRepositories, type Repositories } from "../../src/repositories/index.js";
import type { JobRow } from "../../src/repositories/job.repository.js";
import { createChatService } from "../../src/services/chat/index.js";
import type { ServiceContext } from "../../src/services/context.js";
import {
  createKnowledgeServices,
  type KnowledgeDeps,
  type KnowledgeProviders,
} from "../../src/services/knowledge/index.js";
import { testConfig } from "./container.js";
import { createTestDatabase, type TestDatabase } from "./database.js";

/**
 * One service built alone, the way src/app/container.ts builds it, but from the collaborators a test
 * chooses: the real repositories on a private, migrated database of the current backend, and fakes
 * for the rest. A collaborator the test does not give is `unused(name)`, which throws on first use,
 * so a service reaching for something it never declared fails loudly instead of quietly using the
 * real one. (Whole-application tests use `useTestContainer` / `useTestApp` instead.)
 */
export interface ServiceHarness {
  db: Db;
  repositories: Repositories;
  config: ReturnType<typeof testConfig>;
  /** A request context of `user` with `access` (no permissions or departments unless given). */
  contextOf(user: { id: string; orgId: string }, access?: Partial<Access>): ServiceContext;
}

/** Registers beforeAll/afterAll for one private database per test file; read the harness inside tests. */
export function useServiceHarness(): ServiceHarness {
  let database: TestDatabase | undefined;
  let repositories: Repositories | undefined;
  const config = testConfig();
  const logger = createLogger("silent");
  beforeAll(async () => {
    database = await createTestDatabase();
    repositories = createRepositories(database.handle.db, new MemoryCache(1000), 60, database.handle);
  });
  afterAll(async () => {
    await database?.drop();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the service harness is used before its beforeAll ran");
    return value;
  };
  return {
    get db() {
      return ready(database).handle.db;
    },
    get repositories() {
      return ready(repositories);
    },
    config,
    contextOf(user, access = {}) {
      return {
        orgId: user.orgId,
        actor: { kind: "user", id: user.id, userId: user.id },
        access: {
          permissions: new Set(),
          allDepartments: false,
          departmentIds: new Set(),
          excludedDepartmentIds: new Set(),
          ...access,
        },
        db: ready(database).handle.db,
        meta: { requestId: "service-harness" },
        logger,
      };
    },
  };
}

/**
 * A fake collaborator with only the members `given`; using any other member throws, naming it (a
 * test that fakes `searchReadable` finds out if the service starts calling `search` instead).
 */
export function fake<T extends object>(name: string, given: Partial<T> = {}): T {
  return new Proxy(given as T, {
    get(target, property) {
      if (property in target) return target[property as keyof T];
      // Awaiting or logging the object probes `then` / inspection symbols: those are not uses.
      if (property === "then" || typeof property === "symbol") return undefined;
      throw new Error(`${name}.${String(property)} was used, but the test gave this service no ${name}`);
    },
  });
}

/** A collaborator the test did not give: any use of it throws, naming it. */
export function unused<T extends object>(name: string): T {
  return fake<T>(name);
}

/** Chat models that all answer with `model` (for example a ScriptedChatModel), at no cost. */
export function modelsOf(model: ChatModel): ChatModelProvider {
  return {
    resolve: (spec) => ({
      spec: { provider: spec.provider ?? "openai", model: spec.model ?? model.modelId },
      model,
    }),
    costUsd: () => 0,
  };
}

/** A job queue that records what it is asked to enqueue (and enqueues nothing); `refuse` makes it throw. */
export class RecordingQueue implements JobQueue {
  readonly enqueued: { kind: JobKind; payload: unknown; options: EnqueueOptions }[] = [];
  refuse: Error | undefined;

  async enqueue<K extends JobKind>(
    _tx: unknown,
    kind: K,
    payload: JobPayload<K>,
    options: EnqueueOptions = {},
  ): Promise<{ job: JobRow; created: boolean }> {
    if (this.refuse) throw this.refuse;
    this.enqueued.push({ kind, payload, options });
    return {
      job: { id: `recorded-${this.enqueued.length}`, kind, payload } as unknown as JobRow,
      created: true,
    };
  }

  async enqueueMany<K extends JobKind>(tx: unknown, kind: K, payloads: JobPayload<K>[]): Promise<number> {
    for (const payload of payloads) await this.enqueue(tx, kind, payload);
    return payloads.length;
  }
}

type ChatCollaborators = Omit<
  Parameters<typeof createChatService>[0],
  "db" | "repositories" | "traces" | "chat"
>;

/**
 * The chat service alone: real repositories (its ChatRepositories), the test's collaborators, and
 * `unused` for the required ones not given (search, chat models).
 */
export function buildChatService(h: ServiceHarness, collaborators: Partial<ChatCollaborators> = {}) {
  return createChatService({
    db: h.db,
    repositories: h.repositories,
    traces: h.repositories.runTraces,
    chat: h.config.chat,
    search: unused("search"),
    chatModels: unused("chatModels"),
    ...collaborators,
  });
}

/**
 * The knowledge services alone: real repositories (its KnowledgeRepositories), the configured offline
 * embedder, and the test's queue and storage (`unused` when not given).
 */
export function buildKnowledgeServices(
  h: ServiceHarness,
  collaborators: Partial<Pick<KnowledgeDeps, "queue">> & Partial<KnowledgeProviders> = {},
) {
  const { queue, ...providers } = collaborators;
  return createKnowledgeServices(
    {
      config: h.config,
      db: h.db,
      repositories: h.repositories,
      queue: queue ?? unused<JobQueue>("queue"),
      isServer: false,
    },
    {
      embedder: createEmbedder(h.config.embedding),
      storage: unused<BlobStorage>("storage"),
      ...providers,
    },
  );
}
