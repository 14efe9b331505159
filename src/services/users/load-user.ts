import type { Access } from "../../core/access.js";
import { requirePermission } from "../../core/access.js";
import { AppError } from "../../lib/errors.js";
import type { Repositories } from "../../repositories/index.js";
import type { UserRow } from "../../repositories/user.repository.js";
import type { Authenticator } from "../auth/authenticate.js";
import type { ServiceContext } from "../context.js";
import { findRole, type RoleRef } from "../identity/find-role.js";
import { assertCanManage, canSeeUser, visibleIds } from "../identity/privileges.js";

export type LoadUserRepositories = Pick<Repositories, "systemRoles" | "users">;

/** A user as the caller may see it: ids of departments hidden from the caller are left out. */
export function presentUser(access: Access, user: UserRow): UserRow {
  return {
    ...user,
    extraDepartmentIds: visibleIds(access, user.extraDepartmentIds),
    revokedDepartmentIds: visibleIds(access, user.revokedDepartmentIds),
  };
}

export function selfId(ctx: ServiceContext): string {
  if (ctx.actor.kind !== "user" || !ctx.actor.userId) {
    throw new AppError("FORBIDDEN", "This needs a signed-in person, not an API key or a system actor");
  }
  return ctx.actor.userId;
}

export function createUserLoader(repositories: LoadUserRepositories, authenticator: Authenticator) {
  const r = repositories;

  /** A user of the caller's organisation in a department the caller can see; 404 otherwise. */
  async function find(ctx: ServiceContext, id: string): Promise<UserRow> {
    const user = await r.users.findById(id);
    if (!user || user.orgId !== ctx.orgId || !canSeeUser(ctx.access, user)) {
      throw AppError.notFound("User", id);
    }
    return user;
  }

  return {
    find,

    /** A user the caller may manage: users:manage, visible, and holding no more access than the caller. */
    async managed(ctx: ServiceContext, id: string): Promise<UserRow> {
      requirePermission(ctx, "users:manage");
      const user = await find(ctx, id);
      assertCanManage(ctx, user, await authenticator.accessOf(user));
      return user;
    },

    /** The role named by id or by slug, in the caller's organisation. */
    role: (ctx: ServiceContext, ref: RoleRef) => findRole(r, ctx, ref),
  };
}

export type UserLoader = ReturnType<typeof createUserLoader>;
