import type { Config } from "../../config/env.js";
import type { Db } from "../../db/client.js";
import { createJobQueue } from "../../jobs/queue.js";
import type { Embedder } from "../../providers/embeddings/index.js";
import type { Reranker } from "../../providers/rerank/reranker.js";
import type { BlobStorage } from "../../providers/storage/index.js";
import type { Repositories } from "../../repositories/index.js";
import { RetrievalRepository } from "../../repositories/retrieval.repository.js";
import type { FetchLike } from "./crawl/index.js";
import { createDocumentService } from "./document-service.js";
import { createIngestService } from "./ingest-document.js";
import { createEmbedderRegistry } from "./ingest-embedders.js";
import { createReembedService } from "./ingest-reembed.js";
import { createKnowledgeBaseService } from "./knowledge-base-service.js";
import { createSearchService } from "./search-service.js";
import { HeuristicQuestionGenerator } from "./synthetic-questions.js";
import { createWebSourceCrawler } from "./web-source-crawl.js";
import { createCrawlScheduler } from "./web-source-schedule.js";
import { createWebSourceService } from "./web-source-service.js";

/** The providers the composition root picked for the knowledge domain. */
export interface KnowledgeProviders {
  embedder: Embedder;
  storage: BlobStorage;
  reranker?: Reranker | undefined;
  /** Overrides the crawler's HTTP client (never needed in production). */
  crawlFetch?: FetchLike | undefined;
}

/** Builds the knowledge services (bases, documents, web sources, pipeline, search) and the job queue. */
export function createKnowledgeServices(
  deps: { config: Config; db: Db; repositories: Repositories; isServer: boolean },
  providers: KnowledgeProviders,
) {
  const { repositories, db } = deps;
  const queue = createJobQueue(repositories.jobs);
  const embedders = createEmbedderRegistry(providers.embedder);
  const storage = providers.storage;
  const retrieval = new RetrievalRepository(db);
  return {
    queue,
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
        retrieval.ensureModelIndex(model, dimensions, { concurrently: deps.isServer }),
    }),
  };
}
