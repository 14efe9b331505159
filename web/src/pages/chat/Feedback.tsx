import { ThumbsDown, ThumbsUp } from "lucide-react";
import { type FormEvent, useState } from "react";
import { Form, TextArea, TextField, ToggleButton } from "react-aria-components";
import type { Message } from "../../api/types";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { useFeedback } from "./queries";

/** Thumbs up or down on a reply, with an optional comment; sending again replaces it. */
export function Feedback({ conversationId, message }: { conversationId: string; message: Message }) {
  const save = useFeedback(conversationId, message.id);
  const current = message.feedback?.rating;
  const [draft, setDraft] = useState<1 | -1 | null>(null);
  const [comment, setComment] = useState(message.feedback?.comment ?? "");

  const rate = (rating: 1 | -1) => {
    setDraft(rating);
    save.mutate({ rating, comment: message.feedback?.comment ?? null });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft) return;
    save.mutate({ rating: draft, comment: comment.trim() || null }, { onSuccess: () => setDraft(null) });
  };

  return (
    <div className="feedback">
      <div className="feedback-buttons">
        <ToggleButton
          className="btn btn-ghost btn-icon"
          aria-label="Helpful"
          isSelected={current === 1}
          onChange={() => rate(1)}
        >
          <ThumbsUp aria-hidden size={16} />
        </ToggleButton>
        <ToggleButton
          className="btn btn-ghost btn-icon"
          aria-label="Not helpful"
          isSelected={current === -1}
          onChange={() => rate(-1)}
        >
          <ThumbsDown aria-hidden size={16} />
        </ToggleButton>
        {message.feedback && !draft && <span className="muted">Thanks for your feedback</span>}
      </div>
      {draft && (
        <Form className="feedback-form" onSubmit={submit}>
          <TextField className="field" value={comment} onChange={setComment} aria-label="Comment (optional)">
            <TextArea placeholder="What was good or missing? (optional)" rows={2} />
          </TextField>
          <Button type="submit" variant="secondary" isPending={save.isPending}>
            Send comment
          </Button>
        </Form>
      )}
      <ErrorNotice error={save.error} />
    </div>
  );
}
