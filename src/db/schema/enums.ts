import { pgEnum } from "drizzle-orm/pg-core";

// Every Postgres enum lives here so a value added later is one edit and one migration.
// Adding a value is cheap (ALTER TYPE … ADD VALUE); removing one is a data migration, so keep them closed.

/** Legacy per-user role (seed 000 `Role`). Authorization uses system_roles + per-user overrides. */
export const userRole = pgEnum("user_role", ["admin", "approver", "dept_head", "employee"]);

export const authProvider = pgEnum("auth_provider", ["email", "github", "google"]);

export const orgMemberRole = pgEnum("org_member_role", ["owner", "admin", "member"]);

export const documentType = pgEnum("document_type", [
  "pdf",
  "docx",
  "txt",
  "md",
  "html",
  "csv",
  "url",
  "image",
  "text",
  "table",
]);

/** Where a document came from: an upload, a freeform text, a structured table, a crawl, a generation. */
export const documentSourceKind = pgEnum("document_source_kind", [
  "file",
  "freeform",
  "table",
  "web",
  "generated",
]);

export const documentStatus = pgEnum("document_status", ["pending", "processing", "ready", "failed"]);

export const conversationChannel = pgEnum("conversation_channel", [
  "web",
  "whatsapp",
  "telegram",
  "slack",
  "email",
  "api",
]);

export const conversationStatus = pgEnum("conversation_status", [
  "active",
  "closed",
  "escalated",
  "awaiting_approval",
]);

export const messageRole = pgEnum("message_role", ["user", "assistant", "system", "tool"]);

export const approvalStatus = pgEnum("approval_status", [
  "pending",
  "approved",
  "rejected",
  "edited",
  "escalated",
]);

export const agentTaskStatus = pgEnum("agent_task_status", [
  "queued",
  "running",
  "done",
  "failed",
  "timeout",
]);

/** Status of one step of an agent task (seed 000 AgentToolCall.status). */
export const toolCallStatus = pgEnum("tool_call_status", ["running", "ok", "error", "timeout"]);

export const toolKind = pgEnum("tool_kind", ["builtin", "http", "mcp"]);

export const jobStatus = pgEnum("job_status", ["queued", "running", "done", "failed"]);

export const agentRunStatus = pgEnum("agent_run_status", ["running", "ok", "error", "timeout"]);

export const scheduleKind = pgEnum("schedule_kind", ["cron", "once"]);

export const documentGenerationStatus = pgEnum("document_generation_status", [
  "pending",
  "rendering",
  "done",
  "failed",
  "awaiting_approval",
]);

export const outputFormat = pgEnum("output_format", ["markdown", "html", "text", "pdf", "docx"]);
