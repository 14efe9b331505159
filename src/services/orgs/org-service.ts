import { requirePermission } from "../../core/access.js";
import type { Db } from "../../db/client.js";
import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import type { PageQuery } from "../../lib/pagination.js";
import { hashPassword } from "../../lib/passwords.js";
import type { Repositories } from "../../repositories/index.js";
import type { OrganizationRow } from "../../repositories/org.repository.js";
import { diff, recordAudit } from "../audit/record-audit.js";
import type { SessionService } from "../auth/session-service.js";
import type { RequestMeta, ServiceContext } from "../context.js";
import { assertValidOrgSettings } from "../pii/settings.js";
import { presentUser } from "../users/load-user.js";
import { createOrganization, freeSlug } from "./create-organization.js";

export type OrgServiceRepositories = Pick<
  Repositories,
  "auditLogs" | "departments" | "orgMembers" | "organizations" | "systemRoles" | "users"
>;

export interface SignUpInput {
  organization: { name: string; slug?: string | undefined };
  admin: { name: string; email: string; password: string };
  departmentName?: string | undefined;
}

export type OrgPatch = {
  name?: string | undefined;
  settings?: Record<string, unknown> | undefined;
  monthlyBudgetUsd?: number | null | undefined;
  monthlyTokenBudget?: number | null | undefined;
};

export const DEFAULT_DEPARTMENT_NAME = "General";

export function createOrgService(deps: {
  db: Db;
  repositories: OrgServiceRepositories;
  sessions: SessionService;
  /** Whether anyone may create an organisation through the API (ALLOW_SIGNUP). */
  allowSignup: boolean;
}) {
  const { repositories: r } = deps;

  async function load(ctx: ServiceContext): Promise<OrganizationRow> {
    const org = await r.organizations.findById(ctx.orgId, ctx.db);
    if (!org) throw AppError.notFound("Organisation");
    return org;
  }

  return {
    /** Self-service sign-up: a new organisation with the caller as its administrator, signed in. */
    async signUp(input: SignUpInput, meta: RequestMeta) {
      if (!deps.allowSignup) {
        throw new AppError(
          "FORBIDDEN",
          "Sign-up is closed on this Atrium; ask an administrator for an invitation",
        );
      }
      const passwordHash = await hashPassword(input.admin.password);
      const created = await withTransaction(deps.db, async (tx) => {
        const slug = input.organization.slug ?? (await freeSlug(r, input.organization.name, tx));
        if (input.organization.slug && (await r.organizations.findBySlug(slug, tx))) {
          throw new AppError("CONFLICT", `The organisation slug "${slug}" is taken`, { field: "slug" });
        }
        return createOrganization(
          r,
          {
            name: input.organization.name,
            slug,
            departmentName: input.departmentName ?? DEFAULT_DEPARTMENT_NAME,
            admin: { email: input.admin.email, name: input.admin.name, passwordHash },
          },
          meta,
          tx,
        );
      });
      const tokens = await deps.sessions.issue(created.admin, meta);
      return { organization: created.organization, user: created.admin, tokens };
    },

    get: load,

    async update(ctx: ServiceContext, patch: OrgPatch): Promise<OrganizationRow> {
      requirePermission(ctx, "org:admin");
      if (patch.settings) assertValidOrgSettings(patch.settings);
      const org = await load(ctx);
      const changes = diff(org, patch);
      if (Object.keys(changes).length === 0) return org;
      return withTransaction(ctx.db, async (tx) => {
        const updated = await r.organizations.update(org.id, patch, tx);
        await recordAudit(
          r,
          ctx,
          { action: "org.updated", entityType: "organization", entityId: org.id, changes },
          tx,
        );
        return updated!;
      });
    },

    async listMembers(ctx: ServiceContext, filter: { search?: string | undefined }, page: PageQuery) {
      requirePermission(ctx, "users:manage");
      const result = await r.orgMembers.pageVisible(ctx.orgId, ctx.access, filter, page, ctx.db);
      const items = result.items.map((row) => ({ ...row.member, user: presentUser(ctx.access, row.user) }));
      return { ...result, items };
    },

    /** The organisation an operator command means: the one with this slug, or else the default one. */
    async resolve(slug?: string): Promise<OrganizationRow | undefined> {
      if (slug) {
        const org = await r.organizations.findBySlug(slug);
        if (!org) throw AppError.notFound("Organisation", slug);
        return org;
      }
      return r.organizations.findDefault();
    },

    /**
     * Operator bootstrap (`atrium users create-admin` on an empty database): the default organisation
     * with this person as its administrator.
     */
    async createDefault(admin: { email: string; name: string; password: string }, meta: RequestMeta) {
      if ((await r.organizations.count(undefined)) > 0) {
        throw new AppError("PRECONDITION_FAILED", "Organisations exist already; say which one with --org");
      }
      const passwordHash = await hashPassword(admin.password);
      return withTransaction(deps.db, (tx) =>
        createOrganization(
          r,
          {
            name: "Atrium",
            slug: "default",
            isDefault: true,
            departmentName: DEFAULT_DEPARTMENT_NAME,
            admin: { email: admin.email, name: admin.name, passwordHash },
          },
          meta,
          tx,
        ),
      );
    },
  };
}

export type OrgService = ReturnType<typeof createOrgService>;
