import type { JobHandler } from "../../jobs/handler.js";
import type { IntentReembedService } from "../../services/intents/index.js";

/** `intent_examples.reembed`: embeds a namespace's intent examples with the current model. */
export function intentExamplesReembedHandler(
  service: IntentReembedService,
): JobHandler<"intent_examples.reembed"> {
  return {
    run: (payload, job) => service.reembed(payload, { signal: job.signal, logger: job.logger }),
  };
}
