import { beforeAll, describe, expect, it } from "vitest";
import { FakeMailer } from "../fakes/mailer.js";
import type { GithubAccount } from "../fakes/oauth-server.js";
import { useTestApp } from "../setup/container.js";
import { useFakeOAuth } from "../setup/fake-oauth.js";

/**
 * Login CSRF through OAuth: an attacker starts a sign-in in their own browser, consents as their own
 * GitHub account and sends the callback link (code + state) to a victim. Without a binding between the
 * state and the browser that started it, the victim's browser finishes the sign-in — into the
 * attacker's account. The web application's sign-in was bound by a cookie; an API client's was not.
 * Every start now sets a cookie whose nonce the signed state carries, and every callback needs it.
 */

const { fake, env, github } = useFakeOAuth("csrf", 9000);

const setCookie = (headers: Record<string, unknown>, name: string) =>
  [headers["set-cookie"] ?? []]
    .flat()
    .map(String)
    .find((c) => c.startsWith(`${name}=`));
const cookieValue = (headers: Record<string, unknown>, name: string) =>
  setCookie(headers, name)
    ?.split(";")[0]
    ?.slice(name.length + 1);

describe("attack: OAuth state not bound to the browser", () => {
  const t = useTestApp({ env, infra: { mailer: new FakeMailer() } });

  beforeAll(async () => {
    await t.context.container.services.seed.seedDemoIfEmpty();
  });

  /** A browser starts an API sign-in (no returnTo) and consents at the provider as `account`. */
  async function begin(account: GithubAccount) {
    const res = await t.app.inject({ method: "GET", url: "/auth/oauth/github/start" });
    expect(res.statusCode).toBe(302);
    const location = new URL(String(res.headers.location));
    const state = location.searchParams.get("state")!;
    const code = fake.grant("github", location.searchParams.get("redirect_uri")!, account);
    return { state, code, headers: res.headers };
  }

  const callback = (query: { code: string; state: string }, cookie?: string) =>
    t.app.inject({
      method: "GET",
      url: `/auth/oauth/github/callback?${new URLSearchParams(query)}`,
      ...(cookie ? { headers: { cookie } } : {}),
    });

  it("binds an API sign-in to the starting browser with an HttpOnly cookie", async () => {
    const { headers } = await begin(github("employee@demo.atrium.local"));
    expect(setCookie(headers, "atrium_oauth_api")).toMatch(
      /^atrium_oauth_api=[\w-]+; Path=\/auth\/oauth; Max-Age=600; HttpOnly; SameSite=Lax$/,
    );
  });

  it("refuses the attacker's callback link opened in the victim's browser (no cookie)", async () => {
    const attacker = await begin(github("employee@demo.atrium.local"));
    const res = await callback({ code: attacker.code, state: attacker.state });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe("UNAUTHORIZED");
    expect(res.json().error.message).toMatch(/started in another browser/);
    expect(res.body).not.toContain("accessToken");
  });

  it("refuses it in a victim's browser that holds a binding cookie of its own", async () => {
    const attacker = await begin(github("approver@demo.atrium.local"));
    const victim = await begin(github("it.employee@demo.atrium.local"));
    const victimCookie = `atrium_oauth_api=${cookieValue(victim.headers, "atrium_oauth_api")}`;
    const res = await callback({ code: attacker.code, state: attacker.state }, victimCookie);
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain("accessToken");
  });

  it("does not accept the web sign-in's cookie for an API sign-in's state", async () => {
    const attacker = await begin(github("approver@demo.atrium.local"));
    const nonce = cookieValue(attacker.headers, "atrium_oauth_api");
    const res = await callback({ code: attacker.code, state: attacker.state }, `atrium_oauth=${nonce}`);
    expect(res.statusCode).toBe(401);
  });

  it("control: the browser that started it finishes it, and its cookie is spent", async () => {
    const mine = await begin(github("employee@demo.atrium.local"));
    const cookie = `atrium_oauth_api=${cookieValue(mine.headers, "atrium_oauth_api")}`;
    const res = await callback({ code: mine.code, state: mine.state }, cookie);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ tokenType: "Bearer" });
    expect(cookieValue(res.headers, "atrium_oauth_api")).toBe("");
  });

  it("held: a web sign-in's callback without its cookie is refused too", async () => {
    const res = await t.app.inject({ method: "GET", url: "/auth/oauth/github/start?returnTo=%2Fchat" });
    const location = new URL(String(res.headers.location));
    const code = fake.grant(
      "github",
      location.searchParams.get("redirect_uri")!,
      github("employee@demo.atrium.local"),
    );
    const cb = await callback({ code, state: location.searchParams.get("state")! });
    expect(cb.statusCode).toBe(401);
    expect(cookieValue(cb.headers, "atrium_refresh")).toBeUndefined();
  });
});
