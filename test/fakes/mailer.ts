import type { Mailer, MailMessage } from "../../src/providers/mail/index.js";

/** A Mailer that keeps what it is given; `failWith` makes the next sends throw. */
export class FakeMailer implements Mailer {
  readonly kind = "fake";
  readonly sent: MailMessage[] = [];
  failWith: Error | undefined;

  async send(message: MailMessage): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push(message);
  }

  to(email: string): MailMessage[] {
    return this.sent.filter((m) => m.to === email);
  }

  clear(): void {
    this.sent.length = 0;
  }
}

/** The `token` query parameter of the first link in a message. */
export function tokenFromMail(message: MailMessage | undefined): string {
  const link = message?.text.match(/https?:\/\/\S+/)?.[0];
  const token = link ? new URL(link).searchParams.get("token") : null;
  if (!token) throw new Error("the message carries no link with a token");
  return token;
}
