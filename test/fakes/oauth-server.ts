import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface GithubAccount {
  id: number;
  login: string;
  name?: string;
  emails: Array<{ email: string; primary: boolean; verified: boolean }>;
}

export interface GoogleAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
}

type Grant =
  | { provider: "github"; redirectUri: string; account: GithubAccount }
  | { provider: "google"; redirectUri: string; account: GoogleAccount };

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** How the token endpoints misbehave, to test Atrium's error handling. */
export type TokenFailure = "server_error" | "not_json" | "hang" | undefined;

/**
 * A local OAuth provider speaking the real GitHub and Google authorization-code protocols: token
 * endpoints check client id, secret, code (single use) and redirect_uri; user-info endpoints check the
 * bearer token. Codes are minted by the test with `grant()` (the consent page is not needed).
 *
 * GitHub lives under /github (OAuth) and /github-api (REST); Google under /google.
 */
export class FakeOAuthServer {
  readonly requests: FakeRequest[] = [];
  tokenFailure: TokenFailure;
  private server: Server | undefined;
  private readonly codes = new Map<string, Grant>();
  private readonly tokens = new Map<string, Grant>();
  private port = 0;

  constructor(readonly clients: Record<"github" | "google", { id: string; secret: string }>) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The environment that points Atrium at this server. */
  env(): Record<string, string> {
    return {
      GITHUB_CLIENT_ID: this.clients.github.id,
      GITHUB_CLIENT_SECRET: this.clients.github.secret,
      GITHUB_OAUTH_BASE_URL: `${this.baseUrl}/github`,
      GITHUB_API_BASE_URL: `${this.baseUrl}/github-api`,
      GOOGLE_CLIENT_ID: this.clients.google.id,
      GOOGLE_CLIENT_SECRET: this.clients.google.secret,
      GOOGLE_OAUTH_BASE_URL: `${this.baseUrl}/google`,
      GOOGLE_TOKEN_URL: `${this.baseUrl}/google/token`,
      GOOGLE_USERINFO_URL: `${this.baseUrl}/google/userinfo`,
    };
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** What the consent page would do: a one-time code for this account and redirect_uri. */
  grant(provider: "github", redirectUri: string, account: GithubAccount): string;
  grant(provider: "google", redirectUri: string, account: GoogleAccount): string;
  grant(provider: "github" | "google", redirectUri: string, account: GithubAccount | GoogleAccount): string {
    const code = randomBytes(12).toString("hex");
    this.codes.set(code, { provider, redirectUri, account } as Grant);
    return code;
  }

  /**
   * The account a browser "consents" as on the authorize pages (GET …/authorize redirects straight
   * back with a code), for browser journeys; without it, tests mint codes with `grant()`.
   */
  consentAs: { github?: GithubAccount; google?: GoogleAccount } = {};

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", this.baseUrl);
    this.requests.push({ method: req.method ?? "GET", path: url.pathname, headers: req.headers, body });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };

    const route = `${req.method} ${url.pathname}`;
    const consent =
      route === "GET /github/login/oauth/authorize"
        ? "github"
        : route === "GET /google/o/oauth2/v2/auth"
          ? "google"
          : undefined;
    if (consent) return this.consent(consent, url, res);
    if (route === "POST /github/login/oauth/access_token") return this.token("github", body, req, res, send);
    if (route === "POST /google/token") return this.token("google", body, req, res, send);

    const grant = this.bearer(req);
    if (route === "GET /github-api/user" || route === "GET /github-api/user/emails") {
      if (grant?.provider !== "github") return send(401, { message: "Bad credentials" });
      if (!req.headers["user-agent"]) return send(403, { message: "User-Agent required" });
      const { emails, ...user } = grant.account;
      return url.pathname.endsWith("/emails")
        ? send(200, emails)
        : send(200, { ...user, avatar_url: null, email: null });
    }
    if (route === "GET /google/userinfo") {
      if (grant?.provider !== "google") return send(401, { error: "invalid_token" });
      return send(200, grant.account);
    }
    send(404, { message: "Not Found" });
  }

  private consent(provider: "github" | "google", url: URL, res: ServerResponse): void {
    const account = this.consentAs[provider];
    const redirectUri = url.searchParams.get("redirect_uri") ?? "";
    if (!account || url.searchParams.get("client_id") !== this.clients[provider].id || !redirectUri) {
      res.writeHead(400, { "content-type": "text/plain" });
      res.end("no consent configured");
      return;
    }
    const code = this.grant(provider as "github", redirectUri, account as GithubAccount);
    const back = new URL(redirectUri);
    back.searchParams.set("code", code);
    back.searchParams.set("state", url.searchParams.get("state") ?? "");
    res.writeHead(302, { location: back.toString() });
    res.end();
  }

  private bearer(req: IncomingMessage): Grant | undefined {
    const match = /^(?:Bearer|token) (\S+)$/i.exec(req.headers.authorization ?? "");
    return match ? this.tokens.get(match[1]!) : undefined;
  }

  private token(
    provider: "github" | "google",
    body: string,
    req: IncomingMessage,
    res: ServerResponse,
    send: (status: number, payload: unknown) => void,
  ): void {
    if (this.tokenFailure === "hang") return; // never answers; the caller's timeout must fire
    if (this.tokenFailure === "server_error") {
      send(502, { error: "bad_gateway" });
      return;
    }
    if (this.tokenFailure === "not_json") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>maintenance</html>");
      return;
    }
    const form = new URLSearchParams(body);
    const code = form.get("code") ?? "";
    const grant = this.codes.get(code);
    this.codes.delete(code);
    const refusal = this.refusal(provider, form, grant);
    if (refusal) {
      // GitHub answers errors with 200 and an `error` field; Google with 400/401.
      send(provider === "github" ? 200 : refusal.status, { error: refusal.error });
      return;
    }
    if (!String(req.headers.accept ?? "").includes("application/json")) {
      // GitHub's default answer is form-encoded; Atrium must ask for JSON.
      res.writeHead(200, { "content-type": "application/x-www-form-urlencoded" });
      res.end("access_token=unusable");
      return;
    }
    const accessToken = randomBytes(16).toString("hex");
    this.tokens.set(accessToken, grant!);
    send(200, { access_token: accessToken, token_type: "bearer", scope: "read:user,user:email" });
  }

  /** Why the token endpoint refuses this request, in each provider's own error codes; undefined if it does not. */
  private refusal(
    provider: "github" | "google",
    form: URLSearchParams,
    grant: Grant | undefined,
  ): { status: number; error: string } | undefined {
    const client = this.clients[provider];
    const github = provider === "github";
    if (form.get("client_id") !== client.id || form.get("client_secret") !== client.secret) {
      return { status: 401, error: github ? "incorrect_client_credentials" : "invalid_client" };
    }
    if (!github && form.get("grant_type") !== "authorization_code") {
      return { status: 400, error: "unsupported_grant_type" };
    }
    if (grant?.provider !== provider) {
      return { status: 400, error: github ? "bad_verification_code" : "invalid_grant" };
    }
    if (form.get("redirect_uri") !== grant.redirectUri) {
      return { status: 400, error: github ? "redirect_uri_mismatch" : "invalid_grant" };
    }
    return undefined;
  }
}
