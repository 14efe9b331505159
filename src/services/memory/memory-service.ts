import { requirePermission } from "../../core/access.js";
import type { Db } from "../../db/client.js";
import { withTransaction } from "../../db/transaction.js";
import type { JobQueue } from "../../jobs/queue.js";
import { AppError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { ChatModelProvider } from "../../providers/llm/chat-model.js";
import {
  type EmployeeProfileRow,
  PROFILE_ERASED_ACTION,
} from "../../repositories/employee-profile.repository.js";
import type { Repositories } from "../../repositories/index.js";
import { recordAudit } from "../audit/record-audit.js";
import type { BudgetGuard, MemoryReader } from "../chat/collaborators.js";
import type { ServiceContext } from "../context.js";
import { canSeeUser } from "../identity/privileges.js";
import { selfId } from "../users/load-user.js";
import { extractProfile } from "./extract-profile.js";
import { profileSection } from "./prompt-section.js";

export interface MemoryServiceDeps {
  db: Db;
  /** `employeeProfiles` holds the profiles; the others check who may see them and audit erasures. */
  repositories: Pick<Repositories, "employeeProfiles" | "users" | "departments" | "auditLogs" | "agentRuns">;
  queue: JobQueue;
  /** Models for LLM extraction; absent (or resolving to `extractive`) means the offline heuristic. */
  chatModels?: (() => ChatModelProvider | undefined) | undefined;
  /** Keeps LLM extraction within budgets; over budget, the heuristic runs instead. */
  budget?: BudgetGuard | undefined;
  /** The user's latest messages one extraction reads. */
  maxMessages: number;
  /** Delay before a scheduled extraction runs, so a burst of turns is read once. */
  extractionDelaySeconds: number;
  /** Replaces personal data in the messages before extraction (PII masking, ADR 0007). */
  scrub?: ((orgId: string, texts: readonly string[]) => Promise<string[]>) | undefined;
}

export interface ProfileView {
  userId: string;
  departmentId: string | null;
  summary: string;
  currentProjects: string[];
  preferences: Record<string, unknown>;
  frequentIntents: { intent: string; count: number }[];
  accessLevel: string | null;
  profileVersion: number;
  lastExtractedAt: Date | null;
  updatedAt: Date;
}

export interface ExtractionResult {
  status: "written" | "no_messages" | "unchanged" | "no_user";
  profileVersion?: number;
  source?: "llm" | "heuristic";
  messages?: number;
}

const view = (p: EmployeeProfileRow): ProfileView => ({
  userId: p.userId,
  departmentId: p.departmentId,
  summary: p.summary,
  currentProjects: p.currentProjects,
  preferences: p.preferences,
  frequentIntents: p.frequentIntents,
  accessLevel: p.accessLevel,
  profileVersion: p.profileVersion,
  lastExtractedAt: p.lastExtractedAt,
  updatedAt: p.updatedAt,
});

/** Compare-and-set losses (a concurrent extraction or an erase) before an extraction gives up. */
const MAX_ROUNDS = 3;

/** Employee memory: the profile a turn sees, its background extraction, and the owner's erasure. */
export function createMemoryService(deps: MemoryServiceDeps) {
  const r = deps.repositories;
  const profiles = r.employeeProfiles;
  const noProfile = () =>
    new AppError(
      "NOT_FOUND",
      "There is no memory profile for you yet: it is built from your conversations with the assistants",
    );

  /** One read → extract → compare-and-set round; undefined when another writer got there first. */
  async function round(orgId: string, userId: string, logger: Logger, signal?: AbortSignal) {
    const user = await r.users.findById(userId);
    if (!user || user.orgId !== orgId) return { status: "no_user" } as const;
    const erasure = await profiles.lastErasure(orgId, userId);
    const existing = await profiles.findByUser(orgId, userId);
    const messages = await profiles.recentUserMessages(orgId, userId, deps.maxMessages);
    if (messages.length === 0) return { status: "no_messages" } as const;
    const newest = messages[0]!.createdAt;
    if (existing?.lastExtractedAt && existing.lastExtractedAt >= newest)
      return { status: "unchanged" } as const;
    const department = user.departmentId ? await r.departments.findById(user.departmentId) : undefined;
    // Personal data in the questions never reaches the profile (nor the model that extracts it).
    const texts = messages.map((m) => m.content);
    const extracted = await extractProfile(
      {
        messages: deps.scrub ? await deps.scrub(orgId, texts) : texts,
        departmentName: department?.name ?? null,
      },
      { ...deps, orgId, userId, departmentId: user.departmentId, logger, signal },
    );
    return withTransaction(deps.db, async (tx) => {
      if (!(await profiles.lockUser(orgId, userId, tx))) return { status: "no_user" } as const;
      // An erase that committed while we read must win: the messages we read may predate it.
      if ((await profiles.lastErasure(orgId, userId, tx)) !== erasure) return undefined;
      const written = await profiles.compareAndSet(
        orgId,
        userId,
        existing?.profileVersion ?? 0,
        {
          ...extracted.profile,
          departmentId: user.departmentId,
          accessLevel: user.role,
        },
        tx,
      );
      if (!written) return undefined;
      return {
        status: "written",
        profileVersion: written.profileVersion,
        source: extracted.source,
        messages: messages.length,
      } as const;
    });
  }

  const reader: MemoryReader = {
    async forPrompt(ctx: ServiceContext, userId: string): Promise<string | null> {
      const profile = await profiles.findByUser(ctx.orgId, userId, ctx.db);
      return profile ? profileSection(profile) : null;
    },

    async scheduleExtraction(ctx: ServiceContext, userId: string, conversationId: string): Promise<void> {
      const delay = deps.extractionDelaySeconds * 1000;
      const { created } = await deps.queue.enqueue(
        ctx.db,
        "memory.extract",
        { orgId: ctx.orgId, userId },
        {
          dedupeKey: `memory.extract:${userId}`,
          ...(delay > 0 ? { runAt: new Date(Date.now() + delay) } : {}),
        },
      );
      ctx.logger.debug({ userId, conversationId, created }, "memory extraction scheduled");
    },
  };

  return {
    ...reader,

    /**
     * The job verb: rebuilds the user's profile from their latest messages (after their last erase),
     * retrying when a concurrent extraction or erase wins the compare-and-set.
     */
    async extract(
      orgId: string,
      userId: string,
      options: { logger: Logger; signal?: AbortSignal },
    ): Promise<ExtractionResult> {
      for (let attempt = 1; attempt <= MAX_ROUNDS; attempt++) {
        options.signal?.throwIfAborted();
        const result = await round(orgId, userId, options.logger, options.signal);
        if (result) return result;
        options.logger.info({ userId, attempt }, "memory profile changed while extracting; reading again");
      }
      throw new AppError(
        "CONFLICT",
        "The memory profile kept changing during extraction; it will be retried",
      );
    },

    async getMine(ctx: ServiceContext): Promise<ProfileView> {
      const profile = await profiles.findByUser(ctx.orgId, selfId(ctx), ctx.db);
      if (!profile) throw noProfile();
      return view(profile);
    },

    /**
     * Erases the caller's profile. The erase's audit row is the marker extraction reads: only messages
     * written after it are ever used again, so a queued or running extraction cannot bring erased
     * facts back. Idempotent: erasing without a profile still moves the marker.
     */
    async eraseMine(ctx: ServiceContext): Promise<void> {
      const userId = selfId(ctx);
      const user = await r.users.findById(userId);
      if (!user || user.orgId !== ctx.orgId) throw AppError.notFound("User", userId);
      await withTransaction(ctx.db, async (tx) => {
        await profiles.lockUser(ctx.orgId, userId, tx);
        const existed = await profiles.deleteByUser(ctx.orgId, userId, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: PROFILE_ERASED_ACTION,
            entityType: "employee_profile",
            entityId: userId,
            departmentId: user.departmentId,
            changes: { existed },
          },
          tx,
        );
      });
    },

    /** A user's profile for someone who manages them (`users:manage`, user within reach). */
    async getForUser(ctx: ServiceContext, userId: string): Promise<ProfileView> {
      requirePermission(ctx, "users:manage");
      const user = await r.users.findById(userId);
      if (!user || user.orgId !== ctx.orgId || !canSeeUser(ctx.access, user)) {
        throw AppError.notFound("User", userId);
      }
      const profile = await profiles.findByUser(ctx.orgId, userId, ctx.db);
      if (!profile) throw new AppError("NOT_FOUND", `User ${userId} has no memory profile yet`);
      return view(profile);
    },
  };
}

export type MemoryService = ReturnType<typeof createMemoryService>;
