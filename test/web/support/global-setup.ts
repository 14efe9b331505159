import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
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
/**
 * A fresh database on the TEST_DATABASE_URL server for the `web-pg` project (dropped at teardown):
 * the journey server then migrates and seeds it exactly as `npm start` would on a new installation.
 */
async function scratchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `atrium_web_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = async (sqlText: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sqlText);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export default async function setup(project: TestProject) {
  if (project.name === "web-pg") {
    // The same journeys once more against server PostgreSQL and Redis (vitest.config.ts adds this
    // project only when TEST_DATABASE_URL is set).
    const databaseUrl = process.env.TEST_DATABASE_URL;
    if (!databaseUrl) throw new Error("the web-pg project needs TEST_DATABASE_URL");
    const { teardown, provided } = await startJourneyServer({
      databaseUrl,
      redisUrl: process.env.TEST_REDIS_URL,
    });
    project.provide("web", provided);
    return teardown;
  }
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

/**
 * Without options Atrium keeps its embedded database in the data folder; with `databaseUrl` it runs on
 * a scratch database of that PostgreSQL server (and on Redis with `redisUrl`).
 */
export async function startJourneyServer(
  server: { databaseUrl?: string; redisUrl?: string | undefined } = {},
) {
  const started = Date.now();
  buildWeb({ ifStale: true });
  const dataDir = mkdtempSync(join(tmpdir(), "atrium-web-"));
  const database = server.databaseUrl ? await scratchDatabase(server.databaseUrl) : null;
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
    // On a server database production wants a real AUTH_SECRET, and the demo is seeded only on request.
    ...(database
      ? { DATABASE_URL: database.url, AUTH_SECRET: randomBytes(32).toString("hex"), SEED_DEMO: "true" }
      : {}),
    ...(database && server.redisUrl ? { REDIS_URL: server.redisUrl } : {}),
  };
  let atrium = await startAtrium(env, dataDir).catch(async (error) => {
    await model.close();
    await oauth.stop();
    await database?.drop();
    throw error;
  });
  try {
    const admin = await tokenFor(atrium.baseUrl, "admin@demo.atrium.local", DEMO_PASSWORD);
    await waitForIngestion(atrium.baseUrl, admin);
    const departments = await apiCall<{ items: { id: string; slug: string }[] }>(
      atrium.baseUrl,
      "GET",
      "/departments",
      { token: admin },
    );
    const hr = departments.items.find((d) => d.slug === "hr")!;
    const kbs = await apiCall<{ items: { id: string; departmentId: string }[] }>(
      atrium.baseUrl,
      "GET",
      "/knowledge-bases?pageSize=100",
      { token: admin },
    );
    await apiCall(atrium.baseUrl, "POST", "/agents", {
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
    await atrium.stop();
    await model.close();
    await oauth.stop();
    await database?.drop();
    throw error;
  }
  console.log(
    `web journeys: Atrium (${database ? "server PostgreSQL" : "embedded database"}) ready at ${atrium.baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  const provided = { baseUrl: atrium.baseUrl, dataDir, password: DEMO_PASSWORD, testAgent: TEST_AGENT };
  const teardown = async () => {
    await atrium.stop();
    await model.close();
    await oauth.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  /** Restarts Atrium alone on the same port and data (after a change to the server or the app). */
  const restart = async () => {
    await atrium.stop();
    atrium = await startAtrium(env, dataDir, Number(new URL(atrium.baseUrl).port));
  };
  return { provided, teardown, restart };
}
