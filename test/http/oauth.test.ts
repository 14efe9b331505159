import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeMailer } from "../fakes/mailer.js";
import { FakeOAuthServer, type GithubAccount, type GoogleAccount } from "../fakes/oauth-server.js";
import { testConfig, useTestApp } from "../setup/container.js";

const PUBLIC_URL = "https://atrium.example.test";
const fake = new FakeOAuthServer({
  github: { id: "gh-client", secret: "gh-secret" },
  google: { id: "google-client.apps", secret: "google-secret" },
});
// Filled once the fake listens; useTestApp reads it when its own beforeAll runs (after this one).
const env: Record<string, string> = {
  PUBLIC_URL,
  // Short enough for the "hang" case to stay quick, long enough for a busy machine.
  OAUTH_HTTP_TIMEOUT_MS: "2000",
  AUTH_RATE_LIMIT_PER_MINUTE: "1000",
};
beforeAll(async () => {
  await fake.start();
  Object.assign(env, fake.env());
});
afterAll(() => fake.stop());

let nextId = 1000;
const github = (email: string, verified = true): GithubAccount => ({
  id: nextId++,
  login: `octo${nextId}`,
  name: "Octo Cat",
  emails: [
    { email: `noreply${nextId}@users.noreply.github.com`, primary: false, verified: true },
    { email, primary: true, verified },
  ],
});
const google = (email: string, verified = true): GoogleAccount => ({
  sub: `g-${nextId++}`,
  email,
  email_verified: verified,
  name: "Gia Google",
  given_name: "Gia",
  family_name: "Google",
});

describe("OAuth sign-in against a local provider", () => {
  const t = useTestApp({ env, infra: { mailer: new FakeMailer() } });
  const repos = () => t.context.container.repositories;

  /** The browser's binding cookie, as the start set it (every sign-in is bound to its browser). */
  let browser: string | undefined;

  async function start(provider: "github" | "google", query = "") {
    const res = await t.app.inject({ method: "GET", url: `/auth/oauth/${provider}/start${query}` });
    expect(res.statusCode).toBe(302);
    const location = new URL(String(res.headers.location));
    browser = /atrium_oauth_api=([^;]*)/.exec(String(res.headers["set-cookie"]))?.[1];
    expect(browser, "the start binds the sign-in to the browser").toBeTruthy();
    return {
      location,
      state: location.searchParams.get("state")!,
      redirectUri: location.searchParams.get("redirect_uri")!,
    };
  }

  /** The provider sends the browser back: the same browser, so with the cookie the start set. */
  const callback = (provider: string, query: Record<string, string>, cookie = browser) =>
    t.app.inject({
      method: "GET",
      url: `/auth/oauth/${provider}/callback?${new URLSearchParams(query)}`,
      ...(cookie ? { headers: { cookie: `atrium_oauth_api=${cookie}` } } : {}),
    });

  /** The whole flow: start, the provider's consent (a code from the fake), and the callback. */
  async function signIn(provider: "github" | "google", account: GithubAccount | GoogleAccount) {
    const { state, redirectUri } = await start(provider);
    const code = fake.grant(provider as "github", redirectUri, account as GithubAccount);
    return callback(provider, { code, state });
  }

  const userByEmail = async (email: string) => (await repos().users.findAllByEmail(email))[0]!;

  it("redirects to the provider with client id, redirect uri, scope and a signed state", async () => {
    await t.context.container.services.seed.seedDemoIfEmpty();
    const gh = await start("github");
    expect(`${gh.location.origin}${gh.location.pathname}`).toBe(
      `${fake.baseUrl}/github/login/oauth/authorize`,
    );
    expect(gh.location.searchParams.get("client_id")).toBe("gh-client");
    expect(gh.redirectUri).toBe(`${PUBLIC_URL}/auth/oauth/github/callback`);
    expect(gh.location.searchParams.get("scope")).toBe("read:user user:email");
    expect(gh.state.split(".")).toHaveLength(3);
    const gg = await start("google");
    expect(gg.location.pathname).toBe("/google/o/oauth2/v2/auth");
    expect(gg.location.searchParams.get("response_type")).toBe("code");
    expect(gg.location.searchParams.get("scope")).toBe("openid email profile");
  });

  it("links an existing account by verified email, then finds it by GitHub id", async () => {
    const account = github("employee@demo.atrium.local");
    const res = await signIn("github", account);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ tokenType: "Bearer", account: "linked" });
    const me = await t.app.inject({
      method: "GET",
      url: "/auth/me",
      headers: { authorization: `Bearer ${res.json().accessToken}` },
    });
    expect(me.json().email).toBe("employee@demo.atrium.local");
    const user = await userByEmail("employee@demo.atrium.local");
    expect(user.githubId).toBe(String(account.id));
    expect(user.provider).toBe("email");

    // Same GitHub account, now with a different primary email: found by id, not by email.
    const again = await signIn("github", {
      ...account,
      emails: [{ email: "moved@elsewhere.test", primary: true, verified: true }],
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().account).toBe("existing");

    const audits = await repos().auditLogs.findMany(undefined);
    const mine = audits.filter((a) => a.entityId === user.id).map((a) => a.action);
    expect(mine).toContain("auth.oauth_linked");
    expect(mine.filter((a) => a === "auth.oauth_login")).toHaveLength(2);
  });

  it("links by Google's verified email too", async () => {
    const res = await signIn("google", google("approver@demo.atrium.local"));
    expect(res.statusCode).toBe(200);
    expect(res.json().account).toBe("linked");
    expect((await userByEmail("approver@demo.atrium.local")).googleId).toMatch(/^g-/);
  });

  it("refuses unknown and unverified emails without creating anyone", async () => {
    const before = await repos().users.count(undefined);
    const unknown = await signIn("github", github("stranger@nowhere.test"));
    expect(unknown.statusCode).toBe(403);
    expect(unknown.json().error.message).toMatch(/No Atrium account matches/);
    const unverified = await signIn("github", github("hr.head@demo.atrium.local", false));
    expect(unverified.statusCode).toBe(403);
    const googleUnverified = await signIn("google", google("hr.head@demo.atrium.local", false));
    expect(googleUnverified.statusCode).toBe(403);
    expect(await repos().users.count(undefined)).toBe(before);
    expect((await userByEmail("hr.head@demo.atrium.local")).githubId).toBeNull();
  });

  it("creates an employee when the organisation allows OAuth sign-up", async () => {
    const org = (await repos().organizations.findDefault())!;
    await repos().organizations.update(org.id, { settings: { ...org.settings, oauthSignup: true } });
    try {
      const res = await signIn("google", google("newcomer@gmail.test"));
      expect(res.statusCode).toBe(200);
      expect(res.json().account).toBe("created");
      const user = await userByEmail("newcomer@gmail.test");
      expect(user).toMatchObject({ orgId: org.id, role: "employee", provider: "google" });
      expect(await repos().users.passwordHashOf(user.id)).toBeUndefined();
      const department = await repos().departments.findById(user.departmentId!);
      expect(department?.orgId).toBe(org.id);
      expect(await repos().orgMembers.findMembership(org.id, user.id)).toBeDefined();
    } finally {
      await repos().organizations.update(org.id, { settings: org.settings });
    }
  });

  it("refuses deactivated accounts", async () => {
    const account = github("it.employee@demo.atrium.local");
    expect((await signIn("github", account)).statusCode).toBe(200);
    const user = await userByEmail("it.employee@demo.atrium.local");
    await repos().users.update(user.id, { isActive: false });
    const res = await signIn("github", account);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toMatch(/deactivated/);
  });

  it("refuses tampered, foreign and expired state", async () => {
    const { state, redirectUri } = await start("github");
    const code = fake.grant("github", redirectUri, github("admin@demo.atrium.local"));
    const tampered = `${state.slice(0, -4)}${state.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    expect((await callback("github", { code, state: tampered })).statusCode).toBe(401);
    // A GitHub state presented to the Google callback.
    expect((await callback("google", { code, state })).statusCode).toBe(401);
    const secret = new TextEncoder().encode(testConfig().auth.secret);
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ p: "github", n: "nonce" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("atrium")
      .setAudience("atrium-oauth-state")
      .setIssuedAt(now - 1200)
      .setExpirationTime(now - 600)
      .sign(secret);
    const res = await callback("github", { code, state: expired });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/expired/);
    // An access token is not a state (different audience), and a state is not an access token.
    const me = await t.app.inject({
      method: "GET",
      url: "/auth/me",
      headers: { authorization: `Bearer ${state}` },
    });
    expect(me.statusCode).toBe(401);
  });

  it("maps provider failures to clean 401/503 answers, never a 500", async () => {
    const { state, redirectUri } = await start("github");
    const githubBrowser = browser;
    const bad = await callback("github", { code: "never-issued", state });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.message).toMatch(/bad_verification_code/);
    const denied = await callback("github", { error: "access_denied", state });
    expect(denied.statusCode).toBe(401);
    const googleBad = await callback("google", {
      code: "never-issued",
      state: (await start("google")).state,
    });
    expect(googleBad.statusCode).toBe(401);

    for (const failure of ["server_error", "not_json", "hang"] as const) {
      fake.tokenFailure = failure;
      try {
        const code = fake.grant("github", redirectUri, github("admin@demo.atrium.local"));
        const res = await callback("github", { code, state }, githubBrowser);
        expect(res.statusCode, failure).toBe(503);
        expect(res.json().error).toMatchObject({ code: "UNAVAILABLE" });
      } finally {
        fake.tokenFailure = undefined;
      }
    }
    const missing = await callback("github", { state }, githubBrowser);
    expect(missing.statusCode).toBe(400);
    const noState = await t.app.inject({ method: "GET", url: "/auth/oauth/github/callback?code=x" });
    expect(noState.statusCode).toBe(400);
    const unknownProvider = await t.app.inject({ method: "GET", url: "/auth/oauth/gitlab/start" });
    expect(unknownProvider.statusCode).toBe(400);
  });

  it("scopes sign-in to a named organisation", async () => {
    const unknown = await t.app.inject({ method: "GET", url: "/auth/oauth/github/start?organization=nope" });
    expect(unknown.statusCode).toBe(404);
    const { state, redirectUri } = await start("github", "?organization=demo");
    const code = fake.grant("github", redirectUri, github("finance@nowhere.test"));
    expect((await callback("github", { code, state })).statusCode).toBe(403);
  });
});

describe("OAuth without configured providers", () => {
  const t = useTestApp({ infra: { mailer: new FakeMailer() } });

  it("answers 404 for a provider that is not configured", async () => {
    const res = await t.app.inject({ method: "GET", url: "/auth/oauth/github/start" });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toMatch(/not configured/);
    const cb = await t.app.inject({ method: "GET", url: "/auth/oauth/google/callback?code=a&state=b" });
    expect(cb.statusCode).toBe(404);
  });
});
