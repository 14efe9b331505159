/** One outgoing e-mail. `text` is always sent; `html` is an optional richer alternative. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
}

/** Sends mail. Implementations: SMTP (nodemailer) in production, a file outbox in development. */
export interface Mailer {
  readonly kind: string;
  send(message: MailMessage): Promise<void>;
  close?(): Promise<void>;
}
