DROP INDEX "chunks_content_tsv_idx";--> statement-breakpoint
CREATE INDEX "chunks_content_tsv_idx" ON "chunks" USING gin ("content_tsv") WITH (fastupdate=false);