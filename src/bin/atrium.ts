import { Command } from "commander";
import { type Container, createContainer } from "../app/container.js";
import { deploymentWarnings } from "../app/deployment-warnings.js";
import { ConfigError, loadConfig } from "../config/env.js";
import { runMigrations } from "../db/migrate.js";
import { buildApp } from "../http/app.js";
import { redactUrl } from "../lib/logger.js";
import { DEMO_CONTENT } from "../services/seed/demo-content.js";
import type { SeedResult } from "../services/seed/seed-demo.js";
import { demoContentChanged } from "../services/seed/seed-demo-content.js";
import { registerAskCommand } from "./commands/ask.js";
import { registerIdentityCommands } from "./commands/identity.js";
import { registerKnowledgeCommands } from "./commands/knowledge.js";
import { registerMailCommands } from "./commands/mail.js";
import { registerTemplateCommands } from "./commands/templates.js";
import { registerWorkerCommand, runWorkerUntilSignal } from "./commands/worker.js";

async function withContainer<T>(work: (container: Container) => Promise<T>, options = { migrate: false }) {
  const config = loadConfig();
  const container = await createContainer({ ...config, autoMigrate: config.autoMigrate || options.migrate });
  try {
    return await work(container);
  } finally {
    await container.close();
  }
}

/** Shown once, on the terminal only (never in the structured log), when the demo is created. */
function printDemoBanner(seeded: SeedResult, webUrl: string): void {
  console.log(
    [
      "",
      `  Demo organisation "${seeded.orgSlug}" created.`,
      `  Sign in as ${seeded.adminEmail} with password: ${seeded.password}`,
      "  (set DEMO_PASSWORD to choose it; other demo users share it)",
      `  Open ${webUrl} and sign in as employee@demo.atrium.local to chat with the HR Assistant.`,
      `  Assistants: ${DEMO_CONTENT.map((c) => c.agent.name).join(", ")} (${seeded.content.documentsAdded} documents queued for ingestion)`,
      '  Try: npx atrium ask "How many days of annual leave do I get?"',
      "",
    ].join("\n"),
  );
}

async function serve(options: { migrateAndSeed: boolean }): Promise<void> {
  const config = loadConfig();
  const container = await createContainer({
    ...config,
    autoMigrate: config.autoMigrate || options.migrateAndSeed,
  });
  const { logger } = container;
  if (options.migrateAndSeed && config.seedDemo) {
    const seeded = await container.services.seed.seedDemoIfEmpty();
    if (seeded) printDemoBanner(seeded, `http://${config.http.host}:${config.http.port}/`);
  }
  const app = await buildApp(container);
  const address = await app.listen({ host: config.http.host, port: config.http.port });
  logger.info(
    {
      address,
      database:
        config.database.kind === "postgres" ? redactUrl(config.database.url) : config.database.dataDir,
      cache: container.cache.kind,
    },
    "Atrium is serving",
  );
  for (const warning of deploymentWarnings(config, container.cache.kind)) {
    logger.warn({ code: warning.code }, warning.message);
  }
  const close = async () => {
    await app.close();
    await container.close();
    process.exit(0);
  };
  // `start` (and embedded mode) runs the job loop in this process; servers run `atrium worker`s.
  if (options.migrateAndSeed || config.worker.embedded) {
    runWorkerUntilSignal(container, { onStopped: close });
    return;
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    await close();
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

const program = new Command()
  .name("atrium")
  .description("Atrium: department-scoped AI assistants you can run yourself")
  .showHelpAfterError();

program
  .command("start")
  .description("migrate, create the demo organisation on an empty database, and serve (npm start)")
  .action(() => serve({ migrateAndSeed: true }));

program
  .command("serve")
  .description("serve the HTTP API")
  .action(() => serve({ migrateAndSeed: false }));

program
  .command("migrate")
  .description("apply pending database migrations (a no-op when up to date)")
  .action(() =>
    withContainer(async (container) => {
      await runMigrations(container.database);
      console.log("migrations applied");
    }),
  );

program
  .command("seed")
  .description(
    "create the demo organisation (departments, users, knowledge bases, assistants) or complete an existing one",
  )
  .action(() =>
    withContainer(
      async (container) => {
        const seeded = await container.services.seed.seedDemoIfEmpty();
        if (seeded) {
          const { host, port } = container.config.http;
          printDemoBanner(seeded, `http://${host}:${port}/ (after npm start)`);
          return;
        }
        // An existing demo organisation gets whatever demo content it lacks; other data is left alone.
        const added = await container.services.seed.completeDemo();
        if (added && demoContentChanged(added)) {
          console.log(
            `Demo organisation completed: ${added.knowledgeBases} knowledge base(s), ${added.documentsAdded} new and ${added.documentsUpdated} updated document(s) queued, ${added.agents} assistant(s), ${added.namespaces} namespace(s)`,
          );
        } else console.log("the database already has an organisation; nothing to seed");
      },
      { migrate: true },
    ),
  );

registerMailCommands(program);
registerIdentityCommands(program, withContainer);
registerKnowledgeCommands(program, withContainer);
registerAskCommand(program, withContainer);
registerTemplateCommands(program, withContainer);
registerWorkerCommand(program, async (options) => {
  const config = loadConfig();
  return createContainer({ ...config, autoMigrate: config.autoMigrate || (options?.migrate ?? false) });
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
