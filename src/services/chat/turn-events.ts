/** A citation as clients see it: the label the answer uses and where it points. */
export interface CitationView {
  label: number;
  chunkId: string;
  documentId: string;
  knowledgeBaseId: string;
  title: string;
  snippet: string;
  score: number;
}

export interface TurnUsage {
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/**
 * What a running turn reports, in order. HTTP streams them as Server-Sent Events (the `id` is the SSE
 * event id used by `Last-Event-ID`), the CLI prints them, `/v1/chat/completions` maps them to chunks.
 */
export type TurnEvent =
  | { type: "turn-start"; conversationId: string; taskId: string; userMessageId: string }
  | { type: "token"; text: string }
  | { type: "tool-call"; step: number; toolCallId: string; name: string; input: unknown }
  | { type: "tool-result"; step: number; toolCallId: string; name: string; output?: unknown; error?: string }
  | { type: "citations"; citations: CitationView[] }
  | {
      type: "done";
      messageId: string;
      text: string;
      citations: CitationView[];
      /** Citation markers removed because they named nothing retrieved in this turn. */
      removedCitations: number;
      usage: TurnUsage;
      runId: string;
      taskId: string;
      /** Set when the reply was held: `text` is then the waiting notice, never the draft. */
      held?: { approvalId: string; mode: "hold" | "handoff" } | undefined;
    }
  | {
      /** The reply waits for a person's review ("waiting for review"); `done` follows. */
      type: "held";
      approvalId: string;
      messageId: string;
      mode: "hold" | "handoff";
      dueAt: string;
      message: string;
    }
  | {
      /** An approver decided a held reply: the reply the requester now has (`done` follows). */
      type: "decided";
      approvalId: string;
      decision: "approved" | "rejected" | "edited";
      messageId: string;
    }
  | {
      /** A colleague replied in person after a handoff (ADR 0012); `done` follows with the text. */
      type: "human-reply";
      messageId: string;
      authorId: string;
    }
  | {
      type: "error";
      code: string;
      message: string;
      messageId?: string | undefined;
      taskId?: string | undefined;
    };

export type NumberedTurnEvent = TurnEvent & { id: number };
