import { beforeAll, describe, expect, it } from "vitest";
import { FakeMailer } from "../fakes/mailer.js";
import { useTestApp } from "../setup/container.js";
import { useFakeOAuth } from "../setup/fake-oauth.js";

const { fake, env, github } = useFakeOAuth("web", 5000);

const cookieValue = (headers: Record<string, unknown>, name: string) => {
  const line = [headers["set-cookie"] ?? []]
    .flat()
    .map(String)
    .find((c) => c.startsWith(`${name}=`));
  return line?.split(";")[0]?.slice(name.length + 1);
};

/** The web application's OAuth sign-in: back to a page with a session cookie, bound to the browser. */
describe("OAuth sign-in from the web application", () => {
  const t = useTestApp({ env, infra: { mailer: new FakeMailer() } });

  beforeAll(async () => {
    await t.context.container.services.seed.seedDemoIfEmpty();
  });

  async function start(returnTo: string) {
    const res = await t.app.inject({
      method: "GET",
      url: `/auth/oauth/github/start?returnTo=${encodeURIComponent(returnTo)}`,
    });
    expect(res.statusCode, res.body).toBe(302);
    const location = new URL(String(res.headers.location));
    return {
      state: location.searchParams.get("state")!,
      redirectUri: location.searchParams.get("redirect_uri")!,
      nonce: cookieValue(res.headers, "atrium_oauth"),
      setCookie: String(res.headers["set-cookie"]),
    };
  }

  const callback = (query: Record<string, string>, cookie?: string) =>
    t.app.inject({
      method: "GET",
      url: `/auth/oauth/github/callback?${new URLSearchParams(query)}`,
      headers: cookie ? { cookie: `atrium_oauth=${cookie}` } : {},
    });

  it("lists the configured providers for the sign-in page", async () => {
    const res = await t.app.inject({ method: "GET", url: "/auth/providers" });
    expect(res.json()).toEqual({
      password: true,
      oauth: [
        { id: "github", label: "GitHub" },
        { id: "google", label: "Google" },
      ],
    });
  });

  it("returns to the page with a refresh cookie (and no tokens in the URL or body)", async () => {
    const begun = await start("/chat/abc?x=1");
    expect(begun.setCookie).toMatch(
      /^atrium_oauth=[\w-]+; Path=\/auth\/oauth; Max-Age=600; HttpOnly; SameSite=Lax$/,
    );
    const code = fake.grant("github", begun.redirectUri, github("employee@demo.atrium.local"));
    const res = await callback({ code, state: begun.state }, begun.nonce);
    expect(res.statusCode, res.body).toBe(302);
    expect(res.headers.location).toBe("/chat/abc?x=1");
    expect(res.body).toBe("");
    const refresh = cookieValue(res.headers, "atrium_refresh");
    expect(refresh).toBeTruthy();
    expect(cookieValue(res.headers, "atrium_oauth"), "the binding cookie is spent").toBe("");
    const session = await t.app.inject({
      method: "POST",
      url: "/auth/session/refresh",
      headers: { cookie: `atrium_refresh=${refresh}` },
    });
    expect(session.statusCode).toBe(200);
  });

  it("refuses a callback in a browser that did not start the sign-in (login CSRF)", async () => {
    const begun = await start("/chat");
    const code = fake.grant("github", begun.redirectUri, github("approver@demo.atrium.local"));
    const other = await callback({ code, state: begun.state }, "someone-elses-nonce");
    expect(other.statusCode).toBe(302);
    expect(other.headers.location).toMatch(/^\/sign-in\?error=This%20sign-in%20was%20started%20in%20another/);
    expect(cookieValue(other.headers, "atrium_refresh")).toBeUndefined();
    const none = await callback({ code, state: begun.state });
    expect(none.statusCode, "without any binding cookie the answer is plain JSON").toBe(401);
  });

  it("sends a refused sign-in back to the sign-in page with the reason", async () => {
    const begun = await start("/chat");
    const code = fake.grant("github", begun.redirectUri, github("nobody@nowhere.test"));
    const res = await callback({ code, state: begun.state }, begun.nonce);
    expect(res.statusCode).toBe(302);
    const reason = new URL(String(res.headers.location), "http://x").searchParams.get("error");
    expect(reason).toMatch(/No Atrium account matches this GitHub account/);
  });

  it("accepts only a path on this server to return to", async () => {
    for (const bad of ["//evil.test/x", "https://evil.test", "/\\evil.test", "chat"]) {
      const res = await t.app.inject({
        method: "GET",
        url: `/auth/oauth/github/start?returnTo=${encodeURIComponent(bad)}`,
      });
      expect(res.statusCode, bad).toBe(400);
    }
  });
});
