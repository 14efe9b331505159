import { Link } from "@tanstack/react-router";
import type { Citation, Message } from "../../api/types";
import { useCan } from "../../auth/me";
import { Feedback } from "./Feedback";
import { AnswerMarkdown } from "./Markdown";
import { stepsOfParts, ToolSteps } from "./ToolSteps";
import "../../styles/trace-link.css";

/** One stored message: the question as typed (text, never HTML), or the reply with its sources. */
export function MessageItem({
  conversationId,
  message,
  onCite,
  askedByMe = false,
}: {
  conversationId: string;
  message: Message;
  onCite: (citation: Citation) => void;
  /** The signed-in person asked the questions of this conversation (may read its runs' traces). */
  askedByMe?: boolean;
}) {
  if (message.role === "user") {
    return (
      <article className="message message-user" aria-label="You">
        <p className="message-text">{message.content}</p>
      </article>
    );
  }
  const failed = typeof message.metadata.error === "string";
  const citations = (message.sources ?? []) as Citation[];
  // A colleague's reply after a handoff: written by a person, not rated like the assistant's answers.
  const byPerson = message.authorId != null;
  // A reply a reviewer edited or replaced (an approved draft is delivered as it was written).
  const reviewed = typeof message.metadata.decision === "string" && !message.heldForApproval;
  return (
    <article
      className={`message message-assistant${failed ? " message-failed" : ""}`}
      aria-label={byPerson ? "A colleague" : "Assistant"}
    >
      {byPerson && <p className="muted">A colleague replied</p>}
      {reviewed && <p className="muted">Reviewed by a person</p>}
      <ToolSteps steps={stepsOfParts(message.parts)} />
      {message.heldForApproval ? (
        <p className="muted held-notice" role="status">
          This reply is waiting for review by a person; it will appear here once approved.
        </p>
      ) : (
        <AnswerMarkdown text={message.content} citations={citations} onCite={onCite} />
      )}
      {citations.length > 0 && <Sources citations={citations} onCite={onCite} />}
      {!failed && !message.heldForApproval && !byPerson && (
        <Feedback conversationId={conversationId} message={message} />
      )}
      <TraceLink message={message} askedByMe={askedByMe} />
    </article>
  );
}

export function Sources({ citations, onCite }: { citations: Citation[]; onCite: (c: Citation) => void }) {
  return (
    <div className="sources">
      <span className="muted">Sources</span>
      <ul>
        {citations.map((c) => (
          <li key={c.label}>
            <button type="button" className="source-link" onClick={() => onCite(c)}>
              <span className="citation-chip" aria-hidden>
                {c.label}
              </span>
              {c.title}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * The reply's trace (its run: stages, passages, cost), for the person who asked (the API lets them read
 * their own runs) and for reviewers who may read traces.
 */
function TraceLink({ message, askedByMe }: { message: Message; askedByMe: boolean }) {
  const reviewer = useCan("analytics:read");
  const taskId = message.metadata.taskId;
  if (typeof taskId !== "string" || !(askedByMe || reviewer)) return null;
  return (
    <Link className="trace-link" to="/insights/runs/$runId" params={{ runId: taskId }}>
      Trace
    </Link>
  );
}
