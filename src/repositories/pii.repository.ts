import { and, asc, eq } from "drizzle-orm";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { orgMembers, piiRedactionMaps, users } from "../db/schema/index.js";
import { TableRepository } from "./table-repository.js";

export type PiiRedactionMapRow = typeof piiRedactionMaps.$inferSelect;

export interface DirectoryPerson {
  name: string | null;
  firstName: string | null;
  lastName: string | null;
}

/** A conversation's placeholder map (values sealed) and the organisation's directory of people. */
export class PiiRedactionMapRepository extends TableRepository<typeof piiRedactionMaps> {
  /** Every entry of a conversation, oldest first. */
  entriesOf(conversationId: string, tx?: Queryable): Promise<PiiRedactionMapRow[]> {
    const db = tx ?? this.db;
    return guarded(() =>
      db
        .select()
        .from(piiRedactionMaps)
        .where(eq(piiRedactionMaps.conversationId, conversationId))
        .orderBy(asc(piiRedactionMaps.createdAt), asc(piiRedactionMaps.id)),
    );
  }

  /** The names of the organisation's active members (the PERSON directory). */
  directory(orgId: string, tx?: Queryable): Promise<DirectoryPerson[]> {
    const db = tx ?? this.db;
    return guarded(() =>
      db
        .select({ name: users.name, firstName: users.firstName, lastName: users.lastName })
        .from(orgMembers)
        .innerJoin(users, eq(users.id, orgMembers.userId))
        .where(and(eq(orgMembers.orgId, orgId), eq(users.isActive, true)))
        .limit(50_000),
    );
  }
}
