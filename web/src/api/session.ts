import { apiErrorOf } from "./errors";

/**
 * The signed-in session. The access token lives in this module's memory only; the refresh token is
 * an HttpOnly cookie the server sets on /auth/session (scripts never see it). A reload restores the
 * session from the cookie. Refreshes are serialised across tabs with a Web Lock: each rotates the
 * cookie, and two tabs presenting the same cookie at once would look like token theft to the server.
 */
interface WebSession {
  accessToken: string;
  expiresIn: number;
}

let accessToken: string | null = null;
let expiresAt = 0;
let restoring: Promise<boolean> | null = null;
let refreshing: Promise<boolean> | null = null;
const expiredListeners = new Set<() => void>();

function store(session: WebSession): void {
  accessToken = session.accessToken;
  // Refresh a little early so a request never leaves with a token about to expire.
  expiresAt = Date.now() + Math.max(5, session.expiresIn - 30) * 1000;
}

function forget(): void {
  accessToken = null;
  expiresAt = 0;
}

async function post(path: string, body?: unknown): Promise<Response> {
  return fetch(path, {
    method: "POST",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? null : JSON.stringify(body),
    credentials: "same-origin",
  });
}

async function withLock<T>(work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
  return locks ? locks.request("atrium-session-refresh", work) : work();
}

async function refreshNow(): Promise<boolean> {
  return withLock(async () => {
    const response = await post("/auth/session/refresh");
    if (!response.ok) {
      forget();
      return false;
    }
    store((await response.json()) as WebSession);
    return true;
  });
}

export const session = {
  get token(): string | null {
    return accessToken;
  },

  get signedIn(): boolean {
    return accessToken !== null;
  },

  async signIn(email: string, password: string): Promise<void> {
    const response = await post("/auth/session", { email, password });
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) throw apiErrorOf(response.status, body);
    store(body as WebSession);
  },

  /** Restores the session from the cookie once per page load; true when signed in. */
  ensure(): Promise<boolean> {
    if (accessToken) return Promise.resolve(true);
    restoring ??= refreshNow().finally(() => {
      restoring = null;
    });
    return restoring;
  },

  /** A fresh access token when the current one is about to expire (single flight). */
  async fresh(): Promise<string | null> {
    if (accessToken && Date.now() < expiresAt) return accessToken;
    return (await this.refresh()) ? accessToken : null;
  },

  refresh(): Promise<boolean> {
    refreshing ??= refreshNow().finally(() => {
      refreshing = null;
    });
    return refreshing;
  },

  async signOut(): Promise<void> {
    forget();
    await fetch("/auth/session", { method: "DELETE", credentials: "same-origin" }).catch(() => undefined);
  },

  /** The server no longer accepts this session (revoked, expired): the app sends the person to sign in. */
  expired(): void {
    forget();
    for (const listener of expiredListeners) listener();
  },

  onExpired(listener: () => void): () => void {
    expiredListeners.add(listener);
    return () => expiredListeners.delete(listener);
  },
};
