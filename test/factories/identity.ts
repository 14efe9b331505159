import type { Queryable } from "../../src/db/client.js";
import type * as s from "../../src/db/schema/index.js";
import { newId } from "../../src/lib/ids.js";
import type { Overrides, Repositories, Row, Values } from "./types.js";
import { daysFromNow, unique } from "./unique.js";

export type OrgRow = Row<typeof s.organizations>;
export type DepartmentRow = Row<typeof s.departments>;
export type SystemRoleRow = Row<typeof s.systemRoles>;
export type { UserRow } from "../../src/repositories/user.repository.js";

import type { UserRow } from "../../src/repositories/user.repository.js";

type UserRef = Pick<UserRow, "id" | "orgId">;

export function orgValues(overrides: Overrides<typeof s.organizations> = {}): Values<typeof s.organizations> {
  const slug = unique("org");
  return { name: `Org ${slug}`, slug, settings: { locale: "en" }, ...overrides };
}

export function makeOrg(
  repos: Repositories,
  overrides: Overrides<typeof s.organizations> = {},
  tx?: Queryable,
) {
  return repos.organizations.create(orgValues(overrides), tx);
}

export function departmentValues(
  orgId: string,
  overrides: Overrides<typeof s.departments> = {},
): Values<typeof s.departments> {
  const slug = unique("dept");
  return { orgId, name: `Department ${slug}`, slug, color: "#123456", ...overrides };
}

export function makeDepartment(
  repos: Repositories,
  orgId: string,
  overrides: Overrides<typeof s.departments> = {},
  tx?: Queryable,
) {
  return repos.departments.create(departmentValues(orgId, overrides), tx);
}

export function systemRoleValues(
  orgId: string,
  overrides: Overrides<typeof s.systemRoles> = {},
): Values<typeof s.systemRoles> {
  const slug = unique("role");
  return { orgId, name: `Role ${slug}`, slug, permissions: ["kb:read", "chat:use"], ...overrides };
}

export function makeSystemRole(
  repos: Repositories,
  orgId: string,
  overrides: Overrides<typeof s.systemRoles> = {},
  tx?: Queryable,
) {
  return repos.systemRoles.create(systemRoleValues(orgId, overrides), tx);
}

export function userValues(orgId: string, overrides: Overrides<typeof s.users> = {}): Values<typeof s.users> {
  const local = unique("user");
  return { orgId, email: `${local}@example.test`, name: `User ${local}`, ...overrides };
}

/** A user whose home organisation is `orgId` (no org_members row: add one with makeOrgMember). */
export function makeUser(
  repos: Repositories,
  orgId: string,
  overrides: Overrides<typeof s.users> = {},
  tx?: Queryable,
) {
  return repos.users.create(userValues(orgId, overrides), tx);
}

export function orgMemberValues(
  user: UserRef,
  overrides: Overrides<typeof s.orgMembers> = {},
): Values<typeof s.orgMembers> {
  return { orgId: user.orgId, userId: user.id, role: "member", ...overrides };
}

export function makeOrgMember(
  repos: Repositories,
  user: UserRef,
  overrides: Overrides<typeof s.orgMembers> = {},
  tx?: Queryable,
) {
  return repos.orgMembers.create(orgMemberValues(user, overrides), tx);
}

export function sessionValues(
  user: UserRef,
  overrides: Overrides<typeof s.sessions> = {},
): Values<typeof s.sessions> {
  return {
    orgId: user.orgId,
    userId: user.id,
    refreshTokenHash: unique("refresh-hash"),
    familyId: newId(),
    expiresAt: daysFromNow(30),
    userAgent: "vitest",
    ...overrides,
  };
}

export function invitationValues(
  orgId: string,
  overrides: Overrides<typeof s.invitations> = {},
): Values<typeof s.invitations> {
  return {
    orgId,
    email: `${unique("invitee")}@example.test`,
    tokenHash: unique("invite-hash"),
    expiresAt: daysFromNow(7),
    ...overrides,
  };
}

export function passwordResetValues(
  user: UserRef,
  overrides: Overrides<typeof s.passwordResetTokens> = {},
): Values<typeof s.passwordResetTokens> {
  return {
    orgId: user.orgId,
    userId: user.id,
    tokenHash: unique("reset-hash"),
    expiresAt: daysFromNow(1),
    ...overrides,
  };
}

export function apiKeyValues(
  orgId: string,
  overrides: Overrides<typeof s.apiKeys> = {},
): Values<typeof s.apiKeys> {
  return {
    orgId,
    name: "CI key",
    prefix: unique("ak"),
    keyHash: unique("key-hash"),
    permissions: ["kb:read"],
    ...overrides,
  };
}
