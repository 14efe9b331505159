import { useState } from "react";
import {
  Button as AriaButton,
  Form,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Select,
  SelectValue,
  TextArea,
  TextField,
} from "react-aria-components";
import { useCan } from "../../auth/me";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { type Approval, useDecide, usePeople } from "./queries";

type Mode = "choose" | "approve" | "edit" | "reject" | "escalate";

/** Approve, edit, reject or escalate: each asks for what it needs, then sends one decision. */
export function DecisionPanel({ approval }: { approval: Approval }) {
  const [mode, setMode] = useState<Mode>("choose");
  const [text, setText] = useState(approval.draft);
  const [notes, setNotes] = useState("");
  const [reason, setReason] = useState("");
  const [toUserId, setToUserId] = useState<string | null>(null);
  const canListPeople = useCan("users:manage");
  const people = usePeople(mode === "escalate" && canListPeople);
  const decide = useDecide(approval.id);
  const note = notes.trim() ? { notes: notes.trim() } : {};

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (mode === "approve") decide.mutate({ kind: "approve", ...note });
    if (mode === "reject") decide.mutate({ kind: "reject", ...note });
    if (mode === "edit") decide.mutate({ kind: "edit", text, ...note });
    if (mode === "escalate" && toUserId) decide.mutate({ kind: "escalate", toUserId, reason: reason.trim() });
  };

  if (mode === "choose") {
    return (
      <section className="review-block decision" aria-label="Decision">
        <div className="decision-buttons">
          <Button variant="primary" onPress={() => setMode("approve")}>
            Approve
          </Button>
          {!approval.isSample && !approval.generation && (
            <Button onPress={() => setMode("edit")}>Edit</Button>
          )}
          <Button variant="danger" onPress={() => setMode("reject")}>
            Reject
          </Button>
          {canListPeople && <Button onPress={() => setMode("escalate")}>Escalate</Button>}
        </div>
      </section>
    );
  }

  const others = (people.data ?? []).filter((p) => p.id !== approval.approverId);
  const title = { approve: "Approve", edit: "Edit the reply", reject: "Reject", escalate: "Escalate" }[mode];
  const submitLabel = {
    approve: "Approve and send",
    edit: "Send edited reply",
    reject: "Reject",
    escalate: "Escalate",
  }[mode];
  return (
    <Form className="review-block decision" onSubmit={submit} aria-label={title}>
      <h2>{title}</h2>
      {mode === "edit" && (
        <TextField className="field" value={text} onChange={setText} isRequired>
          <Label>Reply to send</Label>
          <TextArea rows={8} />
        </TextField>
      )}
      {mode === "escalate" ? (
        <>
          <Select
            className="field"
            selectedKey={toUserId}
            onSelectionChange={(k) => setToUserId(String(k))}
            isRequired
          >
            <Label>Escalate to</Label>
            <AriaButton className="select-button">
              <SelectValue />
              <span aria-hidden>▾</span>
            </AriaButton>
            <Popover className="popover">
              <ListBox className="listbox" items={others}>
                {(p) => (
                  <ListBoxItem id={p.id} className="listbox-item" textValue={p.name ?? p.email}>
                    {p.name ?? p.email}
                  </ListBoxItem>
                )}
              </ListBox>
            </Popover>
          </Select>
          <TextField className="field" value={reason} onChange={setReason} isRequired>
            <Label>Reason</Label>
            <TextArea rows={3} />
          </TextField>
        </>
      ) : (
        <TextField className="field" value={notes} onChange={setNotes}>
          <Label>Notes (optional, for reviewers)</Label>
          <TextArea rows={2} />
        </TextField>
      )}
      <ErrorNotice error={decide.error} />
      <div className="decision-buttons">
        <Button
          type="submit"
          variant={mode === "reject" ? "danger" : "primary"}
          isPending={decide.isPending}
          isDisabled={
            (mode === "edit" && !text.trim()) || (mode === "escalate" && (!toUserId || !reason.trim()))
          }
        >
          {submitLabel}
        </Button>
        <Button variant="ghost" onPress={() => setMode("choose")}>
          Cancel
        </Button>
      </div>
    </Form>
  );
}
