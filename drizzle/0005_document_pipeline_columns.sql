ALTER TABLE "documents" ADD COLUMN "revision" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "ingested_revision" integer;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "source_hash" text;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "progress" jsonb;--> statement-breakpoint
CREATE INDEX "documents_knowledge_base_id_source_hash_idx" ON "documents" USING btree ("knowledge_base_id","source_hash");--> statement-breakpoint
-- Pipeline state that lived in metadata moves to its columns (hand-written: drizzle-kit does not move data).
UPDATE "documents" SET
  "revision" = COALESCE(("metadata" ->> 'revision')::integer, 0),
  "ingested_revision" = ("metadata" ->> 'ingestedRevision')::integer,
  "source_hash" = "metadata" ->> 'sourceHash',
  "progress" = "metadata" -> 'progress',
  "metadata" = "metadata" - 'revision' - 'ingestedRevision' - 'sourceHash' - 'progress'
WHERE "metadata" ?| array['revision', 'ingestedRevision', 'sourceHash', 'progress'];
