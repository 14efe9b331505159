import { Send, Square } from "lucide-react";
import { type FormEvent, type KeyboardEvent, useState } from "react";
import { Form, TextArea, TextField } from "react-aria-components";
import { Button } from "../../ui/Button";

/** The question box: Enter sends, Shift+Enter adds a line; while an answer runs, Stop replaces Send. */
export function Composer({
  onSend,
  onStop,
  busy,
  disabled,
  placeholder = "Ask a question",
}: {
  onSend: (text: string) => Promise<void> | void;
  onStop?: () => void;
  busy: boolean;
  disabled?: boolean;
  placeholder?: string;
}) {
  const [text, setText] = useState("");
  const send = async () => {
    const question = text.trim();
    if (!question || busy || disabled) return;
    setText("");
    try {
      await onSend(question);
    } catch {
      setText(question); // a refused question is given back to edit
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void send();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };
  return (
    <Form className="composer" onSubmit={submit}>
      <TextField
        className="composer-field"
        value={text}
        onChange={setText}
        aria-label="Your question"
        isDisabled={disabled}
      >
        <TextArea placeholder={placeholder} rows={2} onKeyDown={onKeyDown} />
      </TextField>
      {busy && onStop ? (
        <Button variant="secondary" onPress={onStop} aria-label="Stop generating">
          <Square aria-hidden size={16} /> <span className="hide-narrow">Stop</span>
        </Button>
      ) : (
        <Button type="submit" variant="primary" aria-label="Send" isDisabled={disabled || !text.trim()}>
          <Send aria-hidden size={16} /> <span className="hide-narrow">Send</span>
        </Button>
      )}
    </Form>
  );
}
