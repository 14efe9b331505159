import type { Queryable } from "../db/client.js";
import type { Logger } from "../lib/logger.js";

export type ActorKind = "user" | "api_key" | "agent" | "channel" | "system";

export interface Actor {
  kind: ActorKind;
  id: string;
  /** The user behind the actor: the user, or the creator of an API key. */
  userId?: string;
}

/** Effective permissions and department reach, computed once per request. */
export interface Access {
  permissions: ReadonlySet<string>;
  /** True when the role reaches every department (still minus `excludedDepartmentIds`). */
  allDepartments: boolean;
  departmentIds: ReadonlySet<string>;
  /** Per-user revocations; they win over everything else. */
  excludedDepartmentIds: ReadonlySet<string>;
}

export interface RequestMeta {
  requestId: string;
  ip?: string | undefined;
  userAgent?: string | undefined;
}

export interface ServiceContext {
  orgId: string;
  actor: Actor;
  access: Access;
  db: Queryable;
  meta: RequestMeta;
  logger: Logger;
}

export const noAccess: Access = {
  permissions: new Set(),
  allDepartments: false,
  departmentIds: new Set(),
  excludedDepartmentIds: new Set(),
};

/** Unrestricted access for system jobs (seeding, schedulers); never handed to a request. */
export const systemAccess: Access = {
  permissions: new Set(["*"]),
  allDepartments: true,
  departmentIds: new Set(),
  excludedDepartmentIds: new Set(),
};
