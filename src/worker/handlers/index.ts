import type { JobHandlers } from "../../jobs/handler.js";
import type { ApprovalService } from "../../services/approvals/approval-service.js";
import type { IntentReembedService } from "../../services/intents/index.js";
import type { IngestService, ReembedService, WebSourceCrawler } from "../../services/knowledge/index.js";
import type { MemoryService } from "../../services/memory/memory-service.js";
import type { ScheduleRunner } from "../../services/schedules/index.js";
import type { GenerationService } from "../../services/templates/generation-service.js";
import { approvalResumeHandler } from "./approval-resume.js";
import { documentIngestHandler } from "./document-ingest.js";
import { intentExamplesReembedHandler } from "./intent-examples-reembed.js";
import { knowledgeBaseReembedHandler } from "./knowledge-base-reembed.js";
import { memoryExtractHandler } from "./memory-extract.js";
import { scheduleRunHandler } from "./schedule-run.js";
import { webSourceCrawlHandler } from "./web-source-crawl.js";

/** Every job kind's handler, built from the container's services. */
export function createJobHandlers(services: {
  ingest: IngestService;
  webSourceCrawler: WebSourceCrawler;
  reembed: ReembedService;
  memory: MemoryService;
  intentReembed: IntentReembedService;
  approvals: ApprovalService;
  documentGenerations: GenerationService;
  scheduleRunner: ScheduleRunner;
}): JobHandlers {
  return {
    "document.ingest": documentIngestHandler(services.ingest),
    "web_source.crawl": webSourceCrawlHandler(services.webSourceCrawler),
    "knowledge_base.reembed": knowledgeBaseReembedHandler(services.reembed),
    "memory.extract": memoryExtractHandler(services.memory),
    "intent_examples.reembed": intentExamplesReembedHandler(services.intentReembed),
    "approval.resume": approvalResumeHandler(services.approvals),
    "document.generate": {
      run: (payload, job) =>
        services.documentGenerations.renderQueued(payload.orgId, payload.generationId, job.logger),
    },
    "schedule.run": scheduleRunHandler(services.scheduleRunner),
  };
}
