import { randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import type { Container } from "../../src/app/container.js";
import { ALL_PERMISSIONS, type LegacyRole } from "../../src/core/permissions.js";
import { hashPassword } from "../../src/lib/passwords.js";
import { hashToken } from "../../src/lib/secrets.js";
import type { SystemRoleRow } from "../../src/repositories/identity.repositories.js";
import type { Repositories } from "../../src/repositories/index.js";
import type { UserRow } from "../../src/repositories/user.repository.js";
import { createBuiltInRoles } from "../../src/services/identity/built-in-roles.js";
import { testConfig } from "./container.js";

/**
 * The fixture world of the isolation matrix and the property tests: two organisations, departments,
 * roles and one user for every way a request can be refused. Rows are inserted through repositories
 * (fast, no HTTP); tokens come from the real session service, so they are exactly what login returns.
 *
 * Everything a caller of another department or organisation must never see is named with a
 * `hidden-…` marker (see `marker`), so a response body can be searched for leaks.
 */

const run = randomBytes(4).toString("hex");
let sequence = 0;

/** A unique, searchable string; `hidden` markers must never appear in a refused or filtered response. */
export function marker(kind: "hidden" | "visible", what: string): string {
  sequence += 1;
  // Zero-padded, so no marker is a prefix of a later one ("…-45" inside "…-457" would read as a leak).
  return `${kind}-${what}-${run}-${String(sequence).padStart(6, "0")}`;
}

export type DepartmentRow = Awaited<ReturnType<Repositories["departments"]["create"]>>;
export type OrgRow = Awaited<ReturnType<Repositories["organizations"]["create"]>>;

export interface OrgWorld {
  org: OrgRow;
  /** Built-in roles by legacy slug (admin, dept_head, approver, employee). */
  roles: Record<LegacyRole, SystemRoleRow>;
  admin: UserRow;
}

export interface IsolationWorld {
  container: Container;
  repos: Repositories;
  orgA: OrgWorld & {
    d1: DepartmentRow;
    /** Never visible to the D1-scoped callers; named with hidden markers. */
    d2: DepartmentRow;
    d3Archived: DepartmentRow;
    customRoles: {
      noPermissions: SystemRoleRow;
      allPermissionsD1: SystemRoleRow;
      allPermissionsD1D2: SystemRoleRow;
    };
    users: {
      admin: UserRow;
      deptHeadD1: UserRow;
      employeeD1: UserRow;
      /** A custom role with an empty permission list, in D1. */
      noPermissions: UserRow;
      /** Every permission, but the role reaches only D1. */
      allPermissionsD1: UserRow;
      /** Every permission, role reaches D1 and D2, but D2 is in the user's revokedDepartmentIds. */
      revokedD2Override: UserRow;
      /** An admin whose account was deactivated after their token was issued. */
      deactivated: UserRow;
      /** An admin whose tokenVersion was bumped after their token was issued. */
      staleTokenVersion: UserRow;
    };
  };
  /** Another tenant; everything in it is hidden from org A. */
  orgB: OrgWorld & { department: DepartmentRow };
  /** Credentials that must all be refused with 401. */
  badCredentials: {
    malformed: string;
    expired: string;
    forged: string;
    staleTokenVersion: string;
    deactivated: string;
    revokedApiKey: string;
  };
  /** An API key owned by org A's admin with every permission but limited to D1. */
  apiKeyD1: string;
  /** A fresh access token for the user (re-read first, so a bumped tokenVersion is picked up). */
  tokenFor(user: UserRow): Promise<string>;
}

/** Every world user's password (hashed once), so password routes can be exercised for real. */
export const WORLD_PASSWORD = "world-password-0123";
let worldPasswordHash: Promise<string> | undefined;
export function passwordHash(): Promise<string> {
  worldPasswordHash ??= hashPassword(WORLD_PASSWORD);
  return worldPasswordHash;
}

const meta = { requestId: "isolation-world", ip: "127.0.0.1", userAgent: "vitest" };

/** The built-in roles exactly as a new organisation gets them. */
async function builtInRoles(container: Container, orgId: string): Promise<Record<LegacyRole, SystemRoleRow>> {
  const rows = await createBuiltInRoles(container.repositories, orgId, container.database.db);
  return Object.fromEntries(rows) as Record<LegacyRole, SystemRoleRow>;
}

async function makeUser(
  repos: Repositories,
  values: {
    orgId: string;
    name: string;
    role: LegacyRole;
    roleId: string;
    departmentId: string | null;
    revokedDepartmentIds?: string[];
  },
): Promise<UserRow> {
  const user = await repos.users.create({
    email: `${values.name}@example.test`,
    orgId: values.orgId,
    name: values.name,
    role: values.role,
    roleId: values.roleId,
    departmentId: values.departmentId,
    revokedDepartmentIds: values.revokedDepartmentIds ?? [],
    passwordHash: await passwordHash(),
  });
  await repos.orgMembers.create({
    orgId: values.orgId,
    userId: user.id,
    role: values.role === "admin" ? "admin" : "member",
  });
  return user;
}

/** An API key in the `atr_<prefix>_<secret>` format the authenticator accepts; only its hash is stored. */
export async function makeApiKey(
  repos: Repositories,
  values: {
    orgId: string;
    userId: string;
    name: string;
    permissions: string[];
    departmentIds: string[];
    allDepartments?: boolean;
    revoked?: boolean;
  },
): Promise<{ id: string; presented: string }> {
  const prefix = randomBytes(16).toString("hex").slice(0, 12);
  const presented = `atr_${prefix}_${randomBytes(24).toString("base64url")}`;
  const row = await repos.apiKeys.create({
    orgId: values.orgId,
    userId: values.userId,
    name: values.name,
    prefix,
    keyHash: hashToken(presented),
    permissions: values.permissions,
    departmentIds: values.departmentIds,
    allDepartments: values.allDepartments ?? false,
    revokedAt: values.revoked ? new Date() : null,
  });
  return { id: row.id, presented };
}

async function makeDepartment(
  repos: Repositories,
  orgId: string,
  kind: "hidden" | "visible",
  archived = false,
) {
  const name = marker(kind, "department");
  return repos.departments.create({
    orgId,
    name,
    slug: name,
    description: marker(kind, "department-description"),
    isArchived: archived,
    archivedAt: archived ? new Date() : null,
  });
}

async function makeOrg(repos: Repositories, kind: "hidden" | "visible") {
  const name = marker(kind, "org");
  return repos.organizations.create({ name, slug: name });
}

/** A token signed with the real secret, issuer and audience, for a live session, that expired an hour ago. */
async function expiredToken(container: Container, user: UserRow): Promise<string> {
  const issued = await container.services.sessions.issue(user, meta);
  const [, payload] = issued.accessToken.split(".");
  const { sid } = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8")) as { sid: string };
  const secret = testConfig().auth.secret;
  if (!secret) throw new Error("the test configuration has no AUTH_SECRET");
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ org: user.orgId, tv: user.tokenVersion, sid })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(user.id)
    .setIssuer("atrium")
    .setAudience("atrium-api")
    .setIssuedAt(now - 7200)
    .setExpirationTime(now - 3600)
    .sign(new TextEncoder().encode(secret));
}

/** The same claims as a valid token, signed with a key the server does not know. */
async function forgedToken(user: UserRow): Promise<string> {
  return new SignJWT({ org: user.orgId, tv: user.tokenVersion, sid: user.id })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(user.id)
    .setIssuer("atrium")
    .setAudience("atrium-api")
    .setIssuedAt()
    .setExpirationTime("10m")
    .sign(new TextEncoder().encode("another-secret-that-is-long-enough-9876543210"));
}

export async function buildWorld(container: Container): Promise<IsolationWorld> {
  const repos = container.repositories;

  // Organisation A.
  const orgA = await makeOrg(repos, "visible");
  const d1 = await makeDepartment(repos, orgA.id, "visible");
  const d2 = await makeDepartment(repos, orgA.id, "hidden");
  const d3Archived = await makeDepartment(repos, orgA.id, "visible", true);
  const rolesA = await builtInRoles(container, orgA.id);
  const customRole = (permissions: string[], departmentIds: string[]) => {
    const name = marker("visible", "role");
    return repos.systemRoles.create({ orgId: orgA.id, name, slug: name, permissions, departmentIds });
  };
  const customRoles = {
    noPermissions: await customRole([], [d1.id]),
    allPermissionsD1: await customRole(ALL_PERMISSIONS, [d1.id]),
    allPermissionsD1D2: await customRole(ALL_PERMISSIONS, [d1.id, d2.id]),
  };
  const userA = (
    what: string,
    role: LegacyRole,
    roleId: string,
    extra: { revokedDepartmentIds?: string[] } = {},
  ) =>
    makeUser(repos, {
      orgId: orgA.id,
      name: marker("visible", what),
      role,
      roleId,
      departmentId: d1.id,
      ...extra,
    });
  const users = {
    admin: await userA("admin", "admin", rolesA.admin.id),
    deptHeadD1: await userA("dept-head", "dept_head", rolesA.dept_head.id),
    employeeD1: await userA("employee", "employee", rolesA.employee.id),
    noPermissions: await userA("no-permissions", "employee", customRoles.noPermissions.id),
    allPermissionsD1: await userA("all-permissions-d1", "employee", customRoles.allPermissionsD1.id),
    revokedD2Override: await userA("revoked-d2", "employee", customRoles.allPermissionsD1D2.id, {
      revokedDepartmentIds: [d2.id],
    }),
    deactivated: await userA("deactivated", "admin", rolesA.admin.id),
    staleTokenVersion: await userA("stale-token", "admin", rolesA.admin.id),
  };

  // The admin has a memory profile, so GET /me/profile has something to return to the control case.
  await repos.employeeProfiles.create({
    orgId: orgA.id,
    userId: users.admin.id,
    departmentId: d1.id,
    summary: marker("visible", "admin-profile"),
    profileVersion: 1,
  });

  // Organisation B: a complete tenant of its own, all of it hidden from org A.
  const orgB = await makeOrg(repos, "hidden");
  const departmentB = await makeDepartment(repos, orgB.id, "hidden");
  const rolesB = await builtInRoles(container, orgB.id);
  const adminB = await makeUser(repos, {
    orgId: orgB.id,
    name: marker("hidden", "admin-b"),
    role: "admin",
    roleId: rolesB.admin.id,
    departmentId: departmentB.id,
  });

  // Credentials issued while valid, then invalidated the way the product does it.
  const issue = async (user: UserRow) => (await container.services.sessions.issue(user, meta)).accessToken;
  const staleToken = await issue(users.staleTokenVersion);
  users.staleTokenVersion = (await repos.users.bumpTokenVersion(users.staleTokenVersion.id))!;
  const deactivatedToken = await issue(users.deactivated);
  users.deactivated = (await repos.users.update(users.deactivated.id, {
    isActive: false,
    deactivatedAt: new Date(),
  }))!;
  const revokedKey = await makeApiKey(repos, {
    orgId: orgA.id,
    userId: users.admin.id,
    name: marker("visible", "revoked-key"),
    permissions: ALL_PERMISSIONS,
    departmentIds: [],
    allDepartments: true,
    revoked: true,
  });
  const keyD1 = await makeApiKey(repos, {
    orgId: orgA.id,
    userId: users.admin.id,
    name: marker("visible", "d1-key"),
    permissions: ALL_PERMISSIONS,
    departmentIds: [d1.id],
  });

  return {
    container,
    repos,
    orgA: { org: orgA, roles: rolesA, admin: users.admin, d1, d2, d3Archived, customRoles, users },
    orgB: { org: orgB, roles: rolesB, admin: adminB, department: departmentB },
    badCredentials: {
      malformed: "not.a.jwt",
      expired: await expiredToken(container, users.admin),
      forged: await forgedToken(users.admin),
      staleTokenVersion: staleToken,
      deactivated: deactivatedToken,
      revokedApiKey: revokedKey.presented,
    },
    apiKeyD1: keyD1.presented,
    async tokenFor(user) {
      const current = await repos.users.findById(user.id);
      if (!current) throw new Error(`world user ${user.id} no longer exists`);
      return issue(current);
    },
  };
}
