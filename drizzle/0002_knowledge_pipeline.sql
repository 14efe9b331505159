ALTER TABLE "chunks" ADD COLUMN "next_embedding" halfvec;--> statement-breakpoint
ALTER TABLE "knowledge_bases" ADD COLUMN "pending_embedding_model" text;--> statement-breakpoint
ALTER TABLE "web_sources" ADD COLUMN "next_run_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "web_sources_due_idx" ON "web_sources" USING btree ("next_run_at") WHERE "web_sources"."enabled" and "web_sources"."schedule" is not null;