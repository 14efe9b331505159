import type { ExampleContext, ResourceFixture } from "./resource-fixtures.js";
import { marker } from "./world.js";

/**
 * Isolation-matrix fixtures of intent classification: an example phrase in a namespace of the
 * scope's department, the example bodies and path values of the intents routes.
 */
export const intentFixtures: Record<string, ResourceFixture> = {
  intent_example: {
    visibility: "department",
    async create(world, scope, kind) {
      const name = marker(kind, "intent-namespace");
      const ns = await world.repos.namespaces.create({ ...scope, name, slug: marker(kind, "ins") });
      const intent = marker(kind, "intent");
      const phrase = `How do I ${marker(kind, "intent-phrase")}?`;
      const example = await world.repos.intentExamples.create({
        orgId: scope.orgId,
        namespaceId: ns.id,
        intentName: intent,
        phrase,
      });
      return { id: example.id, identifiers: [example.id, ns.id, name, intent, phrase] };
    },
  },
};

export const intentExampleBodies: Record<string, (ctx: ExampleContext) => unknown> = {
  "PATCH /namespaces/:id/intents": () => ({ threshold: 0.4 }),
  "POST /namespaces/:id/intents/classify": () => ({ text: "How many leave days do I have left?" }),
  "POST /namespaces/:id/intent-examples": () => ({
    intent: "leave_balance",
    phrase: `How many days off do I have? ${marker("visible", "phrase")}`,
  }),
  "POST /namespaces/:id/intent-examples/import": () => ({
    csv: "text,category\nHow many leave days are left?,leave_balance\nI want to claim a taxi receipt,expense_claim\n",
  }),
  "PATCH /intent-examples/:id": () => ({ phrase: `Days off left? ${marker("visible", "phrase")}` }),
};

export const intentPathParams: Record<string, (ctx: ExampleContext) => Record<string, string>> = {
  "DELETE /namespaces/:id/intents/:intent": () => ({ intent: "leave_balance" }),
};
