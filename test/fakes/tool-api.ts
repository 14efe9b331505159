import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeToolApi = Awaited<ReturnType<typeof startFakeToolApi>>;

/** A small real HTTP API for HTTP tools: echoes, a slow route, a big one, a redirect to another host. */
export async function startFakeToolApi() {
  const seen: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = [];
  const server: Server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    seen.push({ url: req.url ?? "", headers: req.headers, body: Buffer.concat(parts).toString("utf8") });
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname.startsWith("/slow")) {
      setTimeout(() => res.writeHead(200).end("late"), 1_500);
    } else if (url.pathname.startsWith("/big")) {
      res.writeHead(200, { "content-type": "text/plain" }).end("x".repeat(5_000));
    } else if (url.pathname.startsWith("/stream-big")) {
      // No content-length: the limit must hold while streaming.
      res.writeHead(200, { "content-type": "text/plain" });
      for (let i = 0; i < 10; i++) res.write("y".repeat(1_000));
      res.end();
    } else if (url.pathname.startsWith("/away")) {
      res
        .writeHead(302, { location: `http://localhost:${(server.address() as AddressInfo).port}/items/1` })
        .end();
    } else if (url.pathname.startsWith("/echo")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ path: url.pathname, query: url.search, auth: req.headers.authorization }));
    } else if (url.pathname.startsWith("/text")) {
      res.writeHead(200, { "content-type": "text/plain" }).end("plain words");
    } else {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"no such item"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
