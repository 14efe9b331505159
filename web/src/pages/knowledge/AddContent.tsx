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
      <TextForm knowledgeBaseId={knowledgeBaseId} />
      <TableForm knowledgeBaseId={knowledgeBaseId} />
    </div>
  );
}

function useAdded(knowledgeBaseId: string, reset: () => void) {
  const queryClient = useQueryClient();
  return async (result: { document: { title: string }; created: boolean }) => {
    reset();
    await queryClient.invalidateQueries({ queryKey: knowledgeKeys.documents(knowledgeBaseId) });
    return result;
  };
}

function TextForm({ knowledgeBaseId }: { knowledgeBaseId: string }) {
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const added = useAdded(knowledgeBaseId, () => {
    setTitle("");
    setBody("");
  });
  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/knowledge-bases/{id}/documents/text", {
          params: { path: { id: knowledgeBaseId } },
          body: { title, body },
        }),
      ),
    onSuccess: added,
  });
  return (
    <section className="panel" aria-labelledby="add-text-title">
      <h2 id="add-text-title">Add text</h2>
      <Form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <TextField label="Text title" value={title} onChange={setTitle} isRequired maxLength={300} />
        <TextAreaField label="Text" value={body} onChange={setBody} isRequired rows={8} />
        <Button type="submit" variant="primary" isPending={create.isPending}>
          Add text
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

function TableForm({ knowledgeBaseId }: { knowledgeBaseId: string }) {
  const [title, setTitle] = useState("");
  const [csv, setCsv] = useState("");
  const added = useAdded(knowledgeBaseId, () => {
    setTitle("");
    setCsv("");
  });
  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/knowledge-bases/{id}/documents/table", {
          params: { path: { id: knowledgeBaseId } },
          body: { title, csv },
        }),
      ),
    onSuccess: added,
  });
  return (
    <section className="panel" aria-labelledby="add-table-title">
      <h2 id="add-table-title">Add a table</h2>
      <Form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <TextField label="Table title" value={title} onChange={setTitle} isRequired maxLength={300} />
        <TextAreaField
          label="Rows as CSV"
          description="The first line names the columns; each chunk repeats it."
          value={csv}
          onChange={setCsv}
          isRequired
          rows={8}
        />
        <Button type="submit" variant="primary" isPending={create.isPending}>
          Add table
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
