import { and, eq, gt, isNotNull, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import type { Access } from "../core/access.js";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { invitations } from "../db/schema/index.js";
import type { Page, PageQuery } from "../lib/pagination.js";
import { departmentScope } from "./scope.js";
import { TableRepository } from "./table-repository.js";

export type InvitationRow = typeof invitations.$inferSelect;
export type InvitationStatus = "pending" | "accepted" | "revoked" | "expired";

const open = () => and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt));

function statusFilter(status: InvitationStatus | undefined): SQL | undefined {
  const now = sql`now()`;
  switch (status) {
    case "pending":
      return and(open(), gt(invitations.expiresAt, now));
    case "accepted":
      return isNotNull(invitations.acceptedAt);
    case "revoked":
      return and(isNull(invitations.acceptedAt), isNotNull(invitations.revokedAt));
    case "expired":
      return and(open(), lte(invitations.expiresAt, now));
    default:
      return undefined;
  }
}

export class InvitationRepository extends TableRepository<typeof invitations> {
  findByTokenHash(hash: string, tx?: Queryable): Promise<InvitationRow | undefined> {
    return this.findOne(eq(invitations.tokenHash, hash), tx);
  }

  findInOrg(orgId: string, id: string, tx?: Queryable): Promise<InvitationRow | undefined> {
    return this.findOne(and(eq(invitations.orgId, orgId), eq(invitations.id, id)), tx);
  }

  /** Invitations into departments the caller can see; those whose department is gone need an org-wide role. */
  pageVisible(
    orgId: string,
    access: Access,
    filter: { status?: InvitationStatus | undefined; email?: string | undefined },
    query: PageQuery,
    tx?: Queryable,
  ): Promise<Page<InvitationRow>> {
    const scope = departmentScope(invitations.departmentId, access);
    return this.page(
      and(
        eq(invitations.orgId, orgId),
        access.allDepartments && scope ? or(scope, isNull(invitations.departmentId)) : scope,
        statusFilter(filter.status),
        filter.email ? eq(invitations.email, filter.email.toLowerCase()) : undefined,
      ),
      query,
      tx,
    );
  }

  /** Revokes the still-open invitations to this address (a new invitation replaces them). */
  revokeOpenFor(orgId: string, email: string, tx?: Queryable): Promise<InvitationRow[]> {
    return this.updateWhere(
      and(eq(invitations.orgId, orgId), eq(invitations.email, email), open()),
      { revokedAt: new Date() },
      tx,
    );
  }

  /** Marks an open invitation accepted; undefined when another request used or revoked it first. */
  async markAccepted(id: string, userId: string, tx?: Queryable): Promise<InvitationRow | undefined> {
    const rows = await this.updateWhere(
      and(eq(invitations.id, id), open()),
      { acceptedAt: new Date(), acceptedUserId: userId },
      tx,
    );
    return rows[0];
  }

  /** The departments that open invitations with this role lead into, each once. */
  async openDepartmentsForRole(roleId: string, tx?: Queryable): Promise<Array<string | null>> {
    const rows = await guarded(() =>
      this.q(tx)
        .selectDistinct({ departmentId: invitations.departmentId })
        .from(invitations)
        .where(and(eq(invitations.roleId, roleId), open(), gt(invitations.expiresAt, sql`now()`))),
    );
    return rows.map((row) => row.departmentId);
  }

  countOpenForRole(roleId: string, tx?: Queryable): Promise<number> {
    return this.count(and(eq(invitations.roleId, roleId), open(), gt(invitations.expiresAt, sql`now()`)), tx);
  }
}
