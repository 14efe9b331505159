import type { ApprovalRow } from "../../repositories/approval.repository.js";
import type { DocumentGenerationRow } from "../../repositories/document-template.repository.js";
import type { MessageRow } from "../../repositories/message.repository.js";
import type { CitationView } from "../chat/turn-events.js";

/** An approval as the API shows it: the row with its draft's text and the decision so far. */
export interface ApprovalView {
  id: string;
  status: ApprovalRow["status"];
  isSample: boolean;
  departmentId: string | null;
  namespaceId: string | null;
  /** The held reply's conversation and draft (null when the approval holds a document generation). */
  conversationId: string | null;
  messageId: string | null;
  /** A held document generation: what the requester asked the template to render. */
  documentGenerationId: string | null;
  generation: {
    templateId: string | null;
    templateVersion: number | null;
    outputFormat: DocumentGenerationRow["outputFormat"];
    input: Record<string, unknown>;
    status: DocumentGenerationRow["status"];
  } | null;
  requesterId: string | null;
  approverId: string | null;
  intent: string | null;
  confidence: number | null;
  /** The requester's question the draft answers (null when it cannot be found). */
  question: string | null;
  /** The drafted reply as the model wrote it (kept after an edit). */
  draft: string;
  citations: CitationView[];
  editedText: string | null;
  /** A tool call waiting for this decision: approving runs it and resumes the turn. */
  pendingToolCall: { name: string; input: unknown } | null;
  notes: string | null;
  escalatedToId: string | null;
  escalationReason: string | null;
  deliveredMessageId: string | null;
  dueAt: Date | null;
  decidedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function viewOf(
  row: ApprovalRow,
  draft: MessageRow | undefined,
  question: string | undefined,
  generation?: DocumentGenerationRow | undefined,
): ApprovalView {
  return {
    id: row.id,
    status: row.status,
    isSample: row.isSample,
    departmentId: row.departmentId,
    namespaceId: row.namespaceId,
    conversationId: row.conversationId,
    messageId: row.messageId,
    documentGenerationId: row.documentGenerationId,
    generation: generation
      ? {
          templateId: generation.templateId,
          templateVersion: generation.templateVersion,
          outputFormat: generation.outputFormat,
          input: generation.input,
          status: generation.status,
        }
      : null,
    requesterId: row.requesterId,
    approverId: row.approverId,
    intent: row.intentName,
    confidence: row.intentConfidence,
    question: question ?? null,
    draft: draft?.content ?? "",
    citations: row.citations as CitationView[],
    editedText: row.editedContent,
    pendingToolCall: row.pendingToolCall
      ? { name: row.pendingToolCall.name, input: row.pendingToolCall.input }
      : null,
    notes: row.approverNotes,
    escalatedToId: row.escalatedToId,
    escalationReason: row.escalationReason,
    deliveredMessageId: row.deliveredMessageId,
    dueAt: row.dueAt,
    decidedAt: row.decidedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
