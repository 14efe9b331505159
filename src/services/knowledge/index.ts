import type { Config } from "../../config/env.js";
import type { Db } from "../../db/client.js";
import type { JobQueue } from "../../jobs/queue.js";
import type { Embedder } from "../../providers/embeddings/index.js";
import type { Reranker } from "../../providers/rerank/reranker.js";
import type { BlobStorage } from "../../providers/storage/index.js";
import type { Repositories } from "../../repositories/index.js";
import { createEmbedderRegistry, createKnowledgeBaseService } from "./bases/index.js";
import type { FetchLike } from "./crawl/index.js";
import { createCrawlScheduler, createWebSourceCrawler, createWebSourceService } from "./crawl/index.js";
import {
  createIngestService,
  createReembedService,
  HeuristicQuestionGenerator,
  type IngestFailureListener,
} from "./ingestion/index.js";
import { createSearchService } from "./search/index.js";
import { createDocumentService } from "./sources/index.js";

export {
  type KnowledgeBaseConfigInput,
  type KnowledgeBaseService,
  type KnowledgeBaseView,
  knowledgeBaseConfigInput,
} from "./bases/index.js";
export type { FetchLike, WebSourceCrawler, WebSourceService } from "./crawl/index.js";
export type { IngestFailureListener, IngestService, ReembedService } from "./ingestion/index.js";
export {
  CitationRegistry,
  type CitedPassage,
  type SearchResult,
  type SearchService,
} from "./search/index.js";
export {
  type Created,
  type DocumentService,
  type DocumentView,
  isExtractionError,
  type TableInput,
  UPLOAD_TYPES,
  type UploadInput,
} from "./sources/index.js";

/** The providers the composition root picked for the knowledge domain. */
export interface KnowledgeProviders {
  embedder: Embedder;
  storage: BlobStorage;
  reranker?: Reranker | undefined;
  /** Overrides the crawler's HTTP client (never needed in production). */
  crawlFetch?: FetchLike | undefined;
}

/** The repositories of the knowledge domain. */
export type KnowledgeRepositories = Pick<
  Repositories,
  "knowledgeBases" | "documents" | "chunks" | "webSources" | "retrieval" | "departments" | "auditLogs"
>;

/** What the knowledge services are built from; the composition root passes them in. */
export interface KnowledgeDeps {
  config: Config;
  db: Db;
  repositories: KnowledgeRepositories;
  /** The job queue the pipeline's jobs (ingestion, crawls, re-embedding) are enqueued on. */
  queue: JobQueue;
  isServer: boolean;
  /** Who hears of documents that failed for good (set once the notification centre exists). */
  onIngestFailed?: (() => IngestFailureListener | undefined) | undefined;
}

/** Builds the knowledge services (bases, documents, web sources, pipeline, search). */
export function createKnowledgeServices(deps: KnowledgeDeps, providers: KnowledgeProviders) {
  const { repositories, db, queue } = deps;
  const embedders = createEmbedderRegistry(providers.embedder);
  const storage = providers.storage;
  return {
    embedders,
    knowledgeBases: createKnowledgeBaseService({ repositories, queue, embedders, storage }),
    documents: createDocumentService({
      repositories,
      queue,
      storage,
      uploadMaxBytes: deps.config.knowledge.uploadMaxBytes,
    }),
    webSources: createWebSourceService({ repositories, queue, storage }),
    search: createSearchService({ repositories, embedders, reranker: providers.reranker }),
    ingest: createIngestService({
      db,
      repositories,
      storage,
      embedders,
      questions: new HeuristicQuestionGenerator(),
      onFailed: deps.onIngestFailed,
    }),
    webSourceCrawler: createWebSourceCrawler({
      db,
      repositories,
      queue,
      storage,
      allowPrivateNetworks: deps.config.knowledge.crawlAllowPrivateNetworks,
      fetch: providers.crawlFetch,
    }),
    crawlScheduler: createCrawlScheduler({ db, repositories, queue }),
    reembed: createReembedService({
      db,
      repositories,
      embedders,
      ensureIndex: (model, dimensions) =>
        repositories.retrieval.ensureModelIndex(model, dimensions, { concurrently: deps.isServer }),
    }),
  };
}
