import type { JobHandler } from "../../jobs/handler.js";
import type { ReembedService } from "../../services/knowledge/index.js";

/** `knowledge_base.reembed`: embeds a base with its pending model, then switches to it. */
export function knowledgeBaseReembedHandler(reembed: ReembedService): JobHandler<"knowledge_base.reembed"> {
  return {
    run: (payload, job) =>
      reembed.reembed(payload.knowledgeBaseId, payload.model, { signal: job.signal, logger: job.logger }),
  };
}
