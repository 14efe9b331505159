import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

type Handler = (request: IncomingMessage, response: ServerResponse, site: FakeWebSite) => void;

/** A page with a title, a body and links, as a small intranet would serve it. */
export function htmlPage(title: string, body: string, head = ""): string {
  return `<!doctype html><html lang="en"><head><title>${title}</title>${head}</head><body><nav><a href="/">Home</a></nav><main><h1>${title}</h1>${body}</main><footer>Footer text</footer></body></html>`;
}

/**
 * A local web site for crawler tests, on 127.0.0.1 with a random port. Every request's path is logged
 * (`requests`) so tests can prove what was never fetched. `routes` can be changed between crawls.
 */
export class FakeWebSite {
  readonly requests: string[] = [];
  readonly routes = new Map<string, Handler>();
  private server: Server | undefined;

  get origin(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error("site not started");
    return `http://127.0.0.1:${address.port}`;
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  html(path: string, title: string, body: string, head = ""): this {
    this.routes.set(path, (_request, response) => {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(htmlPage(title, body, head));
    });
    return this;
  }

  redirect(path: string, location: string, status = 302): this {
    this.routes.set(path, (_request, response) => {
      response.writeHead(status, { location });
      response.end();
    });
    return this;
  }

  respond(path: string, status: number, contentType: string, body: string | Buffer): this {
    this.routes.set(path, (_request, response) => {
      response.writeHead(status, { "content-type": contentType });
      response.end(body);
    });
    return this;
  }

  route(path: string, handler: Handler): this {
    this.routes.set(path, handler);
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://local");
      this.requests.push(`${url.pathname}${url.search}`);
      const handler = this.routes.get(`${url.pathname}${url.search}`) ?? this.routes.get(url.pathname);
      if (handler) return handler(request, response, this);
      response.writeHead(404, { "content-type": "text/html" });
      response.end("<h1>Not found</h1>");
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return this;
  }

  requested(path: string): boolean {
    return this.requests.includes(path);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * The intranet every crawler test walks: robots.txt with a disallowed folder (and an allowed page in it),
 * a sitemap naming an unlinked page, a redirect chain, a redirect loop, a link cycle, a broken link, a
 * canonical duplicate, a mirror with identical text, a binary file, an oversized page, a page slower than
 * the timeout, a nofollow page, and links to another origin that must never be followed.
 */
export async function startIntranet(other: FakeWebSite): Promise<FakeWebSite> {
  const site = new FakeWebSite();
  const offOrigin = other.url("/external");
  site
    .respond(
      "/robots.txt",
      200,
      "text/plain",
      "User-agent: *\nDisallow: /private\nAllow: /private/open\n\nUser-agent: OtherBot\nDisallow: /\n",
    )
    .route("/sitemap.xml", (_request, response, self) => {
      response.writeHead(200, { "content-type": "application/xml" });
      response.end(
        `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc>${self.url("/from-sitemap")}</loc></url><url><loc>${self.url("/private/hidden")}</loc></url>
        <url><loc>${offOrigin}</loc></url></urlset>`,
      );
    })
    .html(
      "/",
      "Welcome",
      `<p>Intranet home.</p>
      <a href="/page-a">A</a> <a href="/page-a#top">A again</a> <a href="page-b">B</a> <a href="/r1">moved</a>
      <a href="/loop-a">loop</a> <a href="/missing">broken</a> <a href="/dup?ref=home">dup</a> <a href="/mirror">mirror</a>
      <a href="/files/report.bin">binary</a> <a href="/big">big</a> <a href="/slow">slow</a>
      <a href="/private/secret">secret</a> <a href="/private/open">open</a> <a href="/notes.txt">notes</a>
      <a href="/redirect-away">away</a> <a href="${offOrigin}">external</a> <a href="mailto:it@example.com">mail</a>
      <a href="/quiet">quiet</a> <a href="/paid" rel="nofollow">paid</a>`,
    )
    .html(
      "/page-a",
      "Page A",
      '<p>Alpha content.</p><a href="/page-b">B</a><a href="/">home</a>',
      '<link rel="canonical" href="/page-a">',
    )
    .html("/page-b", "Page B", '<p>Bravo content.</p><a href="/page-a">A</a><a href="/deep/1">deeper</a>')
    .html("/deep/1", "Deep one", '<p>One level down.</p><a href="/deep/2">deeper</a>')
    .html("/deep/2", "Deep two", "<p>Two levels down.</p>")
    .html("/dup", "Page A copy", "<p>Alpha content, tracked.</p>", '<link rel="canonical" href="/page-a">')
    .html("/mirror", "Page B", '<p>Bravo content.</p><a href="/page-a">A</a><a href="/deep/1">deeper</a>')
    .html("/final", "Final", "<p>Reached after three redirects.</p>")
    .html("/from-sitemap", "Sitemap only", "<p>Only the sitemap links here.</p>")
    .html("/private/secret", "Secret", "<p>Must not be crawled.</p>")
    .html("/private/hidden", "Hidden", "<p>Must not be crawled either.</p>")
    .html("/private/open", "Open", "<p>Allowed by a longer rule.</p>")
    .html(
      "/quiet",
      "Quiet",
      '<p>Do not index me.</p><a href="/deep/2">d</a>',
      '<meta name="robots" content="noindex">',
    )
    .html("/paid", "Paid", "<p>Nofollow target.</p>")
    .respond("/notes.txt", 200, "text/plain; charset=utf-8", "Plain notes\r\nsecond line")
    .respond("/files/report.bin", 200, "application/octet-stream", Buffer.alloc(2048, 1))
    .redirect("/r1", "/r2", 301)
    .redirect("/r2", "r3", 302)
    .redirect("/r3", "/final", 307)
    .redirect("/loop-a", "/loop-b")
    .redirect("/loop-b", "/loop-a")
    .redirect("/redirect-away", offOrigin)
    .route("/big", (_request, response) => {
      // Chunked, no Content-Length: the limit must be enforced while streaming.
      response.writeHead(200, { "content-type": "text/html" });
      const chunk = `<p>${"x".repeat(16 * 1024)}</p>`;
      let sent = 0;
      const pump = () => {
        while (sent < 200 && response.write(chunk)) sent++;
        if (sent >= 200) response.end();
        else response.once("drain", pump);
      };
      response.on("error", () => undefined);
      pump();
    })
    .route("/slow", (_request, response) => {
      const timer = setTimeout(() => {
        response.writeHead(200, { "content-type": "text/html" });
        response.end(htmlPage("Slow", "<p>Too late.</p>"));
      }, 5_000);
      response.on("close", () => clearTimeout(timer));
    });
  return site.start();
}
