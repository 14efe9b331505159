import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns.js";
import { authProvider, orgMemberRole, userRole } from "./enums.js";

/** Tenant root (seed 001 `orgs`). Deleting an organisation deletes everything it owns. */
export const organizations = pgTable(
  "organizations",
  {
    id: id(),
    name: text().notNull(),
    slug: text().notNull().unique(),
    settings: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** Spending cap per calendar month across all runs; null = unlimited. */
    monthlyBudgetUsd: numeric({ precision: 12, scale: 6, mode: "number" }),
    monthlyTokenBudget: bigint({ mode: "number" }),
    /** The organisation new sign-ups join when no invitation says otherwise (at most one). */
    isDefault: boolean().notNull().default(false),
    isActive: boolean().notNull().default(true),
    ...timestamps(),
  },
  (t) => [uniqueIndex("organizations_default_uq").on(t.isDefault).where(sql`${t.isDefault}`)],
);

/** Department: the isolation boundary for most data (seed 000 `Department`). Soft-archived. */
export const departments = pgTable(
  "departments",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text().notNull(),
    slug: text().notNull(),
    color: text(),
    description: text(),
    settings: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    isArchived: boolean().notNull().default(false),
    archivedAt: timestamp({ withTimezone: true }),
    ...timestamps(),
  },
  (t) => [uniqueIndex("departments_org_slug_uq").on(t.orgId, t.slug)],
);

/** RBAC role, built-in (`isSystem`) or custom (seed 000 `SystemRole`). */
export const systemRoles = pgTable(
  "system_roles",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text().notNull(),
    slug: text().notNull(),
    description: text(),
    isSystem: boolean().notNull().default(false),
    /** When true the role reaches every department and `departmentIds` is ignored. */
    allDepartments: boolean().notNull().default(false),
    departmentIds: uuid().array().notNull().default(sql`'{}'::uuid[]`),
    permissions: text().array().notNull().default(sql`'{}'::text[]`),
    ...timestamps(),
  },
  (t) => [uniqueIndex("system_roles_org_slug_uq").on(t.orgId, t.slug)],
);

/**
 * A person (seed 000 `User` + seed 001 `users`). `orgId` is the home organisation that owns the
 * user's departments and roles; membership in further organisations goes through org_members.
 * Email is unique per organisation and stored lower-cased by the application.
 */
export const users = pgTable(
  "users",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    email: text().notNull(),
    username: text(),
    name: text(),
    firstName: text(),
    lastName: text(),
    phone: text(),
    /** argon2id/bcrypt hash; null for accounts that only sign in through OAuth. */
    passwordHash: text(),
    role: userRole().notNull().default("employee"),
    roleId: uuid().references(() => systemRoles.id, { onDelete: "set null" }),
    departmentId: uuid().references(() => departments.id, { onDelete: "set null" }),
    avatarUrl: text(),
    /** Bumped on password reset, logout-all, department transfer and deactivation: old JWTs die. */
    tokenVersion: integer().notNull().default(0),
    extraPermissions: text().array().notNull().default(sql`'{}'::text[]`),
    revokedPermissions: text().array().notNull().default(sql`'{}'::text[]`),
    extraDepartmentIds: uuid().array().notNull().default(sql`'{}'::uuid[]`),
    revokedDepartmentIds: uuid().array().notNull().default(sql`'{}'::uuid[]`),
    githubId: text(),
    googleId: text(),
    provider: authProvider().notNull().default("email"),
    isActive: boolean().notNull().default(true),
    deactivatedAt: timestamp({ withTimezone: true }),
    emailVerifiedAt: timestamp({ withTimezone: true }),
    lastLoginAt: timestamp({ withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex("users_org_email_uq").on(t.orgId, t.email),
    uniqueIndex("users_org_username_uq").on(t.orgId, t.username),
    uniqueIndex("users_org_github_id_uq").on(t.orgId, t.githubId),
    uniqueIndex("users_org_google_id_uq").on(t.orgId, t.googleId),
    index("users_role_id_idx").on(t.roleId),
    index("users_department_id_idx").on(t.departmentId),
  ],
);

/** User ↔ organisation membership (seed 001 `org_members`). */
export const orgMembers = pgTable(
  "org_members",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: orgMemberRole().notNull().default("member"),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex("org_members_org_user_uq").on(t.orgId, t.userId),
    index("org_members_user_id_idx").on(t.userId),
  ],
);

/**
 * Refresh-token session (seed 001 `sessions`). Rotation creates a new row in the same family and
 * points the old one at it; presenting a rotated token again revokes the whole family.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    refreshTokenHash: text().notNull().unique(),
    familyId: uuid().notNull(),
    replacedById: uuid().references((): AnyPgColumn => sessions.id, { onDelete: "set null" }),
    rotatedAt: timestamp({ withTimezone: true }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
    revokedReason: text(),
    lastUsedAt: timestamp({ withTimezone: true }),
    ipAddress: text(),
    userAgent: text(),
    ...timestamps(),
  },
  (t) => [
    index("sessions_org_id_idx").on(t.orgId),
    index("sessions_user_id_idx").on(t.userId),
    index("sessions_family_id_idx").on(t.familyId),
    index("sessions_replaced_by_id_idx").on(t.replacedById),
  ],
);

/** Invitation to join an organisation (seed 001 `invitations`). Only the token hash is stored. */
export const invitations = pgTable(
  "invitations",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    email: text().notNull(),
    tokenHash: text().notNull().unique(),
    role: userRole().notNull().default("employee"),
    orgRole: orgMemberRole().notNull().default("member"),
    roleId: uuid().references(() => systemRoles.id, { onDelete: "set null" }),
    departmentId: uuid().references(() => departments.id, { onDelete: "set null" }),
    invitedById: uuid().references(() => users.id, { onDelete: "set null" }),
    acceptedUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    acceptedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    index("invitations_org_email_idx").on(t.orgId, t.email),
    index("invitations_role_id_idx").on(t.roleId),
    index("invitations_department_id_idx").on(t.departmentId),
    index("invitations_invited_by_id_idx").on(t.invitedById),
    index("invitations_accepted_user_id_idx").on(t.acceptedUserId),
  ],
);

/** Password reset (seed 000 `PasswordResetToken` + seed 001 `passwordResets`). Single use. */
export const passwordResetTokens = pgTable(
  "password_reset_tokens",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text().notNull().unique(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    ipAddress: text(),
    ...timestamps(),
  },
  (t) => [
    index("password_reset_tokens_org_id_idx").on(t.orgId),
    index("password_reset_tokens_user_id_idx").on(t.userId),
  ],
);

/**
 * Machine credential. The key is shown once; we keep its public `prefix` (lookup) and a hash of the
 * secret. Scope = permissions ∩ creator's at use time, limited to `departmentIds` unless `allDepartments`.
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid().references(() => users.id, { onDelete: "set null" }),
    name: text().notNull(),
    prefix: text().notNull().unique(),
    keyHash: text().notNull(),
    permissions: text().array().notNull().default(sql`'{}'::text[]`),
    departmentIds: uuid().array().notNull().default(sql`'{}'::uuid[]`),
    allDepartments: boolean().notNull().default(false),
    lastUsedAt: timestamp({ withTimezone: true }),
    expiresAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    ...timestamps(),
  },
  (t) => [index("api_keys_org_id_idx").on(t.orgId), index("api_keys_user_id_idx").on(t.userId)],
);
