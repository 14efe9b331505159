-- Namespaces that existed before PII masking keep working as they did (off); new ones mask (ADR 0007).
ALTER TABLE "namespaces" ADD COLUMN "pii_policy" text DEFAULT 'off' NOT NULL;--> statement-breakpoint
ALTER TABLE "namespaces" ALTER COLUMN "pii_policy" SET DEFAULT 'mask';--> statement-breakpoint
ALTER TABLE "namespaces" ADD COLUMN "pii_rules" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "namespaces" ADD COLUMN "pii_mask_stored_question" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "namespaces" ADD CONSTRAINT "namespaces_pii_policy_check" CHECK ("namespaces"."pii_policy" in ('off', 'mask', 'block'));--> statement-breakpoint
-- The built-in administrator role holds every permission, the new pii:reveal too.
UPDATE "system_roles" SET "permissions" = array_append("permissions", 'pii:reveal') WHERE "is_system" AND "slug" = 'admin' AND NOT ('pii:reveal' = ANY("permissions"));
