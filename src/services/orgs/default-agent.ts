import type { OrganizationRow } from "../../repositories/org.repository.js";

/** The key in `organizations.settings` naming the assistant clients use when they don't pick one. */
export const DEFAULT_AGENT_SETTING = "defaultAgentId";

/** The organisation's default assistant (`settings.defaultAgentId`), when one is set. */
export function defaultAgentIdOf(org: Pick<OrganizationRow, "settings">): string | undefined {
  const value = org.settings[DEFAULT_AGENT_SETTING];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}
