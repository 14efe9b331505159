import { randomUUID } from "node:crypto";
import { exampleAgentOf } from "./conversation-fixture.js";
import type { ExampleContext, ResourceFixture } from "./resource-fixtures.js";
import { marker } from "./world.js";

/**
 * Isolation-matrix fixture of schedules: a paused (never fired) schedule of the scope's department
 * that asks a prompt; example bodies for the routes that take one.
 */
export const scheduleFixtures: Record<string, ResourceFixture> = {
  schedule: {
    visibility: "department",
    async create(world, scope, kind) {
      const name = marker(kind, "schedule");
      const prompt = marker(kind, "schedule-prompt");
      const row = await world.repos.schedules.create({
        ...scope,
        name,
        kind: "cron",
        cronExpression: "0 9 * * 1",
        timezone: "UTC",
        input: { type: "ask", agentId: randomUUID(), prompt, deliverTo: "notification" },
        status: "paused",
        enabled: false,
      });
      return { id: row.id, identifiers: [row.id, name, prompt] };
    },
  },
};

export const scheduleExampleBodies: Record<string, (ctx: ExampleContext) => unknown> = {
  "POST /schedules": ({ world }) => ({
    departmentId: world.orgA.d1.id,
    name: marker("visible", "new-schedule"),
    cron: "0 9 * * 1",
    action: { type: "ask", agentId: exampleAgentOf(world), prompt: "What changed this week?" },
  }),
  "PATCH /schedules/:id": () => ({ name: marker("visible", "schedule-renamed") }),
};
