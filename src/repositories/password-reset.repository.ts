import { and, eq, gt, isNull } from "drizzle-orm";
import type { Queryable } from "../db/client.js";
import { passwordResetTokens } from "../db/schema/index.js";
import { TableRepository } from "./table-repository.js";

export type PasswordResetTokenRow = typeof passwordResetTokens.$inferSelect;

export class PasswordResetTokenRepository extends TableRepository<typeof passwordResetTokens> {
  findByTokenHash(tokenHash: string, tx?: Queryable): Promise<PasswordResetTokenRow | undefined> {
    return this.findOne(eq(passwordResetTokens.tokenHash, tokenHash), tx);
  }

  /** Ends every still-usable link of the user (a newer link replaces them; a reset ends them all). */
  async expireUnusedForUser(userId: string, now: Date, tx?: Queryable): Promise<number> {
    const rows = await this.updateWhere(
      and(
        eq(passwordResetTokens.userId, userId),
        isNull(passwordResetTokens.usedAt),
        gt(passwordResetTokens.expiresAt, now),
      ),
      { expiresAt: now },
      tx,
    );
    return rows.length;
  }

  /** Marks the token used if it still is usable; false when a concurrent reset already took it. */
  async consume(id: string, now: Date, tx?: Queryable): Promise<boolean> {
    const rows = await this.updateWhere(
      and(
        eq(passwordResetTokens.id, id),
        isNull(passwordResetTokens.usedAt),
        gt(passwordResetTokens.expiresAt, now),
      ),
      { usedAt: now },
      tx,
    );
    return rows.length > 0;
  }
}
