import { afterAll, beforeAll } from "vitest";
import { FakeOAuthServer, type GithubAccount } from "../fakes/oauth-server.js";

/**
 * A fake GitHub and Google for one test file: started before its tests, stopped after. `env` gains the
 * providers' settings once started (pass it to useTestApp); `github(email)` makes a fresh account.
 */
export function useFakeOAuth(loginPrefix: string, firstId: number) {
  const fake = new FakeOAuthServer({
    github: { id: "gh-client", secret: "gh-secret" },
    google: { id: "google-client.apps", secret: "google-secret" },
  });
  const env: Record<string, string> = {
    PUBLIC_URL: "http://127.0.0.1:3000",
    AUTH_RATE_LIMIT_PER_MINUTE: "1000",
  };
  beforeAll(async () => {
    await fake.start();
    Object.assign(env, fake.env());
  });
  afterAll(() => fake.stop());

  let nextId = firstId;
  const github = (email: string): GithubAccount => ({
    id: nextId++,
    login: `${loginPrefix}${nextId}`,
    emails: [{ email, primary: true, verified: true }],
  });
  return { fake, env, github };
}
