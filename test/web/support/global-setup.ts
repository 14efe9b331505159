import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { buildWeb } from "../../../scripts/web-build.js";
import { FakeOAuthServer } from "../../fakes/oauth-server.js";
import { startModelServer } from "./model-server.js";
import { apiCall, startAtrium, tokenFor } from "./server.js";

declare module "vitest" {
  export interface ProvidedContext {
    web: {
      baseUrl: string;
      dataDir: string;
      password: string;
      testAgent: string;
    };
  }
}

export const DEMO_PASSWORD = "journey-password-1";
export const TEST_AGENT = "Test Assistant";

async function waitForIngestion(baseUrl: string, token: string): Promise<void> {
  const until = Date.now() + 120_000;
  for (;;) {
    const kbs = await apiCall<{ items: { id: string }[] }>(baseUrl, "GET", "/knowledge-bases?pageSize=100", {
      token,
    });
    let pending = 0;
    for (const kb of kbs.items) {
      const docs = await apiCall<{ items: { status: string }[] }>(
        baseUrl,
        "GET",
        `/knowledge-bases/${kb.id}/documents?pageSize=100`,
        { token },
      );
      pending += docs.items.filter((d) => d.status === "pending" || d.status === "processing").length;
    }
    if (pending === 0) return;
    if (Date.now() > until) throw new Error(`${pending} demo documents are still being ingested`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * One Atrium for every journey, started like `npm start` on an embedded database in a temporary
 * folder, with two outside services faked as real servers: an OpenAI-protocol model (for the Test
 * Assistant; the demo assistants stay offline) and a GitHub/Google OAuth provider.
 */
export default async function setup(project: TestProject) {
  const reuse = process.env.ATRIUM_WEB_URL;
  if (reuse) {
    // A server started by `tsx test/web/support/serve.ts` (iterating on journeys without a restart).
    const dataDir = process.env.ATRIUM_WEB_DATA_DIR ?? "";
    project.provide("web", { baseUrl: reuse, dataDir, password: DEMO_PASSWORD, testAgent: TEST_AGENT });
    return;
  }
  const { teardown, provided } = await startJourneyServer();
  project.provide("web", provided);
  return teardown;
}

export async function startJourneyServer() {
  const started = Date.now();
  buildWeb({ ifStale: true });
  const dataDir = mkdtempSync(join(tmpdir(), "atrium-web-"));
  const model = await startModelServer();
  const oauth = new FakeOAuthServer({
    github: { id: "journey-gh", secret: "journey-gh-secret" },
    google: { id: "journey-google", secret: "journey-google-secret" },
  });
  await oauth.start();
  oauth.consentAs.github = {
    id: 4242,
    login: "emil-gh",
    name: "Emil on GitHub",
    emails: [{ email: "employee@demo.atrium.local", primary: true, verified: true }],
  };
  const env = {
    DEMO_PASSWORD,
    AUTH_RATE_LIMIT_PER_MINUTE: "10000",
    LLM_BASE_URL: model.baseUrl,
    LLM_API_KEY: "journey-key",
    MEMORY_EXTRACTION_DELAY_SECONDS: "3600",
    GITHUB_CLIENT_ID: oauth.clients.github.id,
    GITHUB_CLIENT_SECRET: oauth.clients.github.secret,
    GITHUB_OAUTH_BASE_URL: `${oauth.baseUrl}/github`,
    GITHUB_API_BASE_URL: `${oauth.baseUrl}/github-api`,
  };
  let server = await startAtrium(env, dataDir);
  try {
    const admin = await tokenFor(server.baseUrl, "admin@demo.atrium.local", DEMO_PASSWORD);
    await waitForIngestion(server.baseUrl, admin);
    const departments = await apiCall<{ items: { id: string; slug: string }[] }>(
      server.baseUrl,
      "GET",
      "/departments",
      { token: admin },
    );
    const hr = departments.items.find((d) => d.slug === "hr")!;
    const kbs = await apiCall<{ items: { id: string; departmentId: string }[] }>(
      server.baseUrl,
      "GET",
      "/knowledge-bases?pageSize=100",
      { token: admin },
    );
    await apiCall(server.baseUrl, "POST", "/agents", {
      token: admin,
      body: {
        name: TEST_AGENT,
        description: "Answers through a scripted model (journeys only)",
        departmentId: hr.id,
        primaryModelProvider: "openai",
        primaryModel: "fake-model",
        toolsEnabled: ["current_datetime"],
        ragEnabled: kbs.items.filter((kb) => kb.departmentId === hr.id).map((kb) => kb.id),
      },
    });
  } catch (error) {
    await server.stop();
    throw error;
  }
  console.log(
    `web journeys: Atrium ready at ${server.baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  const provided = { baseUrl: server.baseUrl, dataDir, password: DEMO_PASSWORD, testAgent: TEST_AGENT };
  const teardown = async () => {
    await server.stop();
    await model.close();
    await oauth.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  /** Restarts Atrium alone on the same port and data (after a change to the server or the app). */
  const restart = async () => {
    await server.stop();
    server = await startAtrium(env, dataDir, Number(new URL(server.baseUrl).port));
  };
  return { provided, teardown, restart };
}
