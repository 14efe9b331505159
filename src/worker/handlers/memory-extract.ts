import type { JobHandler } from "../../jobs/handler.js";
import type { MemoryService } from "../../services/memory/memory-service.js";

/** `memory.extract`: rebuilds one user's employee profile from their latest messages. */
export function memoryExtractHandler(memory: MemoryService): JobHandler<"memory.extract"> {
  return {
    run: (payload, job) =>
      memory.extract(payload.orgId, payload.userId, { logger: job.logger, signal: job.signal }),
  };
}
