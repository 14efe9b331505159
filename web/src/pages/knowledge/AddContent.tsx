import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Form } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { TextAreaField } from "../../ui/form-fields";
import { TextField } from "../../ui/TextField";
import { knowledgeKeys } from "./queries";

/** Freeform text and tables (CSV) typed or pasted in; both are ingested like files. */
export function AddContent({ knowledgeBaseId }: { knowledgeBaseId: string }) {
  return (
    <div className="two-columns">
      <PastedContentForm knowledgeBaseId={knowledgeBaseId} kind={kinds.text} />
      <PastedContentForm knowledgeBaseId={knowledgeBaseId} kind={kinds.table} />
    </div>
  );
}

/** What differs between pasting text and pasting a table: the labels and the endpoint. */
interface PastedKind {
  id: "text" | "table";
  heading: string;
  titleLabel: string;
  contentLabel: string;
  contentDescription?: string;
  submit: string;
  send(knowledgeBaseId: string, title: string, content: string): Promise<{ document: { title: string } }>;
}

const kinds = {
  text: {
    id: "text",
    heading: "Add text",
    titleLabel: "Text title",
    contentLabel: "Text",
    submit: "Add text",
    send: async (id, title, body) =>
      unwrap(
        await api.POST("/knowledge-bases/{id}/documents/text", {
          params: { path: { id } },
          body: { title, body },
        }),
      ),
  },
  table: {
    id: "table",
    heading: "Add a table",
    titleLabel: "Table title",
    contentLabel: "Rows as CSV",
    contentDescription: "The first line names the columns; each chunk repeats it.",
    submit: "Add table",
    send: async (id, title, csv) =>
      unwrap(
        await api.POST("/knowledge-bases/{id}/documents/table", {
          params: { path: { id } },
          body: { title, csv },
        }),
      ),
  },
} satisfies Record<string, PastedKind>;

function PastedContentForm({ knowledgeBaseId, kind }: { knowledgeBaseId: string; kind: PastedKind }) {
  const queryClient = useQueryClient();
  const [title, setTitle] = useState("");
  const [content, setContent] = useState("");
  const create = useMutation({
    mutationFn: () => kind.send(knowledgeBaseId, title, content),
    onSuccess: async (result) => {
      setTitle("");
      setContent("");
      await queryClient.invalidateQueries({ queryKey: knowledgeKeys.documents(knowledgeBaseId) });
      return result;
    },
  });
  const headingId = `add-${kind.id}-title`;
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{kind.heading}</h2>
      <Form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <TextField label={kind.titleLabel} value={title} onChange={setTitle} isRequired maxLength={300} />
        <TextAreaField
          label={kind.contentLabel}
          description={kind.contentDescription}
          value={content}
          onChange={setContent}
          isRequired
          rows={8}
        />
        <Button type="submit" variant="primary" isPending={create.isPending}>
          {kind.submit}
        </Button>
      </Form>
      <ErrorNotice error={create.error} />
      {create.data && (
        <p className="notice notice-info" role="status">
          “{create.data.document.title}” added: see Documents for its status.
        </p>
      )}
    </section>
  );
}
