import type { Queryable } from "../../db/client.js";
import { withTransaction } from "../../db/transaction.js";
import type { PageQuery } from "../../lib/pagination.js";
import type { Repositories } from "../../repositories/index.js";
import type { PersonaFilter, PersonaRow } from "../../repositories/persona.repository.js";
import { diff, recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import { assertScopeWritable, loadVisible, requireAssistantRead } from "./assistant-access.js";

export type PersonaServiceRepositories = Pick<Repositories, "auditLogs" | "departments" | "personas">;

export interface PersonaInput {
  /** Null or absent: an organisation-wide persona. */
  departmentId?: string | null | undefined;
  name: string;
  description?: string | null | undefined;
  prompt?: string | undefined;
  tone?: string | null | undefined;
  greeting?: string | null | undefined;
  avatarUrl?: string | null | undefined;
  config?: Record<string, unknown> | undefined;
}

export type PersonaPatch = Partial<Omit<PersonaInput, "departmentId">>;

/** The text a persona adds to a system prompt: its instructions and, when set, its tone. */
export function personaText(persona: Pick<PersonaRow, "prompt" | "tone">): string {
  return [persona.prompt.trim(), persona.tone ? `Tone: ${persona.tone.trim()}` : ""]
    .filter((part) => part.length > 0)
    .join("\n");
}

export function createPersonaService(r: PersonaServiceRepositories) {
  const load = (ctx: ServiceContext, id: string) =>
    loadVisible(ctx, "Persona", id, () => r.personas.findInOrg(ctx.orgId, id, ctx.db));

  async function audit(
    ctx: ServiceContext,
    action: string,
    persona: PersonaRow,
    changes: object,
    tx: Queryable,
  ) {
    await recordAudit(
      r,
      ctx,
      {
        action: `persona.${action}`,
        entityType: "persona",
        entityId: persona.id,
        departmentId: persona.departmentId,
        changes: { ...changes },
      },
      tx,
    );
  }

  return {
    list(ctx: ServiceContext, filter: PersonaFilter, page: PageQuery) {
      requireAssistantRead(ctx);
      return r.personas.pageVisible(ctx.orgId, ctx.access, filter, page, ctx.db);
    },

    get: load,

    async create(ctx: ServiceContext, input: PersonaInput): Promise<PersonaRow> {
      const departmentId = input.departmentId ?? null;
      await assertScopeWritable(r, ctx, departmentId);
      return withTransaction(ctx.db, async (tx) => {
        const persona = await r.personas.create(
          { ...input, orgId: ctx.orgId, departmentId, createdById: ctx.actor.userId ?? null },
          tx,
        );
        await audit(ctx, "created", persona, { name: persona.name }, tx);
        return persona;
      });
    },

    async update(ctx: ServiceContext, id: string, patch: PersonaPatch): Promise<PersonaRow> {
      const persona = await load(ctx, id);
      await assertScopeWritable(r, ctx, persona.departmentId);
      return withTransaction(ctx.db, async (tx) => {
        const updated = await r.personas.update(id, patch, tx);
        await audit(ctx, "updated", persona, diff(persona, patch), tx);
        return updated!;
      });
    },

    /** Namespaces and agents using it keep working without one; published versions keep its text. */
    async delete(ctx: ServiceContext, id: string): Promise<void> {
      const persona = await load(ctx, id);
      await assertScopeWritable(r, ctx, persona.departmentId);
      await withTransaction(ctx.db, async (tx) => {
        await r.personas.delete(id, tx);
        await audit(ctx, "deleted", persona, { name: persona.name }, tx);
      });
    },
  };
}

export type PersonaService = ReturnType<typeof createPersonaService>;
