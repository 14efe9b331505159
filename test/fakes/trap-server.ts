import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface TrapRequest {
  method: string;
  url: string;
  host: string;
  headers: IncomingHttpHeaders;
}

/**
 * What an SSRF attack aims at: a service only the server can reach. It listens on every local address
 * (`::`, dual-stack), so 127.0.0.1, ::1, 0.0.0.0, ::ffff:127.0.0.1 and `localhost` all reach it, and
 * records every request; an attack held when `requests` stays empty. Paths under `/redirect/` answer
 * 302 to the target given with `redirect(path, location)`; anything else answers a small HTML page that
 * echoes the Authorization header (a tool endpoint that gives secrets back).
 */
export async function startTrapServer() {
  const requests: TrapRequest[] = [];
  const redirects = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    requests.push({
      method: req.method ?? "",
      url: req.url ?? "",
      host: req.headers.host ?? "",
      headers: req.headers,
    });
    const path = new URL(req.url ?? "/", "http://trap").pathname;
    const location = redirects.get(path);
    if (location) {
      res.writeHead(302, { location }).end();
      return;
    }
    if (path === "/robots.txt") {
      res.writeHead(404).end();
      return;
    }
    const echoed = JSON.stringify({ path, authorization: req.headers.authorization ?? null });
    res
      .writeHead(200, { "content-type": "text/html" })
      .end(
        `<html><head><title>Internal</title></head><body><p>Internal secret page ${echoed}</p></body></html>`,
      );
  });
  await new Promise<void>((resolve) => server.listen(0, "::", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    requests,
    /** Requests whose path starts with `prefix`. */
    hits: (prefix: string) => requests.filter((r) => r.url.startsWith(prefix)),
    redirect(path: string, location: string) {
      redirects.set(path, location);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type TrapServer = Awaited<ReturnType<typeof startTrapServer>>;
