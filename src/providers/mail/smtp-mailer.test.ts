import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SmtpMailer } from "./smtp-mailer.js";

/** Just enough of an SMTP server (RFC 5321, no TLS, no auth) to receive one message. */
function fakeSmtp(received: string[]): Server {
  return createServer((socket) => {
    let inData = false;
    let buffer = "";
    let message = "";
    socket.write("220 fake.test ESMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let end = buffer.indexOf("\r\n");
      while (end >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            received.push(message);
            message = "";
            socket.write("250 OK queued\r\n");
          } else message += `${line}\n`;
        } else if (/^(EHLO|HELO)/i.test(line)) socket.write("250 fake.test\r\n");
        else if (/^DATA/i.test(line)) {
          inData = true;
          socket.write("354 go ahead\r\n");
        } else if (/^QUIT/i.test(line)) socket.end("221 bye\r\n");
        else socket.write("250 OK\r\n");
        end = buffer.indexOf("\r\n");
      }
    });
  });
}

describe("SmtpMailer", () => {
  const received: string[] = [];
  const server = fakeSmtp(received);
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("delivers a message over SMTP with the configured sender", async () => {
    const mailer = new SmtpMailer(`smtp://127.0.0.1:${port}?ignoreTLS=true`, "Atrium <no-reply@atrium.test>");
    await mailer.send({
      to: "person@example.test",
      subject: "Hello there",
      text: "Plain body",
      html: "<p>Rich</p>",
    });
    await mailer.close();
    expect(received).toHaveLength(1);
    expect(received[0]).toContain("From: Atrium <no-reply@atrium.test>");
    expect(received[0]).toContain("To: person@example.test");
    expect(received[0]).toContain("Subject: Hello there");
    expect(received[0]).toContain("Plain body");
  });

  it("rejects when the server cannot be reached", async () => {
    const mailer = new SmtpMailer("smtp://127.0.0.1:1?connectionTimeout=500", "a@b.test");
    await expect(mailer.send({ to: "x@example.test", subject: "s", text: "t" })).rejects.toThrow();
  });
});
