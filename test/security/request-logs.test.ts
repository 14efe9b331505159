import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createLogger, loggableUrl } from "../../src/lib/logger.js";
import { useTestApp } from "../setup/container.js";

/**
 * Query strings carry secrets: OAuth `code` and `state`, reset or invitation tokens pasted into links,
 * `?token=` on a stream. Fastify logs every incoming request with its URL, so without care each of
 * them lands in the log. These tests capture the log of real requests and look for the secrets.
 */

class Capture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.lines.push(...chunk.toString().split("\n").filter(Boolean));
    done();
  }
  get text() {
    return this.lines.join("\n");
  }
}

const SECRETS = {
  code: "oauth-code-4f1d9a7c2b",
  state: "oauth-state-e83b51aa90",
  token: "query-token-77c0de11ff",
  accessToken: "access-token-a1b2c3d4e5",
};

const requests = [
  `/auth/oauth/github/callback?code=${SECRETS.code}&state=${SECRETS.state}`,
  `/departments?token=${SECRETS.token}`,
  `/health?access_token=${SECRETS.accessToken}&plain`,
  `/no-such-route?${SECRETS.token}`,
];

function expectNoSecrets(capture: Capture) {
  // The requests were logged (so the check below is not vacuous), each with its path.
  expect(capture.lines.some((line) => line.includes('"msg":"incoming request"'))).toBe(true);
  expect(capture.text).toContain("/auth/oauth/github/callback");
  for (const secret of Object.values(SECRETS)) expect(capture.text).not.toContain(secret);
}

describe("attack: secrets in query strings reach the logs", () => {
  describe("with the server's logger", () => {
    const capture = new Capture();
    const t = useTestApp({ infra: { logger: createLogger("info", capture) } });

    it("logs the path and the query's names, never its values", async () => {
      for (const url of requests) await t.app.inject({ method: "GET", url });
      expectNoSecrets(capture);
      const urls = capture.lines
        .map((line) => JSON.parse(line) as { req?: { url?: string } })
        .flatMap((entry) => (entry.req?.url ? [entry.req.url] : []));
      expect(urls).toContain("/auth/oauth/github/callback?code=[redacted]&state=[redacted]");
      expect(urls).toContain("/departments?token=[redacted]");
    });
  });

  describe("with any logger handed to the container", () => {
    const capture = new Capture();
    const t = useTestApp({ infra: { logger: pino({ level: "info" }, capture) } });

    it("still keeps the query's values out", async () => {
      for (const url of requests) await t.app.inject({ method: "GET", url });
      expectNoSecrets(capture);
    });
  });

  it("loggableUrl keeps the path and redacts every value", () => {
    expect(loggableUrl("/a/b")).toBe("/a/b");
    expect(loggableUrl("/a?")).toBe("/a");
    expect(loggableUrl("/a?x=1&y&=z")).toBe("/a?x=[redacted]&_=[redacted]&_=[redacted]");
    expect(loggableUrl("/a?secret%3Dvalue")).toBe("/a?_=[redacted]");
  });
});
