import type { Queryable } from "../../db/client.js";
import type { users } from "../../db/schema/index.js";
import type { Repositories } from "../../repositories/index.js";
import type { OrgMemberRow } from "../../repositories/org.repository.js";
import type { UserRow } from "../../repositories/user.repository.js";

type OrgMemberRole = OrgMemberRow["role"];
type NewUser = typeof users.$inferInsert;
type UserPatch = Partial<NewUser>;

/**
 * The one place where a user's role and their organisation membership are written, so that
 * `org_members.role` never disagrees with `users.role`: administrators are members with role `admin`
 * (the organisation's creator stays `owner` while an administrator), everyone else is a `member`.
 */
export function membershipRoleFor(userRole: UserRow["role"], current?: OrgMemberRole): OrgMemberRole {
  if (userRole !== "admin") return "member";
  return current === "owner" ? "owner" : "admin";
}

/** A new user of `values.orgId` together with their membership. Run it in the caller's transaction. */
export async function createMember(
  repositories: Pick<Repositories, "users" | "orgMembers">,
  values: NewUser,
  tx: Queryable,
  options: { owner?: boolean } = {},
): Promise<UserRow> {
  const user = await repositories.users.create(values, tx);
  const role = membershipRoleFor(user.role, options.owner ? "owner" : undefined);
  await repositories.orgMembers.create({ orgId: user.orgId, userId: user.id, role }, tx);
  return user;
}

/**
 * Updates a user and, when the update touches the role, brings the membership along (creating it if
 * it was missing). Run it in the caller's transaction.
 */
export async function updateMember(
  repositories: Pick<Repositories, "users" | "orgMembers">,
  userId: string,
  patch: UserPatch,
  tx: Queryable,
): Promise<UserRow> {
  const user = (await repositories.users.update(userId, patch, tx))!;
  if (patch.role !== undefined) await syncMembership(repositories, user, tx);
  return user;
}

async function syncMembership(
  repositories: Pick<Repositories, "orgMembers">,
  user: UserRow,
  tx: Queryable,
): Promise<void> {
  const membership = await repositories.orgMembers.findMembership(user.orgId, user.id, tx);
  const role = membershipRoleFor(user.role, membership?.role);
  if (!membership) {
    await repositories.orgMembers.create({ orgId: user.orgId, userId: user.id, role }, tx);
  } else if (membership.role !== role) {
    await repositories.orgMembers.update(membership.id, { role }, tx);
  }
}
