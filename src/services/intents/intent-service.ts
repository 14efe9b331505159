import type { Queryable } from "../../db/client.js";
import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import type { PageQuery } from "../../lib/pagination.js";
import type { Embedder } from "../../providers/embeddings/index.js";
import type { Repositories } from "../../repositories/index.js";
import type { IntentExampleFilter, IntentExampleRow } from "../../repositories/intent-example.repository.js";
import type { NamespaceRow } from "../../repositories/namespace.repository.js";
import { assertScopeWritable, loadVisible } from "../assistants/assistant-access.js";
import { diff, recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import {
  checkExamples,
  type ExampleInput,
  type ImportProblem,
  intentNameProblem,
  MAX_EXAMPLES_PER_NAMESPACE,
  parseCsvExamples,
  phraseProblem,
} from "./example-input.js";

export type IntentServiceRepositories = Pick<
  Repositories,
  "auditLogs" | "departments" | "intentExampleSets" | "intentExamples" | "namespaces"
>;

export interface ImportInput {
  /** Rows as JSON… */
  examples?: { intent: string; phrase: string; metadata?: Record<string, unknown> | undefined }[] | undefined;
  /** …or as CSV text with a header (phrase|text, intent|category). */
  csv?: string | undefined;
  /** `append` (default) adds to the examples; `replace` swaps all of them in one transaction. */
  mode?: "append" | "replace" | undefined;
}

export interface IntentSummary {
  namespaceId: string;
  threshold: number;
  /** Moves with every change to the examples (trained models are tagged with it). */
  version: number;
  examples: number;
  intents: { intent: string; examples: number }[];
}

/** An example as the API shows it (the vector stays inside). */
export interface IntentExampleView {
  id: string;
  namespaceId: string;
  intent: string;
  phrase: string;
  metadata: Record<string, unknown>;
  /** The model of its stored vector (null until embedded). */
  embeddingModel: string | null;
  createdAt: Date;
  updatedAt: Date;
}

function viewOf(row: Omit<IntentExampleRow, "embedding">): IntentExampleView {
  return {
    id: row.id,
    namespaceId: row.namespaceId,
    intent: row.intentName,
    phrase: row.phrase,
    metadata: row.metadata,
    embeddingModel: row.embeddingModel,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const EMBED_BATCH = 256;

/** Intents and their example phrases per namespace: reads need chat:use or agents:manage, writes agents:manage. */
export function createIntentExampleService(deps: {
  repositories: IntentServiceRepositories;
  embedder: Embedder;
  defaultThreshold: number;
}) {
  const r = deps.repositories;
  const loadNamespace = (ctx: ServiceContext, id: string): Promise<NamespaceRow> =>
    loadVisible(ctx, "Namespace", id, () => r.namespaces.findInOrg(ctx.orgId, id, ctx.db));

  async function writableNamespace(ctx: ServiceContext, id: string): Promise<NamespaceRow> {
    const ns = await loadNamespace(ctx, id);
    await assertScopeWritable(r, ctx, ns.departmentId);
    return ns;
  }

  /** An example whose namespace the caller sees; anything else is the same 404 as a missing id. */
  async function loadExample(ctx: ServiceContext, id: string) {
    const example = await r.intentExamples.findInNamespaceOrg(ctx.orgId, id, ctx.db);
    const ns = example ? await r.namespaces.findInOrg(ctx.orgId, example.namespaceId, ctx.db) : undefined;
    if (!example || !ns) throw AppError.notFound("Intent example", id);
    await loadVisible(ctx, "Intent example", id, async () => ns);
    return { example, ns };
  }

  async function embed(phrases: string[]): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < phrases.length; i += EMBED_BATCH) {
      out.push(...(await deps.embedder.embed(phrases.slice(i, i + EMBED_BATCH), "document")));
    }
    return out;
  }

  /** Inside the write's transaction, after `bump` (whose row lock orders the namespace's writers). */
  async function assertRoom(ns: NamespaceRow, adding: number, replacing: boolean, tx: Queryable) {
    const existing = replacing ? 0 : await r.intentExamples.countIn(ns.id, tx);
    if (existing + adding > MAX_EXAMPLES_PER_NAMESPACE) {
      throw new AppError(
        "VALIDATION",
        `A namespace holds at most ${MAX_EXAMPLES_PER_NAMESPACE} intent examples (it has ${existing}, this adds ${adding})`,
        { limit: MAX_EXAMPLES_PER_NAMESPACE, existing, adding },
      );
    }
  }

  function rowsOf(ctx: ServiceContext, ns: NamespaceRow, examples: ExampleInput[], vectors: number[][]) {
    return examples.map((e, i) => ({
      orgId: ctx.orgId,
      namespaceId: ns.id,
      intentName: e.intent,
      phrase: e.phrase,
      metadata: e.metadata ?? {},
      embedding: vectors[i]!,
      embeddingModel: deps.embedder.model,
    }));
  }

  function audit(
    ctx: ServiceContext,
    ns: NamespaceRow,
    action: string,
    changes: object,
    tx: Queryable,
    entityId?: string,
  ) {
    return recordAudit(
      r,
      ctx,
      {
        action: `intents.${action}`,
        entityType: entityId ? "intent_example" : "namespace",
        entityId: entityId ?? ns.id,
        departmentId: ns.departmentId,
        changes: { namespaceId: ns.id, ...changes },
      },
      tx,
    );
  }

  async function summary(ctx: ServiceContext, namespaceId: string): Promise<IntentSummary> {
    const ns = await loadNamespace(ctx, namespaceId);
    const [state, intents] = await Promise.all([
      r.intentExampleSets.stateOf(ns.id, ctx.db),
      r.intentExamples.intentsOf(ns.id, ctx.db),
    ]);
    return {
      namespaceId: ns.id,
      threshold: state?.threshold ?? deps.defaultThreshold,
      version: state?.version ?? 0,
      examples: intents.reduce((sum, i) => sum + i.examples, 0),
      intents,
    };
  }

  function invalid(message: string, problems: ImportProblem[]): never {
    throw new AppError("VALIDATION", message, { problems });
  }

  return {
    summary,

    async setThreshold(ctx: ServiceContext, namespaceId: string, threshold: number): Promise<IntentSummary> {
      const ns = await writableNamespace(ctx, namespaceId);
      await withTransaction(ctx.db, async (tx) => {
        await r.intentExampleSets.setThreshold(ctx.orgId, ns.id, threshold, tx);
        await audit(ctx, ns, "threshold_changed", { threshold }, tx);
      });
      return summary(ctx, namespaceId);
    },

    async list(ctx: ServiceContext, namespaceId: string, filter: IntentExampleFilter, page: PageQuery) {
      const ns = await loadNamespace(ctx, namespaceId);
      const found = await r.intentExamples.pageIn(ns.id, filter, page, ctx.db);
      return { ...found, items: found.items.map(viewOf) };
    },

    async get(ctx: ServiceContext, id: string): Promise<IntentExampleView> {
      return viewOf((await loadExample(ctx, id)).example);
    },

    async create(ctx: ServiceContext, namespaceId: string, input: ExampleInput): Promise<IntentExampleView> {
      const ns = await writableNamespace(ctx, namespaceId);
      const { examples, problems } = checkExamples([input]);
      if (problems.length > 0) invalid(problems.map((p) => p.message).join("; "), problems);
      const [row] = rowsOf(ctx, ns, examples, await embed([examples[0]!.phrase]));
      return withTransaction(ctx.db, async (tx) => {
        await r.intentExampleSets.bump(ctx.orgId, ns.id, tx);
        await assertRoom(ns, 1, false, tx);
        const created = await r.intentExamples.create(row!, tx);
        await audit(ctx, ns, "example_created", { intent: created.intentName }, tx, created.id);
        return viewOf(created);
      });
    },

    async update(ctx: ServiceContext, id: string, patch: Partial<ExampleInput>): Promise<IntentExampleView> {
      const { example, ns } = await loadExample(ctx, id);
      await assertScopeWritable(r, ctx, ns.departmentId);
      const intent = patch.intent?.trim();
      const phrase = patch.phrase?.trim();
      const problems: ImportProblem[] = [];
      const intentIssue = intent === undefined ? undefined : intentNameProblem(intent);
      const phraseIssue = phrase === undefined ? undefined : phraseProblem(phrase);
      if (intentIssue) problems.push({ row: 1, field: "intent", message: intentIssue });
      if (phraseIssue) problems.push({ row: 1, field: "phrase", message: phraseIssue });
      if (problems.length > 0) invalid(problems.map((p) => p.message).join("; "), problems);
      const changes = {
        ...(intent === undefined ? {} : { intentName: intent }),
        ...(phrase === undefined ? {} : { phrase }),
        ...(patch.metadata === undefined ? {} : { metadata: patch.metadata }),
      };
      const vector =
        phrase !== undefined && phrase !== example.phrase ? (await embed([phrase]))[0] : undefined;
      return withTransaction(ctx.db, async (tx) => {
        const updated = await r.intentExamples.update(
          id,
          { ...changes, ...(vector ? { embedding: vector, embeddingModel: deps.embedder.model } : {}) },
          tx,
        );
        await r.intentExampleSets.bump(ctx.orgId, ns.id, tx);
        const { phrase: _p, ...audited } = diff(example, changes);
        await audit(ctx, ns, "example_updated", { ...audited, phraseChanged: vector !== undefined }, tx, id);
        return viewOf(updated!);
      });
    },

    async delete(ctx: ServiceContext, id: string): Promise<void> {
      const { example, ns } = await loadExample(ctx, id);
      await assertScopeWritable(r, ctx, ns.departmentId);
      await withTransaction(ctx.db, async (tx) => {
        await r.intentExamples.delete(id, tx);
        await r.intentExampleSets.bump(ctx.orgId, ns.id, tx);
        await audit(ctx, ns, "example_deleted", { intent: example.intentName }, tx, id);
      });
    },

    /** Deletes every example of one intent; answers how many went (0 when the intent had none). */
    async deleteIntent(
      ctx: ServiceContext,
      namespaceId: string,
      intent: string,
    ): Promise<{ deleted: number }> {
      const ns = await writableNamespace(ctx, namespaceId);
      return withTransaction(ctx.db, async (tx) => {
        const deleted = await r.intentExamples.deleteIntent(ns.id, intent, tx);
        if (deleted > 0) {
          await r.intentExampleSets.bump(ctx.orgId, ns.id, tx);
          await audit(ctx, ns, "intent_deleted", { intent, deleted }, tx);
        }
        return { deleted };
      });
    },

    /**
     * Bulk import from JSON rows or CSV. Every problem is listed (400, `details.problems` with row,
     * field and message) and nothing is written unless every row is valid.
     */
    async import(ctx: ServiceContext, namespaceId: string, input: ImportInput) {
      const ns = await writableNamespace(ctx, namespaceId);
      if ((input.examples === undefined) === (input.csv === undefined)) {
        throw new AppError(
          "VALIDATION",
          "Send either examples (JSON rows) or csv (text), not both or neither",
        );
      }
      const { examples, problems } =
        input.csv !== undefined ? parseCsvExamples(input.csv) : checkExamples(input.examples!);
      if (problems.length > 0) {
        invalid(
          `The import has ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was written`,
          problems,
        );
      }
      if (examples.length === 0) invalid("The import has no examples", [{ row: 1, message: "no rows" }]);
      const replacing = input.mode === "replace";
      const rows = rowsOf(ctx, ns, examples, await embed(examples.map((e) => e.phrase)));
      return withTransaction(ctx.db, async (tx) => {
        const version = await r.intentExampleSets.bump(ctx.orgId, ns.id, tx);
        await assertRoom(ns, examples.length, replacing, tx);
        const replaced = replacing ? await r.intentExamples.deleteAllIn(ns.id, tx) : 0;
        const imported = await r.intentExamples.insertBatched(rows, tx);
        const intents = new Set(examples.map((e) => e.intent)).size;
        await audit(ctx, ns, "imported", { imported, replaced, intents, mode: input.mode ?? "append" }, tx);
        return { imported, replaced, intents, version };
      });
    },
  };
}

export type IntentExampleService = ReturnType<typeof createIntentExampleService>;
