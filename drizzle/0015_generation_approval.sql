ALTER TYPE "public"."document_generation_status" ADD VALUE 'awaiting_approval';--> statement-breakpoint
ALTER TABLE "approvals" ALTER COLUMN "conversation_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "approvals" ALTER COLUMN "message_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "document_generation_id" uuid;--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_document_generation_id_document_generations_id_fk" FOREIGN KEY ("document_generation_id") REFERENCES "public"."document_generations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "approvals_document_generation_id_idx" ON "approvals" USING btree ("document_generation_id");