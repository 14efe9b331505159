import type { Citation } from "../../api/types";
import { Spinner } from "../../ui/Spinner";
import { AnswerMarkdown } from "./Markdown";
import { Sources } from "./MessageItem";
import { ToolSteps } from "./ToolSteps";
import type { LiveTurn } from "./turns";

/** The answer being written: tool steps as they happen, text token by token, then its sources. */
export function LiveAnswer({ turn, onCite }: { turn: LiveTurn; onCite: (c: Citation) => void }) {
  const writing = turn.status === "connecting" || turn.status === "streaming";
  return (
    <article
      className={`message message-assistant live${turn.status === "failed" ? " message-failed" : ""}`}
      aria-label="Assistant"
      aria-busy={writing}
    >
      <ToolSteps steps={turn.tools} />
      {turn.text ? (
        <AnswerMarkdown text={turn.text} citations={turn.citations} onCite={onCite} />
      ) : (
        writing && <Spinner label="The assistant is answering" />
      )}
      {turn.error && (
        <p className={turn.status === "stopped" ? "muted" : "notice notice-error"} role="status">
          {turn.error}
        </p>
      )}
      {turn.citations.length > 0 && !writing && <Sources citations={turn.citations} onCite={onCite} />}
      <p className="visually-hidden" role="status">
        {writing ? "The assistant is answering" : "The answer is complete"}
      </p>
    </article>
  );
}
