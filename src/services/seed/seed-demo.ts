import { randomBytes } from "node:crypto";
import type { Db, Tx } from "../../db/client.js";
import { withTransaction } from "../../db/transaction.js";
import { hashPassword } from "../../lib/passwords.js";
import type { Repositories } from "../../repositories/index.js";
import { createBuiltInRoles } from "../identity/built-in-roles.js";
import type { LegacyRole } from "../identity/permissions.js";

export const DEMO_ORG_SLUG = "demo";

const DEMO_DEPARTMENTS = [
  {
    slug: "hr",
    name: "Human Resources",
    color: "#d97706",
    description: "Leave, expenses, travel and benefits",
  },
  { slug: "it", name: "IT", color: "#2563eb", description: "Accounts, devices, security and access" },
  { slug: "finance", name: "Finance", color: "#059669", description: "Budgets, invoices and purchasing" },
] as const;

const DEMO_USERS: ReadonlyArray<{ local: string; name: string; role: LegacyRole; department: string }> = [
  { local: "admin", name: "Ada Admin", role: "admin", department: "it" },
  { local: "hr.head", name: "Hana Head", role: "dept_head", department: "hr" },
  { local: "approver", name: "Arun Approver", role: "approver", department: "hr" },
  { local: "employee", name: "Emil Employee", role: "employee", department: "hr" },
  { local: "it.employee", name: "Iris Tech", role: "employee", department: "it" },
];

export interface SeedResult {
  orgId: string;
  orgSlug: string;
  adminEmail: string;
  /** Only returned when generated here, so it can be shown once; never logged afterwards. */
  password: string;
}

export function createSeedService(deps: {
  db: Db;
  repositories: Repositories;
  demoPassword: string | undefined;
}) {
  const { repositories: r } = deps;

  async function seed(tx: Tx, password: string): Promise<SeedResult> {
    const org = await r.organizations.create(
      { name: "Demo Organisation", slug: DEMO_ORG_SLUG, isDefault: true },
      tx,
    );
    const departments = new Map<string, string>();
    for (const d of DEMO_DEPARTMENTS) {
      const row = await r.departments.create({ orgId: org.id, ...d }, tx);
      departments.set(d.slug, row.id);
    }
    const roles = await createBuiltInRoles(r, org.id, tx);
    const passwordHash = await hashPassword(password);
    let adminId = "";
    for (const u of DEMO_USERS) {
      const user = await r.users.create(
        {
          orgId: org.id,
          email: `${u.local}@demo.atrium.local`,
          name: u.name,
          role: u.role,
          roleId: roles.get(u.role)?.id ?? null,
          departmentId: departments.get(u.department) ?? null,
          passwordHash,
        },
        tx,
      );
      await r.orgMembers.create(
        { orgId: org.id, userId: user.id, role: u.role === "admin" ? "owner" : "member" },
        tx,
      );
      if (u.role === "admin") adminId = user.id;
    }
    await r.auditLogs.create(
      {
        orgId: org.id,
        userId: adminId,
        actorType: "system",
        actorId: "seed",
        action: "org.seeded",
        entityType: "organization",
        entityId: org.id,
        changes: { departments: DEMO_DEPARTMENTS.length, users: DEMO_USERS.length },
      },
      tx,
    );
    return { orgId: org.id, orgSlug: org.slug, adminEmail: "admin@demo.atrium.local", password };
  }

  return {
    /** Creates the demo organisation when no organisation exists yet; returns undefined otherwise. */
    async seedDemoIfEmpty(): Promise<SeedResult | undefined> {
      if ((await r.organizations.count(undefined)) > 0) return undefined;
      const password = deps.demoPassword ?? randomBytes(9).toString("base64url");
      return withTransaction(deps.db, (tx) => seed(tx, password));
    },
  };
}
