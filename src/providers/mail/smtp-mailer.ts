import { createTransport, type Transporter } from "nodemailer";
import type { Mailer, MailMessage } from "./mailer.js";

/** SMTP through nodemailer; `smtpUrl` is `smtp://user:pass@host:587` or `smtps://…:465`. */
export class SmtpMailer implements Mailer {
  readonly kind = "smtp";
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.transport = createTransport(smtpUrl);
  }

  async send(message: MailMessage): Promise<void> {
    await this.transport.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.html ? { html: message.html } : {}),
    });
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
