import { afterAll, describe, expect, it } from "vitest";
import { attributeOf, startFakeOtlpCollector } from "../fakes/otlp-collector.js";
import {
  ask,
  call,
  createAgent,
  eventually,
  seedKnowledge,
  signUp,
  startConversation,
  useChatApp,
} from "./chat-helpers.js";

const collector = await startFakeOtlpCollector();
const QUESTION = "What time is it in Paris for the confidential merger?";

/** Every finished turn is exported as an OpenTelemetry trace to the configured OTLP/HTTP collector. */
describe("chat traces exported through OpenTelemetry (OTLP/HTTP)", () => {
  const t = useChatApp({
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=otel%20secret%3D1,x-team=atrium",
    OTEL_SERVICE_NAME: "atrium-test",
  });
  const exporter = () => t.context.container.traceExporter!;
  afterAll(() => collector.close());

  async function setup() {
    const tenant = await signUp(t);
    const { kb } = await seedKnowledge(
      t,
      tenant.token,
      tenant.generalId,
      "Clock",
      "Paris is on Central European Time.",
    );
    const agentId = await createAgent(t, tenant.token, {
      departmentId: tenant.generalId,
      ragEnabled: [kb],
      toolsEnabled: ["current_datetime"],
    });
    return { tenant, conversationId: await startConversation(t, tenant.token, agentId) };
  }

  it("exports the turn, its stages and its tool calls under the run's trace id, without what was said", async () => {
    const { tenant, conversationId } = await setup();
    t.models.scripted.script(
      { toolCalls: [{ name: "current_datetime", arguments: { timezone: "Europe/Paris" } }] },
      { text: "It is daytime in Paris [1]." },
    );
    const res = await ask(t, tenant.token, conversationId, QUESTION);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const trace = await call(t, "GET", `/runs/${res.body.runId}`, { token: tenant.token });
    const traceId = trace.body.run.traceId as string;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    await exporter().flush();
    const spans = await eventually(async () => {
      const mine = collector.spans().filter((s) => s.traceId === traceId);
      return mine.length > 0 ? mine : undefined;
    });
    const root = spans.find((s) => s.name === "chat.turn")!;
    expect(root.parentSpanId).toBeUndefined();
    expect(root.status.code).toBe(1);
    expect(attributeOf(root.attributes, "atrium.task_id")).toBe(res.body.taskId);
    expect(attributeOf(root.attributes, "atrium.run_id")).toBe(res.body.runId);
    expect(attributeOf(root.attributes, "atrium.conversation_id")).toBe(conversationId);
    expect(attributeOf(root.attributes, "gen_ai.request.model")).toBe(trace.body.run.model);
    expect(attributeOf(root.attributes, "gen_ai.usage.input_tokens")).toBe(trace.body.run.promptTokens);
    expect(attributeOf(root.attributes, "gen_ai.usage.output_tokens")).toBe(trace.body.run.completionTokens);
    expect(attributeOf(root.attributes, "atrium.tool_calls")).toBe(1);

    const stage = (name: string) => spans.find((s) => s.name === `chat.stage ${name}`)!;
    expect(stage("load-conversation").parentSpanId).toBe(root.spanId);
    expect(stage("prepare").parentSpanId).toBe(root.spanId);
    expect(stage("retrieval").parentSpanId).toBe(stage("prepare").spanId);
    expect(stage("model-call").parentSpanId).toBe(root.spanId);
    const tool = spans.find((s) => s.name === "chat.tool current_datetime")!;
    expect(tool.parentSpanId).toBe(stage("model-call").spanId);
    expect(attributeOf(tool.attributes, "gen_ai.tool.name")).toBe("current_datetime");
    // Times are nanoseconds since the epoch, each span inside the turn.
    const ns = (v: string) => BigInt(v);
    for (const span of spans) {
      expect(ns(span.endTimeUnixNano) >= ns(span.startTimeUnixNano), span.name).toBe(true);
      expect(ns(span.startTimeUnixNano) >= ns(root.startTimeUnixNano) - 1_000_000n, span.name).toBe(true);
    }
    expect(Number(ns(root.startTimeUnixNano) / 1_000_000n)).toBeGreaterThan(Date.now() - 60_000);

    const sent = collector.exports.find((e) => e.spans.some((s) => s.traceId === traceId))!;
    expect(attributeOf(sent.resource, "service.name")).toBe("atrium-test");
    expect(sent.headers["x-api-key"]).toBe("otel secret=1");
    expect(sent.headers["x-team"]).toBe("atrium");
    // Neither the question nor the answer leaves in a trace.
    expect(sent.raw).not.toContain("confidential merger");
    expect(sent.raw).not.toContain("daytime");
  });

  it("marks a failed turn as an error, and a collector that refuses costs only the spans", async () => {
    const { tenant, conversationId } = await setup();
    collector.failWith(503);
    t.models.scripted.script({ text: "lost" });
    expect((await ask(t, tenant.token, conversationId, "Refused export?")).status).toBe(200);
    await exporter().flush();
    collector.failWith(undefined);

    // Two failures: the turn retries a failed model call once.
    t.models.scripted.script({ status: 500 }, { status: 500 });
    const failed = await ask(t, tenant.token, conversationId, "Will this fail?");
    expect(failed.status).toBe(503);
    const taskId = failed.body.error.details.taskId as string;
    await exporter().flush();
    const root = await eventually(async () =>
      collector
        .spans()
        .find((s) => s.name === "chat.turn" && attributeOf(s.attributes, "atrium.task_id") === taskId),
    );
    expect(root.status).toMatchObject({ code: 2, message: "UNAVAILABLE" });
    expect(attributeOf(root.attributes, "atrium.failure.reason")).toBe("model");
  });
});
