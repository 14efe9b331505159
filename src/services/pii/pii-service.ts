import { createHmac } from "node:crypto";
import { requirePermission } from "../../core/access.js";
import type { Queryable } from "../../db/client.js";
import type { piiRedactionMaps } from "../../db/schema/index.js";
import { withTransaction } from "../../db/transaction.js";
import { decryptSecret, deriveKey, encryptSecret } from "../../lib/encryption.js";
import type { ConversationRow } from "../../repositories/conversation.repository.js";
import type { Repositories } from "../../repositories/index.js";
import type { NewRow } from "../../repositories/table-repository.js";
import { recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import { loadConversation } from "../conversations/conversation-access.js";
import { createDetector, type Detector } from "./detect.js";
import { PiiTurn } from "./pii-turn.js";
import { normalizeValue, type PiiMapEntry, PlaceholderMap, rehydrate } from "./placeholders.js";
import { nationalIdsOf, orgPolicyOf, type PiiPolicy, type PiiRules } from "./settings.js";

/** The key that seals PII map values; its own HKDF purpose, so no other use shares it. */
export const PII_MAP_PURPOSE = "pii-redaction-map";
/** The key of `value_hash` (HMAC): equal values are found without decrypting, and the hash reveals nothing without it. */
export const PII_HASH_PURPOSE = "pii-value-hash";

/** How long a compiled detector (with the organisation's directory) is reused in this process. */
const DETECTOR_TTL_MS = 60_000;

export interface PiiMapView {
  placeholder: string;
  kind: string;
  value: string;
  messageId: string | null;
  createdAt: Date;
}

export function createPiiService(deps: {
  repositories: Pick<
    Repositories,
    "piiRedactionMaps" | "organizations" | "namespaces" | "conversations" | "auditLogs"
  >;
  authSecret: string;
}) {
  const r = deps.repositories;
  const key = deriveKey(deps.authSecret, PII_MAP_PURPOSE);
  const hashKey = deriveKey(deps.authSecret, PII_HASH_PURPOSE);
  const detectors = new Map<string, { detector: Detector; expires: number }>();

  function valueHash(kind: string, value: string): string {
    return createHmac("sha256", hashKey)
      .update(`${kind}\u0000${normalizeValue(kind, value)}`)
      .digest("base64url");
  }

  async function mapOf(conversationId: string, tx?: Queryable): Promise<PlaceholderMap> {
    const rows = await r.piiRedactionMaps.entriesOf(conversationId, tx);
    return new PlaceholderMap(
      rows.map((row) => ({
        placeholder: row.placeholder,
        kind: row.entityType,
        value: decryptSecret(key, row.encryptedValue),
      })),
    );
  }

  async function directoryNames(orgId: string, db?: Queryable): Promise<string[]> {
    const people = await r.piiRedactionMaps.directory(orgId, db);
    const names = new Set<string>();
    for (const p of people) {
      const full = p.name?.trim() || [p.firstName, p.lastName].filter(Boolean).join(" ").trim();
      if (full.includes(" ")) names.add(full);
      if (p.firstName && p.lastName) names.add(`${p.firstName} ${p.lastName}`.trim());
    }
    return [...names];
  }

  /** The detector for a namespace (or the organisation alone), compiled once a minute at most. */
  async function detectorFor(
    orgId: string,
    settings: Record<string, unknown>,
    namespace: { id: string; updatedAt: Date; piiRules: PiiRules } | undefined,
    orgStamp: Date,
    /** The caller's connection: inside a transaction, its own (an embedded database has one). */
    db?: Queryable,
  ): Promise<Detector> {
    const cacheKey = `${orgId}:${orgStamp.getTime()}:${namespace?.id ?? "-"}:${namespace?.updatedAt.getTime() ?? 0}`;
    const cached = detectors.get(cacheKey);
    if (cached && cached.expires > Date.now()) return cached.detector;
    const rules: PiiRules = namespace?.piiRules ?? {};
    const detector = createDetector({
      nationalIds: nationalIdsOf(settings),
      directory: await directoryNames(orgId, db),
      patterns: rules.patterns,
      dictionaries: rules.dictionaries,
    });
    if (detectors.size > 256) detectors.clear();
    detectors.set(cacheKey, { detector, expires: Date.now() + DETECTOR_TTL_MS });
    return detector;
  }

  return {
    /**
     * Texts with their personal data replaced by the kind (`[EMAIL]`, `[PERSON]`), for what is derived
     * from many conversations and kept (employee memory): values found anywhere in the set are replaced
     * everywhere in it. Unchanged when the organisation's policy is `off`.
     */
    async scrubTexts(orgId: string, texts: readonly string[]): Promise<string[]> {
      const org = await r.organizations.findById(orgId);
      const settings = (org?.settings ?? {}) as Record<string, unknown>;
      if (orgPolicyOf(settings) === "off") return [...texts];
      const detector = await detectorFor(orgId, settings, undefined, org?.updatedAt ?? new Date(0));
      const turn = new PiiTurn("mask", detector, new PlaceholderMap());
      // First pass: learn every value; second: replace them all (a name introduced once is known everywhere).
      for (const text of texts) turn.mask(text);
      return texts.map((text) => turn.mask(text).replace(/<([A-Z][A-Z0-9_]*)_\d+>/g, "[$1]"));
    },

    /**
     * The masking of a turn in this conversation: undefined when its policy is `off`. The policy is
     * the namespace's, or for a conversation without one the organisation's `settings.piiPolicy`.
     */
    async forTurn(ctx: ServiceContext, conversation: ConversationRow): Promise<PiiTurn | undefined> {
      const [org, namespace] = await Promise.all([
        r.organizations.findById(ctx.orgId, ctx.db),
        conversation.namespaceId
          ? r.namespaces.findInOrg(ctx.orgId, conversation.namespaceId, ctx.db)
          : undefined,
      ]);
      const settings = (org?.settings ?? {}) as Record<string, unknown>;
      const policy: PiiPolicy = namespace ? namespace.piiPolicy : orgPolicyOf(settings);
      if (policy === "off") return undefined;
      const [detector, map] = await Promise.all([
        detectorFor(ctx.orgId, settings, namespace ?? undefined, org?.updatedAt ?? new Date(0), ctx.db),
        mapOf(conversation.id, ctx.db),
      ]);
      return new PiiTurn(policy, detector, map, namespace?.piiMaskStoredQuestion ?? false);
    },

    /** Rows sealing new entries of a conversation's map, for the statement that stores their message. */
    entryRows(
      ctx: ServiceContext,
      conversationId: string,
      messageId: string | null,
      entries: readonly PiiMapEntry[],
    ): NewRow<typeof piiRedactionMaps>[] {
      return entries.map((e) => ({
        orgId: ctx.orgId,
        conversationId,
        messageId,
        placeholder: e.placeholder,
        entityType: e.kind,
        encryptedValue: encryptSecret(key, e.value),
        valueHash: valueHash(e.kind, e.value),
      }));
    },

    /** Stores new entries now (placeholders first seen in history, memory, passages or tools). */
    async storeEntries(
      ctx: ServiceContext,
      conversationId: string,
      messageId: string | null,
      entries: readonly PiiMapEntry[],
    ): Promise<void> {
      if (entries.length === 0) return;
      await r.piiRedactionMaps.createMany(this.entryRows(ctx, conversationId, messageId, entries), ctx.db);
    },

    /**
     * Masks what a person writes into a conversation outside a model turn (an approver's edited
     * reply, a colleague's or the requester's message during a handoff, an escalation reason) before
     * it is stored: the values join the conversation's map (written with `ctx.db`, so pass the
     * transaction's context) and keep their placeholders. Unchanged when the policy is `off`.
     */
    async maskForStorage(
      ctx: ServiceContext,
      conversation: ConversationRow,
      texts: readonly string[],
      messageId: string | null = null,
    ): Promise<string[]> {
      const turn = await this.forTurn(ctx, conversation);
      if (!turn) return [...texts];
      const masked = texts.map((text) => turn.mask(text));
      await this.storeEntries(ctx, conversation.id, messageId, turn.takeAdded());
      return masked;
    },

    /** The conversation's map, for reading its stored answers back (placeholders → values). */
    async rehydratorFor(
      conversationId: string,
      db?: Queryable,
    ): Promise<((text: string) => string) | undefined> {
      const map = await mapOf(conversationId, db);
      if (map.size === 0) return undefined;
      return (text) => rehydrate(text, map).text;
    },

    /**
     * `GET /conversations/:id/pii-map`: the decrypted map, for a holder of `pii:reveal` who can read
     * the conversation; every view is audited (who, which conversation, how many entries — no values).
     */
    async revealMap(ctx: ServiceContext, conversationId: string): Promise<{ items: PiiMapView[] }> {
      requirePermission(ctx, "pii:reveal");
      const conversation = await loadConversation(r, ctx, conversationId, "read");
      return withTransaction(ctx.db, async (tx) => {
        const rows = await r.piiRedactionMaps.entriesOf(conversation.id, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: "conversation.pii_map_viewed",
            entityType: "conversation",
            entityId: conversation.id,
            departmentId: conversation.departmentId,
            changes: { entries: rows.length },
          },
          tx,
        );
        return {
          items: rows.map((row) => ({
            placeholder: row.placeholder,
            kind: row.entityType,
            value: decryptSecret(key, row.encryptedValue),
            messageId: row.messageId,
            createdAt: row.createdAt,
          })),
        };
      });
    },
  };
}

export type PiiService = ReturnType<typeof createPiiService>;
