import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import { authErrors, idParams, jsonObjectInput, pageOf, pageQuery, timestamp } from "../../schemas/common.js";
import { named } from "../../schemas/named.js";

const example = named(
  z.object({
    id: z.uuid(),
    namespaceId: z.uuid(),
    intent: z.string(),
    phrase: z.string(),
    metadata: z.record(z.string(), z.unknown()),
    embeddingModel: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "IntentExample",
);

const summary = named(
  z.object({
    namespaceId: z.uuid(),
    threshold: z.number(),
    version: z.number().int(),
    examples: z.number().int(),
    intents: z.array(z.object({ intent: z.string(), examples: z.number().int() })),
  }),
  "IntentSummary",
);

const score = z.object({ intent: z.string(), confidence: z.number() });
const classification = z.object({
  intent: z.string().describe('The best intent, or "unknown" below the threshold'),
  confidence: z.number(),
  alternatives: z.array(score),
});

// Names and phrases are checked by the service, so CSV and JSON rows get the same row-numbered problems.
const exampleInput = z.object({
  intent: z.string().max(1000),
  phrase: z.string().max(10_000),
  metadata: jsonObjectInput.optional(),
});
const examplePatch = exampleInput
  .partial()
  .refine((b) => Object.keys(b).length > 0, "send at least one field");

const importBody = z.object({
  examples: z.array(exampleInput).max(20_000).optional(),
  csv: z.string().max(6_000_000).optional(),
  mode: z.enum(["append", "replace"]).optional(),
});
const importResult = z.object({
  imported: z.number().int(),
  replaced: z.number().int(),
  intents: z.number().int(),
  version: z.number().int(),
});

const listQuery = pageQuery.extend({
  intent: z.string().max(1000).optional(),
  q: z.string().max(200).optional(),
});

const intentParams = idParams.extend({ intent: z.string().min(1).max(1000) });
const threshold = z.number().min(0).max(1);

const tags = ["intents"];

// Reads need chat:use or agents:manage (either will do), so the service checks them, not the route.
export const intentRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.intents;
  const manage = { permission: "agents:manage", resource: "namespace" } as const;

  app.get(
    "/namespaces/:id/intents",
    {
      config: { resource: "namespace" },
      schema: {
        operationId: "listIntents",
        tags,
        summary: "A namespace's intents with their numbers of examples, and its threshold",
        params: idParams,
        response: { 200: summary, ...authErrors },
      },
    },
    async (request) => service().summary(contextOf(request), request.params.id),
  );

  app.patch(
    "/namespaces/:id/intents",
    {
      config: manage,
      schema: {
        operationId: "updateIntentSettings",
        tags,
        summary: 'Set the confidence below which the namespace\'s intent is "unknown"',
        params: idParams,
        body: z.object({ threshold }),
        response: { 200: summary, ...authErrors },
      },
    },
    async (request) => service().setThreshold(contextOf(request), request.params.id, request.body.threshold),
  );

  app.delete(
    "/namespaces/:id/intents/:intent",
    {
      config: manage,
      schema: {
        operationId: "deleteIntent",
        tags,
        summary: "Delete an intent: every example of it",
        params: intentParams,
        response: { 200: z.object({ deleted: z.number().int() }), ...authErrors },
      },
    },
    async (request) => service().deleteIntent(contextOf(request), request.params.id, request.params.intent),
  );

  app.post(
    "/namespaces/:id/intents/classify",
    {
      config: { resource: "namespace", errors: ["UNAVAILABLE"] },
      schema: {
        operationId: "classifyIntent",
        tags,
        summary: "Classify a phrase as the chat turn does (optionally at another threshold)",
        params: idParams,
        body: z.object({ text: z.string().min(1).max(10_000), threshold: threshold.optional() }),
        response: { 200: classification, ...authErrors },
      },
    },
    async (request) =>
      service().classify(contextOf(request), { namespaceId: request.params.id, ...request.body }),
  );

  app.get(
    "/namespaces/:id/intent-examples",
    {
      config: { resource: "namespace" },
      schema: {
        operationId: "listIntentExamples",
        tags,
        summary: "A namespace's example phrases, newest first (filter by intent or text)",
        params: idParams,
        querystring: listQuery,
        response: { 200: pageOf(example), ...authErrors },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      return service().list(contextOf(request), request.params.id, filter, { page, pageSize });
    },
  );

  app.post(
    "/namespaces/:id/intent-examples",
    {
      config: { ...manage, errors: ["UNAVAILABLE"] },
      schema: {
        operationId: "createIntentExample",
        tags,
        summary: "Add an example phrase of an intent",
        params: idParams,
        body: exampleInput,
        response: { 201: example, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service().create(contextOf(request), request.params.id, request.body)),
  );

  app.post(
    "/namespaces/:id/intent-examples/import",
    {
      config: { ...manage, errors: ["UNAVAILABLE"] },
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        operationId: "importIntentExamples",
        tags,
        summary:
          "Import examples from JSON rows or CSV (header phrase|text, intent|category); all or nothing",
        params: idParams,
        body: importBody,
        response: { 200: importResult, ...authErrors },
      },
    },
    async (request) => service().import(contextOf(request), request.params.id, request.body),
  );

  app.get(
    "/intent-examples/:id",
    {
      config: { resource: "intent_example" },
      schema: {
        operationId: "getIntentExample",
        tags,
        summary: "One example phrase",
        params: idParams,
        response: { 200: example, ...authErrors },
      },
    },
    async (request) => service().get(contextOf(request), request.params.id),
  );

  app.patch(
    "/intent-examples/:id",
    {
      config: { permission: "agents:manage", resource: "intent_example", errors: ["UNAVAILABLE"] },
      schema: {
        operationId: "updateIntentExample",
        tags,
        summary: "Change an example's intent, phrase or metadata",
        params: idParams,
        body: examplePatch,
        response: { 200: example, ...authErrors },
      },
    },
    async (request) => service().update(contextOf(request), request.params.id, request.body),
  );

  app.delete(
    "/intent-examples/:id",
    {
      config: { permission: "agents:manage", resource: "intent_example" },
      schema: {
        operationId: "deleteIntentExample",
        tags,
        summary: "Delete an example phrase",
        params: idParams,
        response: { 204: z.null(), ...authErrors },
      },
    },
    async (request, reply) => {
      await service().delete(contextOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
