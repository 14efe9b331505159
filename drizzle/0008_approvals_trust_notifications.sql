CREATE TABLE "approval_policies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"namespace_id" uuid NOT NULL,
	"due_minutes" integer DEFAULT 1440 NOT NULL,
	"on_timeout" text DEFAULT 'none' NOT NULL,
	"escalate_to_user_id" uuid,
	"rejection_message" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "approval_policies_due_minutes_check" CHECK ("approval_policies"."due_minutes" > 0),
	CONSTRAINT "approval_policies_on_timeout_check" CHECK ("approval_policies"."on_timeout" in ('none', 'escalate', 'reject'))
);
--> statement-breakpoint
CREATE TABLE "notification_preferences" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"email" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "citations" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "task_id" uuid;--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "pending_tool_call" jsonb;--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "delivered_message_id" uuid;--> statement-breakpoint
ALTER TABLE "intent_trust" ADD COLUMN "route" text DEFAULT 'auto' NOT NULL;--> statement-breakpoint
ALTER TABLE "intent_trust" ADD COLUMN "route_agent_id" uuid;--> statement-breakpoint
ALTER TABLE "approval_policies" ADD CONSTRAINT "approval_policies_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_policies" ADD CONSTRAINT "approval_policies_namespace_id_namespaces_id_fk" FOREIGN KEY ("namespace_id") REFERENCES "public"."namespaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_policies" ADD CONSTRAINT "approval_policies_escalate_to_user_id_users_id_fk" FOREIGN KEY ("escalate_to_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "approval_policies_org_id_idx" ON "approval_policies" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "approval_policies_namespace_uq" ON "approval_policies" USING btree ("namespace_id");--> statement-breakpoint
CREATE INDEX "approval_policies_escalate_to_user_id_idx" ON "approval_policies" USING btree ("escalate_to_user_id");--> statement-breakpoint
CREATE INDEX "notification_preferences_org_id_idx" ON "notification_preferences" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notification_preferences_user_uq" ON "notification_preferences" USING btree ("user_id");--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_delivered_message_id_messages_id_fk" FOREIGN KEY ("delivered_message_id") REFERENCES "public"."messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intent_trust" ADD CONSTRAINT "intent_trust_route_agent_id_agents_id_fk" FOREIGN KEY ("route_agent_id") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "approvals_delivered_message_id_idx" ON "approvals" USING btree ("delivered_message_id");--> statement-breakpoint
CREATE INDEX "approvals_task_id_idx" ON "approvals" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "intent_trust_route_agent_id_idx" ON "intent_trust" USING btree ("route_agent_id");--> statement-breakpoint
ALTER TABLE "intent_trust" ADD CONSTRAINT "intent_trust_route_check" CHECK ("intent_trust"."route" in ('auto', 'hold', 'handoff', 'assistant'));