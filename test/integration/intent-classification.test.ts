import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Container, createContainer } from "../../src/app/container.js";
import { systemAccess } from "../../src/core/access.js";
import { intentExamples, jobs } from "../../src/db/schema/index.js";
import { createLogger } from "../../src/lib/logger.js";
import type { ServiceContext } from "../../src/services/context.js";
import { createJobHandlers } from "../../src/worker/handlers/index.js";
import {
  createTestContainer,
  destroyTestContainer,
  type TestContext,
  testConfig,
} from "../setup/container.js";

const trainCsv = readFileSync(new URL("../fixtures/intents-mini/train.csv", import.meta.url), "utf8");

/** A logger whose "trained" lines are counted: each one is a training run of a classifier. */
function countingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return {
    logger: createLogger("info", stream),
    trainings: () => lines.filter((l) => l.includes("classifier trained")).length,
  };
}

describe("intents.classify through the service", () => {
  const first = countingLogger();
  const second = countingLogger();
  let context: TestContext;
  /** A second process on the same database: its own trained models, its own cache. */
  let other: Container;
  let ctx: ServiceContext;
  let namespaceId: string;

  beforeAll(async () => {
    context = await createTestContainer({ infra: { logger: first.logger } });
    other = await createContainer(testConfig(), { database: context.database.handle, logger: second.logger });
    const r = context.container.repositories;
    const org = await r.organizations.create({ name: "Intents", slug: `intents-${Date.now()}` });
    const department = await r.departments.create({ orgId: org.id, name: "HR", slug: "hr" });
    namespaceId = (
      await r.namespaces.create({ orgId: org.id, departmentId: department.id, name: "HR", slug: "hr" })
    ).id;
    ctx = {
      orgId: org.id,
      actor: { kind: "system", id: "intent-test" },
      access: systemAccess,
      db: context.container.database.db,
      meta: { requestId: "intent-test" },
      logger: context.container.logger,
    };
  });

  afterAll(async () => {
    await other?.close();
    await destroyTestContainer(context);
  });

  const classify = (c: Container, text: string, threshold?: number) =>
    c.services.intents.classify({ ...ctx, db: c.database.db }, { namespaceId, text, threshold });

  it("answers unknown with confidence 0 before the namespace has examples", async () => {
    expect(await classify(context.container, "anything")).toEqual({
      intent: "unknown",
      confidence: 0,
      alternatives: [],
    });
  });

  it("classifies with the imported examples, trains once per change, and retrains in every process after a write", async () => {
    await context.container.services.intents.import(ctx, namespaceId, { csv: trainCsv });
    // The first test trained the empty model of version 0 in the first process.
    const base = first.trainings();
    const leave = await classify(context.container, "how many vacation days do I have left");
    expect(leave.intent).toBe("leave_balance");
    expect(leave.confidence).toBeGreaterThan(0.3);
    expect(leave.alternatives).toHaveLength(3);
    expect(leave.alternatives.every((a) => a.confidence <= leave.confidence)).toBe(true);
    expect(await classify(other, "reset my password")).toMatchObject({ intent: "password_reset" });
    await classify(context.container, "update my bank account for salary");
    await classify(other, "update my bank account for salary");
    expect([first.trainings() - base, second.trainings()]).toEqual([1, 1]);

    // A new intent written through the first process is seen by the second at its next call.
    await context.container.services.intents.import(ctx, namespaceId, {
      examples: ["Book a meeting room", "Reserve the big meeting room", "I need a room for a meeting"].map(
        (phrase) => ({ intent: "room_booking", phrase }),
      ),
    });
    expect((await classify(other, "can I reserve a meeting room")).intent).toBe("room_booking");
    expect([first.trainings() - base, second.trainings()]).toEqual([1, 2]);
  });

  it("answers unknown below the namespace's threshold, and the threshold is a setting that works", async () => {
    const phrase = "what's the weather like in Lisbon";
    const raw = await classify(context.container, phrase, 0);
    expect(raw.intent).not.toBe("unknown");
    const strict = await classify(context.container, phrase, Math.min(1, raw.confidence + 0.01));
    expect(strict.intent).toBe("unknown");
    expect(strict.alternatives[0]).toEqual({ intent: raw.intent, confidence: raw.confidence });
    await context.container.services.intents.setThreshold(
      ctx,
      namespaceId,
      Math.min(1, raw.confidence + 0.01),
    );
    expect((await classify(other, phrase)).intent).toBe("unknown");
    await context.container.services.intents.setThreshold(ctx, namespaceId, 0.3);
  });

  it("re-embeds examples of another model in a job, classifying lexically meanwhile", async () => {
    const db = context.container.database.db;
    await db
      .update(intentExamples)
      .set({ embeddingModel: "retired-model" })
      .where(eq(intentExamples.namespaceId, namespaceId));
    await context.container.services.intents.import(ctx, namespaceId, {
      examples: [{ intent: "room_booking", phrase: "Is the meeting room free?" }],
    });
    expect((await classify(context.container, "I forgot my password")).intent).toBe("password_reset");
    const queued = await db
      .select()
      .from(jobs)
      .where(
        and(eq(jobs.kind, "intent_examples.reembed"), sql`${jobs.payload}->>'namespaceId' = ${namespaceId}`),
      );
    expect(queued).toHaveLength(1);
    const handlers = createJobHandlers(context.container.services);
    const controller = new AbortController();
    const outcome = await handlers["intent_examples.reembed"]!.run(queued[0]!.payload as never, {
      jobId: queued[0]!.id,
      attempt: 1,
      maxAttempts: 5,
      final: false,
      signal: controller.signal,
      logger: context.container.logger,
    });
    expect(outcome).toEqual({ status: "embedded", model: context.container.embedder.model, examples: 35 });
    const models = await db
      .selectDistinct({ model: intentExamples.embeddingModel })
      .from(intentExamples)
      .where(eq(intentExamples.namespaceId, namespaceId));
    expect(models).toEqual([{ model: context.container.embedder.model }]);
    const before = first.trainings();
    expect((await classify(context.container, "I forgot my password")).intent).toBe("password_reset");
    expect(first.trainings()).toBe(before + 1);
  });
});
