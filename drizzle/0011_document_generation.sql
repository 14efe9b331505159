ALTER TYPE "public"."document_generation_status" ADD VALUE 'rendering' BEFORE 'done';--> statement-breakpoint
CREATE TABLE "document_template_versions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"template_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"template_body" text NOT NULL,
	"variables" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"output_format" "output_format" NOT NULL,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "document_generations" ADD COLUMN "storage_key" text;--> statement-breakpoint
ALTER TABLE "document_generations" ADD COLUMN "size_bytes" integer;--> statement-breakpoint
ALTER TABLE "document_generations" ADD COLUMN "template_version" integer;--> statement-breakpoint
ALTER TABLE "document_generations" ADD COLUMN "knowledge_base_id" uuid;--> statement-breakpoint
ALTER TABLE "document_templates" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "document_templates" ADD COLUMN "requires_approval" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "document_templates" ADD COLUMN "default_knowledge_base_id" uuid;--> statement-breakpoint
ALTER TABLE "document_templates" ADD COLUMN "legacy_template_id" uuid;--> statement-breakpoint
ALTER TABLE "document_template_versions" ADD CONSTRAINT "document_template_versions_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_template_versions" ADD CONSTRAINT "document_template_versions_template_id_document_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."document_templates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_template_versions" ADD CONSTRAINT "document_template_versions_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "document_template_versions_template_version_uq" ON "document_template_versions" USING btree ("template_id","version");--> statement-breakpoint
CREATE INDEX "document_template_versions_org_id_idx" ON "document_template_versions" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "document_template_versions_created_by_id_idx" ON "document_template_versions" USING btree ("created_by_id");--> statement-breakpoint
ALTER TABLE "document_generations" ADD CONSTRAINT "document_generations_knowledge_base_id_knowledge_bases_id_fk" FOREIGN KEY ("knowledge_base_id") REFERENCES "public"."knowledge_bases"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_templates" ADD CONSTRAINT "document_templates_default_knowledge_base_id_knowledge_bases_id_fk" FOREIGN KEY ("default_knowledge_base_id") REFERENCES "public"."knowledge_bases"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_templates" ADD CONSTRAINT "document_templates_legacy_template_id_templates_id_fk" FOREIGN KEY ("legacy_template_id") REFERENCES "public"."templates"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "document_generations_knowledge_base_id_idx" ON "document_generations" USING btree ("knowledge_base_id");--> statement-breakpoint
CREATE INDEX "document_templates_default_knowledge_base_id_idx" ON "document_templates" USING btree ("default_knowledge_base_id");--> statement-breakpoint
CREATE INDEX "document_templates_legacy_template_id_idx" ON "document_templates" USING btree ("legacy_template_id");--> statement-breakpoint
-- Templates saved before versions existed get their current body as version 1.
INSERT INTO "document_template_versions" ("id", "org_id", "template_id", "version", "template_body", "variables", "output_format", "created_by_id", "created_at", "updated_at")
  SELECT gen_random_uuid(), "org_id", "id", 1, "template_body", "variables", "output_format", "created_by_id", "created_at", "updated_at"
  FROM "document_templates";
