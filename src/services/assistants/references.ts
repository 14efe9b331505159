import { AppError } from "../../lib/errors.js";
import type { Repositories } from "../../repositories/index.js";
import type { PersonaRow } from "../../repositories/persona.repository.js";
import type { ServiceContext } from "../context.js";
import { canSeeScope } from "./assistant-access.js";

export type AgentReferencesRepositories = Pick<Repositories, "personas">;

/**
 * A persona a namespace or agent of `departmentId` may use: visible to the caller, of the same
 * organisation, and of the same department or organisation-wide. Anything else is VALIDATION with
 * the same message, so an id of a hidden persona reveals nothing.
 */
export async function usablePersona(
  r: AgentReferencesRepositories,
  ctx: ServiceContext,
  personaId: string,
  departmentId: string | null,
): Promise<PersonaRow> {
  const persona = await r.personas.findInOrg(ctx.orgId, personaId, ctx.db);
  const usable =
    persona &&
    canSeeScope(ctx.access, persona.departmentId) &&
    (persona.departmentId === null || persona.departmentId === departmentId);
  if (!usable) {
    throw new AppError(
      "VALIDATION",
      "personaId must name a persona of the same department or an organisation-wide one",
      { field: "personaId" },
    );
  }
  return persona;
}
