import type { Access } from "../core/access.js";
import type { Queryable } from "../db/client.js";
import type { Logger } from "../lib/logger.js";

export type ActorKind = "user" | "api_key" | "agent" | "channel" | "system";

export interface Actor {
  kind: ActorKind;
  id: string;
  /** The user behind the actor: the user, or the creator of an API key. */
  userId?: string;
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
