import type { MailMessage } from "../../providers/mail/index.js";

/** The invitation e-mail: plain text, with the link and when it stops working. */
export function invitationMail(input: {
  to: string;
  orgName: string;
  acceptUrl: string;
  expiresAt: Date;
}): MailMessage {
  return {
    to: input.to,
    subject: `You are invited to ${input.orgName} on Atrium`,
    text: [
      `You have been invited to join ${input.orgName} on Atrium.`,
      "",
      `Accept the invitation and choose your password here:`,
      input.acceptUrl,
      "",
      `The link works once and expires on ${input.expiresAt.toUTCString()}.`,
      "If you did not expect this invitation, ignore this message.",
    ].join("\n"),
  };
}
