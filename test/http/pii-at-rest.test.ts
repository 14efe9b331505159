import { Writable } from "node:stream";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobRunner } from "../../src/jobs/runner.js";
import { createLogger } from "../../src/lib/logger.js";
import { createJobHandlers } from "../../src/worker/handlers/index.js";
import { startFakeOtlpCollector } from "../fakes/otlp-collector.js";
import { type FakeToolApi, startFakeToolApi } from "../fakes/tool-api.js";
import { useTestApp } from "../setup/container.js";
import { ask, call, createAgent, signUp, TestChatModels } from "./chat-helpers.js";

/** The personal data the test seeds; each must be found nowhere at rest but where it is allowed. */
const SEEDS = {
  EMAIL: "xiomara.quispe@andes-mail.example",
  PHONE: "+34 612 345 678",
  IBAN: "GB29 NWBK 6016 1331 9268 19",
  CARD: "4111 1111 1111 1111",
  SSN: "536-22-8841",
  PERSON: "Xiomara Quispe",
  IP: "203.0.113.77",
};

/** The ways a value may be written back (compact, lower case), so a reformatted copy is caught too. */
function variants(value: string): string[] {
  const compact = value.replace(/[\s-]/g, "");
  return [...new Set([value, compact, value.toLowerCase()])].filter((v) => v.length >= 6);
}

const log: string[] = [];
const collector = await startFakeOtlpCollector();

describe("no personal data at rest beyond the question and the sealed map", () => {
  const models = new TestChatModels();
  const t = useTestApp({
    env: {
      AUTH_RATE_LIMIT_PER_MINUTE: "1000",
      TOOLS_ALLOW_PRIVATE_NETWORKS: "true",
      MEMORY_EXTRACTION_DELAY_SECONDS: "0",
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    },
    infra: {
      chatModels: models,
      logger: createLogger(
        "debug",
        new Writable({
          write(chunk, _encoding, done) {
            log.push(String(chunk));
            done();
          },
        }),
      ),
    },
  });
  let api: FakeToolApi;
  beforeAll(async () => {
    api = await startFakeToolApi();
  });
  afterAll(async () => {
    await api.close();
    await collector.close();
  });

  /** Conversations whose questions may hold the values (stored as the person wrote them). */
  const ownWords = new Set<string>();

  it.each([
    { storeMasked: false, label: "the question kept as written" },
    { storeMasked: true, label: "the question stored masked too" },
  ])(
    "scans every text and jsonb column of every table, the jobs, the log and the exported spans ($label)",
    async ({ storeMasked }) => {
      const tenant = await signUp(t);
      const tool = await call(t, "POST", "/tools", {
        token: tenant.token,
        body: {
          name: "crm_lookup",
          description: "Looks a customer up",
          kind: "http",
          inputSchema: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
          config: { url: `${api.base}/echo/{{id}}`, allowedHosts: ["127.0.0.1"] },
        },
      });
      expect(tool.status, JSON.stringify(tool.body)).toBe(201);
      const agentId = await createAgent(t, tenant.token, {
        departmentId: tenant.generalId,
        toolsEnabled: ["crm_lookup"],
      });
      const ns = await call(t, "POST", "/namespaces", {
        token: tenant.token,
        body: {
          departmentId: tenant.generalId,
          name: "Support",
          slug: `support-${storeMasked}`,
          config: { defaultAgentId: agentId },
          piiMaskStoredQuestion: storeMasked,
        },
      });
      expect(ns.status, JSON.stringify(ns.body)).toBe(201);
      expect(ns.body.piiMaskStoredQuestion, JSON.stringify(ns.body)).toBe(storeMasked);
      const conversation = await call(t, "POST", "/conversations", {
        token: tenant.token,
        body: { namespaceId: ns.body.id },
      });
      const conversationId = conversation.body.id as string;
      if (!storeMasked) ownWords.add(conversationId);

      const question =
        `Hi, my name is ${SEEDS.PERSON}. Mail ${SEEDS.EMAIL} or call ${SEEDS.PHONE}. Refund to ${SEEDS.IBAN}; ` +
        `my card ${SEEDS.CARD} was charged twice. SSN ${SEEDS.SSN}. I log in from ${SEEDS.IP}.`;
      // Turn 1: a tool call with the placeholders, an answer that repeats them.
      models.scripted.script(
        { toolCalls: [{ name: "crm_lookup", arguments: { id: "<EMAIL_1>" } }] },
        { text: "Thanks <PERSON_1>, I found <EMAIL_1> and will refund <IBAN_1>." },
      );
      const first = await ask(t, tenant.token, conversationId, question);
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.body.message.text).toContain(SEEDS.EMAIL);
      // Turn 2: the model fails (a failed turn is recorded too).
      models.scripted.script({ status: 400, error: `upstream echoed ${SEEDS.EMAIL}` });
      const failed = await ask(t, tenant.token, conversationId, `Again: ${SEEDS.PERSON}, ${SEEDS.PHONE}`);
      expect(failed.status).toBe(503);
      // Turn 3: the history (with the earlier values) goes back to the model, masked.
      models.scripted.script({ text: "Done." });
      expect((await ask(t, tenant.token, conversationId, "Is it done?")).status).toBe(200);
      const toolSaw = api.seen.map((s) => decodeURIComponent(s.url)).join("\n");
      expect(toolSaw).toContain("<EMAIL_1>");

      // Memory extraction runs over the person's messages (the job the turns queued).
      const { container } = t.context;
      const handlers = createJobHandlers(container.services);
      const runner = new JobRunner({
        jobs: container.repositories.jobs,
        handlers,
        logger: container.logger,
        concurrency: 1,
        pollMs: 20,
        leaseMs: 30_000,
      });
      await runner.runUntilIdle({ timeoutMs: 30_000 });
      await container.traceExporter?.flush();

      const db = container.database.db;
      const columns = (
        (await db.execute(sql`
        SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'jsonb', 'json', 'character varying', 'ARRAY')
        ORDER BY table_name, column_name`)) as unknown as {
          rows: { table_name: string; column_name: string }[];
        }
      ).rows;
      expect(columns.length).toBeGreaterThan(50);
      const found: string[] = [];
      for (const [kind, value] of Object.entries(SEEDS)) {
        for (const written of variants(value)) {
          const pattern = `%${written.replace(/[%_\\]/g, "\\$&")}%`;
          for (const { table_name: table, column_name: column } of columns) {
            const hits = (
              (await db.execute(
                sql.raw(
                  `SELECT id::text AS id${table === "messages" ? ", role, conversation_id::text AS conversation" : ""} FROM "${table}" WHERE "${column}"::text ILIKE '${pattern.replace(/'/g, "''")}'`,
                ),
              )) as unknown as { rows: { id: string; role?: string; conversation?: string }[] }
            ).rows;
            for (const hit of hits) {
              // Allowed: the person's own questions (the map's values are ciphertext and never match).
              if (table === "messages" && hit.role === "user" && ownWords.has(hit.conversation!)) continue;
              found.push(
                `${kind} in ${table}.${column} (${hit.id}${hit.role ? ` ${hit.role} ${hit.conversation}` : ""})`,
              );
            }
          }
          if (log.some((line) => line.includes(written))) found.push(`${kind} in the server log`);
          if (JSON.stringify(collector.exports).includes(written))
            found.push(`${kind} in the exported spans`);
        }
      }
      expect(found).toEqual([]);
      // The scan saw the question (so it can fail) and the spans were exported.
      const questions = (
        (await db.execute(
          sql`SELECT count(*)::int AS n FROM messages WHERE content ILIKE ${`%${SEEDS.EMAIL}%`}`,
        )) as unknown as {
          rows: { n: number }[];
        }
      ).rows[0]!.n;
      // The scan can fail: the first scenario's question holds the address (the second stores it masked).
      expect(questions).toBe(1);
      const profiles = (
        (await db.execute(sql`SELECT count(*)::int AS n FROM employee_profiles`)) as unknown as {
          rows: { n: number }[];
        }
      ).rows[0]!.n;
      expect(profiles, "memory extraction ran").toBe(storeMasked ? 2 : 1);
      // Whoever reads the conversation reads the question whole, however it is stored.
      const listed = await call(t, "GET", `/conversations/${conversationId}/messages`, {
        token: tenant.token,
      });
      expect(listed.body.items[0].content).toContain(SEEDS.EMAIL);
      expect(collector.spans().length).toBeGreaterThan(0);
      expect(log.length).toBeGreaterThan(0);
    },
  );
});
