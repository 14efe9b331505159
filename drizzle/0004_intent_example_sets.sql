CREATE TABLE "intent_example_sets" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"namespace_id" uuid NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"threshold" real DEFAULT 0.3 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "intent_example_sets_threshold_check" CHECK ("intent_example_sets"."threshold" >= 0 and "intent_example_sets"."threshold" <= 1)
);
--> statement-breakpoint
DROP INDEX "intent_examples_embedding_hash384_hnsw_idx";--> statement-breakpoint
ALTER TABLE "intent_example_sets" ADD CONSTRAINT "intent_example_sets_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intent_example_sets" ADD CONSTRAINT "intent_example_sets_namespace_id_namespaces_id_fk" FOREIGN KEY ("namespace_id") REFERENCES "public"."namespaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "intent_example_sets_org_id_idx" ON "intent_example_sets" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "intent_example_sets_namespace_uq" ON "intent_example_sets" USING btree ("namespace_id");