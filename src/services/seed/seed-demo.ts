import { randomBytes } from "node:crypto";
import type { LegacyRole } from "../../core/permissions.js";
import type { Db, Tx } from "../../db/client.js";
import { withTransaction } from "../../db/transaction.js";
import type { Logger } from "../../lib/logger.js";
import { hashPassword } from "../../lib/passwords.js";
import type { Repositories } from "../../repositories/index.js";
import { createBuiltInRoles } from "../identity/built-in-roles.js";
import { createMember } from "../identity/membership.js";
import { systemContext } from "../orgs/system-context.js";
import { type DemoContentResult, type DemoContentServices, seedDemoContent } from "./seed-demo-content.js";

export type SeedDemoRepositories = Pick<
  Repositories,
  | "agents"
  | "auditLogs"
  | "departments"
  | "documents"
  | "knowledgeBases"
  | "namespaces"
  | "orgMembers"
  | "organizations"
  | "systemRoles"
  | "users"
>;

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
  /** The knowledge bases, documents (queued for ingestion) and assistants created for it. */
  content: DemoContentResult;
}

export function createSeedService(deps: {
  db: Db;
  repositories: SeedDemoRepositories;
  demoPassword: string | undefined;
  logger: Logger;
  /** Resolved when seeding (the services are built after this one in the composition root). */
  content: () => DemoContentServices;
  /** Where the bundled documents are (default: `demo/documents` of the package). */
  documentsRoot?: string | undefined;
}) {
  const { repositories: r } = deps;

  const fillContent = (orgId: string) =>
    seedDemoContent(
      systemContext(orgId, deps.db, deps.logger, "seed"),
      r,
      deps.content(),
      deps.documentsRoot,
    );

  async function seed(tx: Tx, password: string): Promise<Omit<SeedResult, "content">> {
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
      const user = await createMember(
        r,
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
        { owner: u.role === "admin" },
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
    /**
     * Creates the demo organisation when no organisation exists yet, with its knowledge bases (the
     * bundled documents queued for ingestion) and assistants; returns undefined otherwise.
     */
    async seedDemoIfEmpty(): Promise<SeedResult | undefined> {
      if ((await r.organizations.count(undefined)) > 0) return undefined;
      const password = deps.demoPassword ?? randomBytes(9).toString("base64url");
      const created = await withTransaction(deps.db, (tx) => seed(tx, password));
      return { ...created, content: await fillContent(created.orgId) };
    },

    /**
     * Adds whatever demo content the existing demo organisation lacks (`atrium seed` run again, or on
     * a demo created before the content existed); undefined when there is no demo organisation.
     */
    async completeDemo(): Promise<DemoContentResult | undefined> {
      const org = await r.organizations.findBySlug(DEMO_ORG_SLUG);
      return org ? fillContent(org.id) : undefined;
    },
  };
}
