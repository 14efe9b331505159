import { randomUUID } from "node:crypto";
import { conversationIn } from "./conversation-fixture.js";
import type { IsolationWorld } from "./world.js";
import { marker } from "./world.js";

/**
 * A finished run of the scope's department: a conversation (see conversation-fixture.ts) with an
 * agent task, a tool call, the model run and one retrieval hit, all named with markers.
 */
export async function runIn(
  world: IsolationWorld,
  scope: { orgId: string; departmentId: string },
  kind: "hidden" | "visible",
) {
  const conversation = await conversationIn(world, scope, kind);
  const row = await world.repos.conversations.findById(conversation.id);
  if (!row) throw new Error("the run fixture's conversation is missing");
  const task = await world.repos.agentTasks.create({
    orgId: scope.orgId,
    departmentId: scope.departmentId,
    agentId: row.agentId,
    agentVersionId: row.agentVersionId,
    conversationId: row.id,
    userId: row.userId,
    adapterType: "extractive",
    status: "done",
    input: { text: marker(kind, "run-question") },
  });
  const toolInput = marker(kind, "tool-input");
  await world.repos.agentToolCalls.create({
    orgId: scope.orgId,
    agentTaskId: task.id,
    stepIndex: 0,
    stepName: "knowledge_search",
    status: "ok",
    inputData: { query: toolInput },
    outputData: { results: [] },
    durationMs: 3,
  });
  const traceId = randomUUID().replace(/-/g, "");
  const run = await world.repos.agentRuns.create({
    orgId: scope.orgId,
    departmentId: scope.departmentId,
    traceId,
    agentTaskId: task.id,
    conversationId: row.id,
    agentId: row.agentId,
    userId: row.userId,
    provider: "extractive",
    model: "extractive",
    status: "ok",
    finishedAt: new Date(),
  });
  const snippet = marker(kind, "hit-snippet");
  await world.repos.retrievalHits.create({
    orgId: scope.orgId,
    agentRunId: run.id,
    rank: 1,
    score: 0.5,
    citationLabel: "[1]",
    snippet,
  });
  return {
    id: run.id,
    identifiers: [run.id, task.id, traceId, snippet, toolInput, ...conversation.identifiers],
  };
}
