import type { Config } from "../../config/env.js";
import type { Mailer } from "./mailer.js";
import { OutboxMailer } from "./outbox-mailer.js";
import { SmtpMailer } from "./smtp-mailer.js";

export type { Mailer, MailMessage } from "./mailer.js";

/** SMTP when SMTP_URL is set, otherwise the development outbox in the data folder. */
export function createMailer(config: Config): Mailer {
  return config.mail.smtpUrl
    ? new SmtpMailer(config.mail.smtpUrl, config.mail.from)
    : new OutboxMailer(config.dataDir, config.mail.from);
}
