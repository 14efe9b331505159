import type { Queryable } from "../db/client.js";
import type { Logger } from "../lib/logger.js";

export type ActorKind = "user" | "api_key" | "agent" | "channel" | "system";

export interface Actor {
  kind: ActorKind;
  id: string;
  /** The user behind the actor, when there is one (a user, or the creator of an API key). */
  userId?: string;
}

/** Effective permissions and department reach, computed once per request. */
export interface Access {
  permissions: ReadonlySet<string>;
  allDepartments: boolean;
  departmentIds: ReadonlySet<string>;
}

export interface ServiceContext {
  orgId: string;
  actor: Actor;
  access: Access;
  db: Queryable;
  requestId: string;
  logger: Logger;
}

export const systemAccess: Access = {
  permissions: new Set(["*"]),
  allDepartments: true,
  departmentIds: new Set(),
};
