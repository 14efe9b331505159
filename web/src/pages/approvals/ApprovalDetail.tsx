import { Link } from "@tanstack/react-router";
import { ArrowLeft } from "lucide-react";
import { useCan } from "../../auth/me";
import { fullDate } from "../../lib/time";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { Spinner } from "../../ui/Spinner";
import { AnswerMarkdown } from "../chat/Markdown";
import { DecisionPanel } from "./DecisionPanel";
import { type Approval, useApproval, type View } from "./queries";

const DECIDED: Partial<Record<Approval["status"], string>> = {
  approved: "Approved: the draft was delivered as written.",
  edited: "Edited: the edited reply was delivered.",
  rejected: "Rejected: the requester was told politely that it cannot be answered here.",
};

const GENERATION_DECIDED: Partial<Record<Approval["status"], string>> = {
  approved: "Approved: the document is rendered for the requester.",
  rejected: "Rejected: the generation ended without a document.",
};

/** One held reply: the question, the draft with its citations, and the decision (or how it went). */
export function ApprovalDetail({ id, view }: { id: string; view: View }) {
  const approval = useApproval(id);
  const canDecide = useCan("approvals:decide");
  const a = approval.data;
  const cite = (label: number) => document.getElementById(`citation-${label}`)?.focus();
  const open = a && (a.status === "pending" || a.status === "escalated") && !a.isSample;
  const sampleOpen = a?.isSample && a.status === "pending";
  return (
    <article className="review-detail" aria-labelledby="review-question-title">
      <Link to="/review" search={{ view }} className="btn btn-ghost back-link review-back">
        <ArrowLeft aria-hidden size={18} /> Inbox
      </Link>
      {approval.isPending && <Spinner label="Loading the reply" />}
      <ErrorNotice error={approval.error} />
      {a?.generation && (
        <>
          <section className="review-block">
            <h2 id="review-question-title">Document to generate</h2>
            <p className="muted">
              {`Format: ${a.generation.outputFormat} · template version ${a.generation.templateVersion ?? "?"}`}
              {" · asked "}
              {fullDate(a.createdAt)}
            </p>
            <pre className="review-draft">{JSON.stringify(a.generation.input, null, 2)}</pre>
          </section>
          {a.escalationReason && <p className="notice notice-info">Escalated: {a.escalationReason}</p>}
          {GENERATION_DECIDED[a.status] && (
            <p className="notice notice-info" role="status">
              {GENERATION_DECIDED[a.status]}
              {a.notes ? ` Notes: ${a.notes}` : ""}
            </p>
          )}
          {canDecide && open && <DecisionPanel key={a.id} approval={a} />}
        </>
      )}
      {a && !a.generation && (
        <>
          <section className="review-block">
            <h2 id="review-question-title">Question</h2>
            <blockquote className="review-quote">
              {a.question ?? "(the question could not be found)"}
            </blockquote>
            <p className="muted">
              {a.intent ? `Intent: ${a.intent}` : "No intent"}
              {a.confidence !== null ? ` (${Math.round(a.confidence * 100)}% sure)` : ""}
              {" · asked "}
              {fullDate(a.createdAt)}
              {a.dueAt && a.status === "pending" ? ` · due ${fullDate(a.dueAt)}` : ""}
            </p>
          </section>
          <section className="review-block" aria-labelledby="review-draft-title">
            <h2 id="review-draft-title">
              {a.isSample ? "Reply already delivered (sample)" : "Drafted reply"}
            </h2>
            <div className="review-draft">
              <AnswerMarkdown text={a.draft} citations={a.citations} onCite={(c) => cite(c.label)} />
            </div>
            {a.editedText !== null && (
              <>
                <h3>Delivered after editing</h3>
                <div className="review-draft">
                  <AnswerMarkdown text={a.editedText} citations={a.citations} onCite={(c) => cite(c.label)} />
                </div>
              </>
            )}
          </section>
          <section className="review-block" aria-labelledby="review-sources-title">
            <h2 id="review-sources-title">Sources</h2>
            {a.citations.length === 0 && <p className="muted">The draft cites nothing.</p>}
            <ol className="review-citations">
              {a.citations.map((c) => (
                <li key={c.label} id={`citation-${c.label}`} tabIndex={-1}>
                  <span className="citation-chip" aria-hidden>
                    {c.label}
                  </span>
                  <div>
                    <strong>{c.title}</strong>
                    <p>{c.snippet}</p>
                  </div>
                </li>
              ))}
            </ol>
          </section>
          {a.pendingToolCall && (
            <p className="notice notice-info">
              Approving runs the tool <code>{a.pendingToolCall.name}</code> and lets the assistant finish.
            </p>
          )}
          {a.escalationReason && <p className="notice notice-info">Escalated: {a.escalationReason}</p>}
          {DECIDED[a.status] && (
            <p className="notice notice-info" role="status">
              {DECIDED[a.status]}
              {a.notes ? ` Notes: ${a.notes}` : ""}
            </p>
          )}
          {canDecide && (open || sampleOpen) && <DecisionPanel key={a.id} approval={a} />}
        </>
      )}
    </article>
  );
}
