import type { Queryable } from "../../db/client.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { Logger } from "../../lib/logger.js";
import type { Repositories } from "../../repositories/index.js";
import type { ServiceContext } from "../context.js";
import type { Authenticator } from "./authenticate.js";

export type ActingUserRepositories = Pick<Repositories, "orgMembers" | "users">;

/**
 * Contexts for operator tools that act as a person rather than as the system (`atrium ask` owns the
 * conversation it starts): that person's own permissions and departments apply, exactly as over HTTP.
 */
export function createActingUsers(deps: {
  repositories: ActingUserRepositories;
  authenticator: Authenticator;
}) {
  const r = deps.repositories;

  return {
    /** As the active user with this email, or else as the organisation's oldest active owner. */
    async contextFor(
      orgId: string,
      email: string | undefined,
      db: Queryable,
      logger: Logger,
      source = "cli",
    ): Promise<ServiceContext> {
      const user = email
        ? await r.users.findByEmail(orgId, email, db)
        : await r.orgMembers.firstActiveOwner(orgId, db);
      if (!user?.isActive || user.orgId !== orgId) {
        throw email
          ? new AppError("NOT_FOUND", `There is no active user ${email} in this organisation`)
          : new AppError(
              "NOT_FOUND",
              "The organisation has no active owner; say who you are with --as <email>",
            );
      }
      return {
        orgId,
        actor: { kind: "user", id: user.id, userId: user.id },
        access: await deps.authenticator.accessOf(user),
        db,
        meta: { requestId: `${source}-${newId()}` },
        logger,
      };
    },
  };
}

export type ActingUsers = ReturnType<typeof createActingUsers>;
