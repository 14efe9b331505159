import { z } from "zod";
import type { OAuthProviderConfig } from "../../config/env.js";
import { AppError } from "../../lib/errors.js";
import type { OAuthProviderName } from "./oauth-state.js";

/** What Atrium keeps from a provider's account. `email` is set only when the provider verified it. */
export interface OAuthProfile {
  provider: OAuthProviderName;
  providerId: string;
  email: string | null;
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  avatarUrl: string | null;
}

export const OAUTH_SCOPES: Record<OAuthProviderName, string> = {
  github: "read:user user:email",
  google: "openid email profile",
};

const LABELS: Record<OAuthProviderName, string> = { github: "GitHub", google: "Google" };

const tokenAnswer = z.object({
  access_token: z.string().min(1).optional(),
  error: z.string().optional(),
});
const githubUser = z.object({
  id: z.union([z.number(), z.string()]),
  login: z.string().optional(),
  name: z.string().nullish(),
  avatar_url: z.string().nullish(),
});
const githubEmails = z.array(z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }));
const googleUser = z.object({
  sub: z.string().min(1),
  email: z.string().optional(),
  email_verified: z.union([z.boolean(), z.enum(["true", "false"])]).optional(),
  name: z.string().nullish(),
  given_name: z.string().nullish(),
  family_name: z.string().nullish(),
  picture: z.string().nullish(),
});

/** Speaks the authorization-code protocol to one provider; every failure becomes a clean AppError. */
export function createOAuthClient(
  provider: OAuthProviderName,
  config: OAuthProviderConfig,
  timeoutMs: number,
) {
  const label = LABELS[provider];
  const unreachable = (cause?: unknown) =>
    new AppError("UNAVAILABLE", `Could not reach ${label}; try again shortly`, { provider }, { cause });
  const unexpected = () =>
    new AppError("UNAVAILABLE", `${label} gave an answer Atrium does not understand`, { provider });

  async function call<T>(url: string, init: RequestInit, schema: z.ZodType<T>): Promise<T> {
    let response: Response;
    try {
      response = await fetch(url, { ...init, redirect: "error", signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw unreachable(error);
    }
    if (response.status >= 500 || response.status === 429) throw unreachable();
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw response.ok ? unexpected() : refused(response.status);
    }
    if (!response.ok) throw refused(response.status, body);
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw unexpected();
    return parsed.data;
  }

  function refused(status: number, body?: unknown): AppError {
    const code = (body as { error?: unknown } | undefined)?.error;
    const reason = typeof code === "string" && /^[a-z_]{1,64}$/.test(code) ? code : `HTTP ${status}`;
    return new AppError("UNAUTHORIZED", `${label} refused the sign-in (${reason}); start again`, {
      provider,
    });
  }

  const bearer = (accessToken: string) => ({
    authorization: `Bearer ${accessToken}`,
    accept: provider === "github" ? "application/vnd.github+json" : "application/json",
    // GitHub rejects API calls without a User-Agent.
    "user-agent": "Atrium",
  });

  async function githubProfile(accessToken: string): Promise<OAuthProfile> {
    const user = await call(config.userInfoUrl, { headers: bearer(accessToken) }, githubUser);
    const emails = config.emailsUrl
      ? await call(config.emailsUrl, { headers: bearer(accessToken) }, githubEmails)
      : [];
    const primary = emails.find((e) => e.primary && e.verified);
    return {
      provider,
      providerId: String(user.id),
      email: primary ? primary.email.toLowerCase() : null,
      name: user.name ?? user.login ?? null,
      firstName: null,
      lastName: null,
      avatarUrl: user.avatar_url ?? null,
    };
  }

  async function googleProfile(accessToken: string): Promise<OAuthProfile> {
    const user = await call(config.userInfoUrl, { headers: bearer(accessToken) }, googleUser);
    const verified = user.email_verified === true || user.email_verified === "true";
    return {
      provider,
      providerId: user.sub,
      email: verified && user.email ? user.email.toLowerCase() : null,
      name: user.name ?? null,
      firstName: user.given_name ?? null,
      lastName: user.family_name ?? null,
      avatarUrl: user.picture ?? null,
    };
  }

  return {
    label,

    authorizeUrl(redirectUri: string, state: string): string {
      const url = new URL(config.authorizeUrl);
      url.searchParams.set("client_id", config.clientId);
      url.searchParams.set("redirect_uri", redirectUri);
      url.searchParams.set("scope", OAUTH_SCOPES[provider]);
      url.searchParams.set("state", state);
      if (provider === "google") url.searchParams.set("response_type", "code");
      return url.toString();
    },

    /** Trades the one-time code for the provider's access token, then reads the account. */
    async profile(code: string, redirectUri: string): Promise<OAuthProfile> {
      const answer = await call(
        config.tokenUrl,
        {
          method: "POST",
          headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            client_id: config.clientId,
            client_secret: config.clientSecret,
            code,
            redirect_uri: redirectUri,
            grant_type: "authorization_code",
          }),
        },
        tokenAnswer,
      );
      // GitHub answers a bad code with 200 and an `error` field.
      if (answer.error || !answer.access_token) throw refused(200, answer);
      return provider === "github" ? githubProfile(answer.access_token) : googleProfile(answer.access_token);
    },
  };
}

export type OAuthClient = ReturnType<typeof createOAuthClient>;
