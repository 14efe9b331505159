import type { JobHandler } from "../../jobs/handler.js";
import { isPermanentError } from "../../jobs/runner.js";
import type { IngestService } from "../../services/knowledge/index.js";

/** `document.ingest`: runs the pipeline; a failure is written on the document before it is rethrown. */
export function documentIngestHandler(ingest: IngestService): JobHandler<"document.ingest"> {
  return {
    async run(payload, job) {
      try {
        return await ingest.ingest(payload.documentId, {
          revision: payload.revision,
          attempt: job.attempt,
          final: job.final,
          signal: job.signal,
          logger: job.logger,
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await ingest.recordFailure(payload.documentId, message, {
          final: job.final || isPermanentError(error),
          attempt: job.attempt,
        });
        throw error;
      }
    },
    failed: (payload, error) => ingest.recordFailure(payload.documentId, error, { final: true }),
  };
}
