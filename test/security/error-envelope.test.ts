import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCodes } from "../../src/lib/errors.js";
import { useTestApp } from "../setup/container.js";

/**
 * Every error the server sends — its own and Fastify's or Node's (a body or headers too large, a
 * content type no route reads, an unknown route, JSON that does not parse, a request line that does
 * not parse) — has the API's envelope `{error: {code, message, requestId}}`, a code from the closed
 * set and exactly that code's status. Before, 431 and unparseable requests answered with Fastify's
 * own body, 415 answered 400, and 413 carried LIMIT_EXCEEDED (a 429 code: "retry later").
 */

type Envelope = { error: { code: string; message: string; requestId: string } };

function expectEnvelope(status: number, body: string, headers: Record<string, unknown>, code: string) {
  const parsed = JSON.parse(body) as Envelope;
  expect(Object.keys(parsed)).toEqual(["error"]);
  expect(parsed.error.code).toBe(code);
  expect(status).toBe(errorCodes[code as keyof typeof errorCodes]);
  expect(parsed.error.message).toEqual(expect.any(String));
  expect(parsed.error.requestId).toBe(headers["x-request-id"]);
  expect(String(headers["content-type"])).toMatch(/^application\/json/);
}

/** One raw HTTP exchange over a socket: what Node's parser sees before Fastify does. */
function rawRequest(
  port: number,
  request: string,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", () => undefined); // the server closes the connection after its answer
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const [head = "", ...rest] = text.split("\r\n\r\n");
      const [statusLine = "", ...lines] = head.split("\r\n");
      const status = Number(statusLine.split(" ")[1]);
      if (!status) return reject(new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      const headers = Object.fromEntries(
        lines.map((line) => {
          const at = line.indexOf(":");
          return [line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim()];
        }),
      );
      resolve({ status, headers, body: rest.join("\r\n\r\n") });
    });
    socket.write(request);
  });
}

describe("attack: errors outside the API's envelope", () => {
  const t = useTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "1000" } });
  let port = 0;

  beforeAll(async () => {
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    port = (t.app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    // useTestApp closes the app (and with it the server).
  });

  it("431: headers over Node's limit", async () => {
    const res = await rawRequest(
      port,
      `GET /health HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${"a".repeat(20_000)}\r\n\r\n`,
    );
    expectEnvelope(res.status, res.body, res.headers, "HEADERS_TOO_LARGE");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("400: a request line that does not parse", async () => {
    const res = await rawRequest(port, "THIS IS NOT HTTP\r\n\r\n");
    expectEnvelope(res.status, res.body, res.headers, "VALIDATION");
  });

  it("413: a JSON body over the API's limit", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/auth/login",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ email: "a@b.example", password: "x".repeat(2_000_000) }),
    });
    expectEnvelope(res.statusCode, res.body, res.headers, "PAYLOAD_TOO_LARGE");
  });

  it("415: a content type no route reads", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/auth/login",
      headers: { "content-type": "application/xml" },
      payload: "<login/>",
    });
    expectEnvelope(res.statusCode, res.body, res.headers, "UNSUPPORTED_MEDIA_TYPE");
  });

  it("404: a route that does not exist", async () => {
    const res = await t.app.inject({ method: "DELETE", url: "/no/such/route?x=1" });
    expectEnvelope(res.statusCode, res.body, res.headers, "NOT_FOUND");
  });

  it("400: JSON that does not parse, and an empty JSON body", async () => {
    for (const payload of ['{"email": "a@b.example",', ""]) {
      const res = await t.app.inject({
        method: "POST",
        url: "/auth/login",
        headers: { "content-type": "application/json" },
        payload,
      });
      expectEnvelope(res.statusCode, res.body, res.headers, "VALIDATION");
    }
  });

  it("the same answers over a real socket as through inject (413 on a listening server)", async () => {
    const body = JSON.stringify({ email: "a@b.example", password: "x".repeat(1_100_000) });
    const res = await rawRequest(
      port,
      `POST /auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expectEnvelope(res.status, res.body, res.headers, "PAYLOAD_TOO_LARGE");
  });
});

describe("attack: errors outside the API's envelope while the server shuts down", () => {
  const t = useTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "1000" } });

  it("503: a request arriving on an open connection during shutdown", async () => {
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    const port = (t.app.server.address() as { port: number }).port;
    const socket = connect(port, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", () => undefined);
    const ended = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    // A first request is under way (its body not all sent) when the shutdown starts…
    const body = JSON.stringify({ email: "a@b.example", password: "not-the-password" });
    socket.write(
      `POST /auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = t.app.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // …then it ends, and a second request follows on the same connection.
    socket.write(`${body.slice(5)}GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    await ended;
    await closed;
    const text = Buffer.concat(chunks).toString("utf8");
    const answers = text.split(/(?=HTTP\/1\.1 )/).filter(Boolean);
    expect(answers.length, text).toBe(2);
    const last = answers[1]!;
    const [head = "", rest = ""] = last.split("\r\n\r\n");
    expect(head).toMatch(/^HTTP\/1\.1 503/);
    const length = Number(/content-length: (\d+)/i.exec(head)?.[1]);
    const parsed = JSON.parse(rest.slice(0, length)) as Envelope;
    expect(parsed.error.code).toBe("UNAVAILABLE");
    expect(parsed.error.requestId).toBe(/x-request-id: (\S+)/i.exec(head)?.[1]);
  });
});
