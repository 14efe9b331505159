CREATE TABLE "schedule_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"schedule_id" uuid NOT NULL,
	"occurrence_at" timestamp (3) with time zone NOT NULL,
	"trigger" text DEFAULT 'schedule' NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"agent_task_id" uuid,
	"claimed_by" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "schedule_runs_status_check" CHECK ("schedule_runs"."status" in ('queued', 'running', 'done', 'failed', 'skipped')),
	CONSTRAINT "schedule_runs_trigger_check" CHECK ("schedule_runs"."trigger" in ('schedule', 'missed', 'manual'))
);
--> statement-breakpoint
ALTER TABLE "schedules" ADD COLUMN "status" text DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE "schedules" ADD COLUMN "status_reason" text;--> statement-breakpoint
ALTER TABLE "schedules" ADD COLUMN "missed_run_policy" text DEFAULT 'run_once' NOT NULL;--> statement-breakpoint
ALTER TABLE "schedule_runs" ADD CONSTRAINT "schedule_runs_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "schedule_runs" ADD CONSTRAINT "schedule_runs_schedule_id_schedules_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."schedules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "schedule_runs" ADD CONSTRAINT "schedule_runs_agent_task_id_agent_tasks_id_fk" FOREIGN KEY ("agent_task_id") REFERENCES "public"."agent_tasks"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "schedule_runs_org_id_idx" ON "schedule_runs" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "schedule_runs_schedule_occurrence_uq" ON "schedule_runs" USING btree ("schedule_id","occurrence_at");--> statement-breakpoint
CREATE INDEX "schedule_runs_agent_task_id_idx" ON "schedule_runs" USING btree ("agent_task_id");--> statement-breakpoint
ALTER TABLE "schedules" ADD CONSTRAINT "schedules_status_check" CHECK ("schedules"."status" in ('active', 'paused', 'stopped', 'completed'));--> statement-breakpoint
ALTER TABLE "schedules" ADD CONSTRAINT "schedules_missed_run_policy_check" CHECK ("schedules"."missed_run_policy" in ('run_once', 'skip'));