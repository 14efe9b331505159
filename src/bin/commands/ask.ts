import type { Command } from "commander";
import { z } from "zod";
import type { Container } from "../../app/container.js";
import { AppError, isAppError } from "../../lib/errors.js";
import type { OrganizationRow } from "../../repositories/org.repository.js";
import type { ServiceContext } from "../../services/context.js";
import { defaultAgentIdOf } from "../../services/orgs/default-agent.js";
import { createWorker } from "../../worker/index.js";
import { createAskPrinter } from "./ask-printer.js";

type WithContainer = <T>(
  work: (container: Container) => Promise<T>,
  options?: { migrate: boolean },
) => Promise<T>;

const askOptions = z.object({
  agent: z.string().trim().min(1, "--agent must name an assistant").max(200).optional(),
  conversation: z.uuid("--conversation must be a conversation id").optional(),
  org: z.string().optional(),
  as: z.email("--as must be an email address").optional(),
  json: z.boolean().optional(),
});

function parse(raw: unknown): z.infer<typeof askOptions> {
  const parsed = askOptions.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join("; "));
  if (parsed.data.agent && parsed.data.conversation) {
    throw new Error("--agent and --conversation cannot be combined: a conversation keeps its assistant");
  }
  return parsed.data;
}

/**
 * Embedded mode has no worker of its own while the server is stopped: documents queued by `seed` or
 * `ingest` would not be searchable yet. Catch up on due jobs first, like `ingest` does.
 */
async function catchUpOnJobs(container: Container): Promise<void> {
  if (container.database.kind === "postgres" && !container.config.worker.embedded) return;
  const due = await container.repositories.jobs.activeCount({ dueOnly: true });
  if (due === 0) return;
  process.stderr.write(`Processing ${due} queued job(s) first…\n`);
  try {
    await createWorker(container).runUntilIdle({ timeoutMs: 120_000 });
  } catch (error) {
    container.logger.warn({ err: error }, "queued jobs are still running; asking anyway");
  }
}

/** The conversation to ask in: the one given, or a new one with the named (or default) assistant. */
async function conversationFor(
  container: Container,
  ctx: ServiceContext,
  org: OrganizationRow,
  options: z.infer<typeof askOptions>,
): Promise<string> {
  if (options.conversation) return options.conversation;
  const { conversations, agents } = container.services;
  const agentId = options.agent ? undefined : defaultAgentIdOf(org);
  if (!options.agent && !agentId) {
    throw new Error(`Organisation "${org.slug}" has no default assistant; name one with --agent`);
  }
  try {
    const ref = options.agent ? { agentName: options.agent } : { agentId };
    return (await conversations.create(ctx, { ...ref, channel: "api" })).id;
  } catch (error) {
    if (!(isAppError(error) && error.code === "NOT_FOUND" && options.agent)) throw error;
    const visible = await agents.list(ctx, { enabled: true }, { page: 1, pageSize: 50 });
    const names = visible.items.map((a) => a.name).join(", ");
    throw new Error(
      `There is no assistant named "${options.agent}" you can talk to${names ? `; try one of: ${names}` : ""}`,
    );
  }
}

/** `atrium ask`: one question to an assistant, the answer streamed with its sources. */
export function registerAskCommand(program: Command, withContainer: WithContainer): void {
  program
    .command("ask")
    .description("ask an assistant a question; the cited answer streams to the terminal")
    .argument("<question>", "what to ask")
    .option("--agent <name>", "the assistant (default: the organisation's default assistant)")
    .option("--conversation <id>", "continue this conversation (its assistant answers)")
    .option("--org <slug>", "the organisation (default: the default organisation)")
    .option("--as <email>", "ask as this person (default: the organisation's owner)")
    .option("--json", "print the outcome as JSON when the turn ends instead of streaming")
    .action((question: string, raw: unknown) => {
      const options = parse(raw);
      return withContainer(async (container) => {
        const { services } = container;
        const org = await services.orgs.resolve(options.org);
        if (!org)
          throw new AppError("NOT_FOUND", "There is no default organisation; say which one with --org");
        const ctx = await services.actingUsers.contextFor(
          org.id,
          options.as,
          container.database.db,
          container.logger,
        );
        await catchUpOnJobs(container);
        const conversationId = await conversationFor(container, ctx, org, options);

        // Ctrl-C ends the turn (recorded as cancelled); a second one leaves at once.
        const abort = new AbortController();
        const onSigint = () => {
          if (abort.signal.aborted) process.exit(130);
          abort.abort();
        };
        process.on("SIGINT", onSigint);
        const printer = createAskPrinter();
        try {
          const outcome = await services.chat.sendMessage(
            ctx,
            conversationId,
            { text: question },
            { signal: abort.signal, onEvent: options.json ? undefined : printer.onEvent },
          );
          if (options.json) console.log(JSON.stringify(outcome, null, 2));
          else process.stderr.write(`(conversation ${conversationId}: continue with --conversation)\n`);
          if (outcome.status !== "done") {
            if (!options.json && !printer.failure) console.error(`Error: ${outcome.error.message}`);
            process.exitCode = abort.signal.aborted ? 130 : 1;
          }
        } finally {
          process.off("SIGINT", onSigint);
        }
      });
    });
}
