import { randomBytes } from "node:crypto";
import type { Queryable } from "../../db/client.js";
import type { DepartmentRow } from "../../repositories/department.repository.js";
import type { Repositories } from "../../repositories/index.js";
import type { OrganizationRow } from "../../repositories/org.repository.js";
import type { UserRow } from "../../repositories/user.repository.js";
import { recordAudit } from "../audit/record-audit.js";
import type { RequestMeta } from "../context.js";
import { createBuiltInRoles } from "../identity/built-in-roles.js";
import { createMember } from "../identity/membership.js";

export type CreateOrganizationRepositories = Pick<
  Repositories,
  "auditLogs" | "departments" | "orgMembers" | "organizations" | "systemRoles" | "users"
>;

export interface NewOrganization {
  name: string;
  slug: string;
  isDefault?: boolean;
  departmentName: string;
  admin: { email: string; name: string; passwordHash: string };
}

export interface CreatedOrganization {
  organization: OrganizationRow;
  department: DepartmentRow;
  admin: UserRow;
}

/** `Acme Corp.` → `acme-corp`; empty when the name has no letters or digits. */
export function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/, "");
}

/** A free organisation slug derived from the name; a short random suffix resolves a clash. */
export async function freeSlug(
  repositories: CreateOrganizationRepositories,
  name: string,
  db: Queryable,
): Promise<string> {
  const base = slugify(name) || "org";
  if (!(await repositories.organizations.findBySlug(base, db))) return base;
  return `${base}-${randomBytes(3).toString("hex")}`;
}

/**
 * A new tenant: the organisation, its built-in roles, a first department and the creator as its
 * administrator (legacy role admin, owner membership). Run it inside the caller's transaction.
 */
export async function createOrganization(
  repositories: CreateOrganizationRepositories,
  input: NewOrganization,
  meta: RequestMeta,
  tx: Queryable,
): Promise<CreatedOrganization> {
  const r = repositories;
  const organization = await r.organizations.create(
    { name: input.name, slug: input.slug, isDefault: input.isDefault ?? false },
    tx,
  );
  const roles = await createBuiltInRoles(r, organization.id, tx);
  const department = await r.departments.create(
    { orgId: organization.id, name: input.departmentName, slug: slugify(input.departmentName) || "general" },
    tx,
  );
  const admin = await createMember(
    r,
    {
      orgId: organization.id,
      email: input.admin.email.toLowerCase(),
      name: input.admin.name,
      passwordHash: input.admin.passwordHash,
      role: "admin",
      roleId: roles.get("admin")?.id ?? null,
      departmentId: department.id,
    },
    tx,
    { owner: true },
  );
  const ctx = {
    orgId: organization.id,
    actor: { kind: "user" as const, id: admin.id, userId: admin.id },
    meta,
  };
  await recordAudit(
    r,
    ctx,
    {
      action: "org.created",
      entityType: "organization",
      entityId: organization.id,
      changes: {
        name: organization.name,
        slug: organization.slug,
        department: department.name,
        roles: [...roles.keys()],
      },
    },
    tx,
  );
  await recordAudit(
    r,
    ctx,
    {
      action: "user.created",
      entityType: "user",
      entityId: admin.id,
      departmentId: department.id,
      changes: { email: admin.email, role: "admin", orgRole: "owner" },
    },
    tx,
  );
  return { organization, department, admin };
}
