import type { JobHandler } from "../../jobs/handler.js";
import type { WebSourceCrawler } from "../../services/knowledge/index.js";

/** `web_source.crawl`: crawls a web source and queues ingestion of its new and changed pages. */
export function webSourceCrawlHandler(crawler: WebSourceCrawler): JobHandler<"web_source.crawl"> {
  return {
    run: (payload, job) =>
      crawler.crawlSource(payload.webSourceId, { signal: job.signal, logger: job.logger }),
    failed: (payload, error) => crawler.recordFailure(payload.webSourceId, error),
  };
}
