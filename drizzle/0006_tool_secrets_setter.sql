ALTER TABLE "tools" ADD COLUMN "secrets_set_by_id" uuid;--> statement-breakpoint
ALTER TABLE "tools" ADD CONSTRAINT "tools_secrets_set_by_id_users_id_fk" FOREIGN KEY ("secrets_set_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tools_secrets_set_by_id_idx" ON "tools" USING btree ("secrets_set_by_id");