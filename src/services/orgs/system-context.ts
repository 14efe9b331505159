import { systemAccess } from "../../core/access.js";
import type { Queryable } from "../../db/client.js";
import { newId } from "../../lib/ids.js";
import type { Logger } from "../../lib/logger.js";
import type { ServiceContext } from "../context.js";

/** A context for operator tools (the CLI) acting inside one organisation with unrestricted access. */
export function systemContext(orgId: string, db: Queryable, logger: Logger, source = "cli"): ServiceContext {
  return {
    orgId,
    actor: { kind: "system", id: source },
    access: systemAccess,
    db,
    meta: { requestId: `${source}-${newId()}` },
    logger,
  };
}
