import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Container, createContainer } from "../../src/app/container.js";
import { buildApp } from "../../src/http/app.js";
import { createLogger } from "../../src/lib/logger.js";
import { testConfig } from "../setup/container.js";
import {
  ask,
  askStreaming,
  createAgent,
  listen,
  parseSse,
  seedKnowledge,
  signUp,
  sseReader,
  startConversation,
  useChatApp,
} from "./chat-helpers.js";
import type { Tenant } from "./identity-helpers.js";

const redisUrl = process.env.TEST_REDIS_URL;
const LONG_ANSWER = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");

/**
 * Two API replicas on one database and one Redis: a turn runs on the first, and a client whose
 * reconnect reaches the second resumes it there from Last-Event-ID.
 */
describe.runIf(redisUrl)("chat streaming across replicas (REDIS_URL)", () => {
  const env = { REDIS_URL: redisUrl ?? "", CHAT_STEP_TIMEOUT_MS: "4000", CHAT_TURN_TIMEOUT_MS: "8000" };
  const t = useChatApp(env);
  let first: string;
  let second: string;
  let replica: { container: Container; app: Awaited<ReturnType<typeof buildApp>> };
  let tenant: Tenant;
  let stranger: Tenant;
  let agentId: string;

  beforeAll(async () => {
    first = await listen(t);
    const container = await createContainer(testConfig({ AUTH_RATE_LIMIT_PER_MINUTE: "1000", ...env }), {
      logger: createLogger("silent"),
      database: t.context.database.handle,
    });
    const app = await buildApp(container);
    await app.listen({ port: 0, host: "127.0.0.1" });
    second = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    replica = { container, app };
    tenant = await signUp(t);
    stranger = await signUp(t);
    const seeded = await seedKnowledge(
      t,
      tenant.token,
      tenant.generalId,
      "Parking",
      "Visitors park on level two.",
    );
    agentId = await createAgent(t, tenant.token, { departmentId: tenant.generalId, ragEnabled: [seeded.kb] });
  });
  afterAll(async () => {
    await replica?.app.close();
    await replica?.container.close();
  });

  const stream = (
    base: string,
    conversationId: string,
    token: string,
    headers: Record<string, string> = {},
  ) =>
    fetch(`${base}/conversations/${conversationId}/stream`, {
      headers: { authorization: `Bearer ${token}`, ...headers },
    });

  it("resumes on the other replica, live to the final event, and replays it there afterwards", async () => {
    const conversationId = await startConversation(t, tenant.token, agentId);
    expect((await stream(second, conversationId, tenant.token)).status, "nothing running yet").toBe(204);
    t.models.scripted.script({ text: LONG_ANSWER, delayMs: 40 });
    const original = sseReader(
      await askStreaming(first, tenant.token, conversationId, "Tell me a long story"),
    );
    const head = [await original.next(), await original.next(), await original.next()];
    const taskId = head[0]!.data.taskId as string;

    // Another organisation's member learns nothing of it, on either replica.
    expect((await stream(second, conversationId, stranger.token)).status).toBe(404);

    const resumed = await stream(second, conversationId, tenant.token, { "last-event-id": `${taskId}:3` });
    expect(resumed.status).toBe(200);
    const [tail, rest] = await Promise.all([sseReader(resumed).rest(), original.rest()]);
    expect(tail.length).toBeGreaterThan(3);
    expect(tail).toEqual(rest);
    expect(tail.at(-1)!.event).toBe("done");
    expect(tail.at(-1)!.data.text).toBe(LONG_ANSWER);

    // After the end, the second replica replays the whole turn (the newest of the conversation).
    const replay = await stream(second, conversationId, tenant.token, { "last-event-id": "0" });
    expect(replay.status).toBe(200);
    const all = parseSse(await replay.text());
    expect(all.map((e) => e.id)).toEqual([...head, ...rest].map((e) => e!.id));
  });

  it("follows the conversation from the other replica: each new turn arrives without reconnecting", async () => {
    const conversationId = await startConversation(t, tenant.token, agentId);
    const followed = await stream(second, conversationId, tenant.token, { accept: "text/event-stream" });
    // A plain stream answers 204 here; a follower stays open.
    const follower = sseReader(
      await fetch(`${second}/conversations/${conversationId}/stream?follow=true`, {
        headers: { authorization: `Bearer ${tenant.token}` },
      }),
    );
    expect(followed.status).toBe(204);
    try {
      for (const answer of ["First answer.", "Second answer."]) {
        t.models.scripted.script({ text: answer });
        expect((await ask(t, tenant.token, conversationId, "Where do visitors park?")).status).toBe(200);
        const events: { event?: string; data: Record<string, unknown> }[] = [];
        for (let e = await follower.next(); e; e = await follower.next()) {
          events.push(e as (typeof events)[number]);
          if (e.event === "done") break;
        }
        expect(events[0]!.event).toBe("turn-start");
        expect(events.at(-1)!.data.text).toBe(answer);
      }
    } finally {
      await follower.cancel();
    }
  });
});

/** Redis down: every turn still answers, and resuming on the replica running it still works. */
describe("chat streaming with the turn relay unreachable", () => {
  const t = useChatApp({ REDIS_URL: "redis://127.0.0.1:1" });
  let base: string;
  let tenant: Tenant;
  let agentId: string;

  beforeAll(async () => {
    base = await listen(t);
    tenant = await signUp(t);
    agentId = await createAgent(t, tenant.token, { departmentId: tenant.generalId });
  });

  it("answers and resumes in process", async () => {
    const conversationId = await startConversation(t, tenant.token, agentId);
    t.models.scripted.script({ text: LONG_ANSWER, delayMs: 10 });
    const original = sseReader(await askStreaming(base, tenant.token, conversationId, "Still there?"));
    const start = await original.next();
    const rest = await original.rest();
    expect(rest.at(-1)!.event).toBe("done");
    const replay = await fetch(`${base}/conversations/${conversationId}/stream`, {
      headers: { authorization: `Bearer ${tenant.token}`, "last-event-id": `${start!.data.taskId}:1` },
    });
    expect(replay.status).toBe(200);
    expect(parseSse(await replay.text()).map((e) => e.id)).toEqual(rest.map((e) => e.id));
  });
});
