import { z } from "zod";
import { ALL_PERMISSIONS, type Permission } from "../../../core/permissions.js";
import { timestamp } from "../../schemas/common.js";
import { named } from "../../schemas/named.js";

/** A user as the API shows it: never the password hash, token version or OAuth ids. */
export const user = named(
  z.object({
    id: z.uuid(),
    orgId: z.uuid(),
    email: z.string(),
    name: z.string().nullable(),
    phone: z.string().nullable(),
    avatarUrl: z.string().nullable(),
    role: z.enum(["admin", "approver", "dept_head", "employee"]),
    roleId: z.uuid().nullable(),
    departmentId: z.uuid().nullable(),
    extraPermissions: z.array(z.string()),
    revokedPermissions: z.array(z.string()),
    extraDepartmentIds: z.array(z.uuid()),
    revokedDepartmentIds: z.array(z.uuid()),
    provider: z.string(),
    isActive: z.boolean(),
    deactivatedAt: timestamp.nullable(),
    lastLoginAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "User",
);

export const permission = z.enum(ALL_PERMISSIONS as [Permission, ...Permission[]]);

export const personName = z.string().trim().min(1).max(200);
export const email = z.email().max(320);
/** New passwords: long enough to resist guessing, short enough to hash cheaply. */
export const newPassword = z.string().min(10, "at least 10 characters").max(1024);
export const roleSlug = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9]+(?:[-_][a-z0-9]+)*$/, "lower-case letters, digits, single hyphens or underscores");

export const profileFields = {
  name: personName.optional(),
  phone: z.string().trim().max(50).nullish(),
  avatarUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .nullish(),
};
