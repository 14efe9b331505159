import type { Command } from "commander";
import { loadConfig } from "../../config/env.js";
import { type OutboxEntry, outboxPath, readOutbox } from "../../providers/mail/outbox-mailer.js";

function formatEntry(entry: OutboxEntry): string {
  return [
    `Date:    ${entry.sentAt}`,
    `From:    ${entry.from}`,
    `To:      ${entry.to}`,
    `Subject: ${entry.subject}`,
    "",
    entry.text,
  ].join("\n");
}

/** `atrium mail outbox`: the development outbox (mail "sent" while SMTP_URL is unset). */
export function registerMailCommands(program: Command): void {
  const mail = program.command("mail").description("outgoing mail");
  mail
    .command("outbox")
    .description("print the development outbox (messages written while SMTP_URL is unset)")
    .option("-n, --last <count>", "how many of the latest messages to show", "10")
    .option("--json", "print one JSON object per line")
    .action(async (options: { last: string; json?: boolean }) => {
      const last = Number(options.last);
      if (!Number.isInteger(last) || last < 1) throw new Error("--last must be a whole number of at least 1");
      const config = loadConfig();
      const entries = await readOutbox(config.dataDir, last);
      if (options.json) {
        for (const entry of entries) console.log(JSON.stringify(entry));
        return;
      }
      if (config.mail.smtpUrl)
        console.log("(SMTP_URL is set: new mail goes out over SMTP, not to the outbox)\n");
      if (entries.length === 0) {
        console.log(`The outbox is empty (${outboxPath(config.dataDir)})`);
        return;
      }
      console.log(entries.map(formatEntry).join(`\n\n${"-".repeat(72)}\n\n`));
    });
}
