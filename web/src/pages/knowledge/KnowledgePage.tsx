import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { Form } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Can } from "../../auth/Can";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { SelectField } from "../../ui/form-fields";
import { Spinner } from "../../ui/Spinner";
import { TextField } from "../../ui/TextField";
import { knowledgeKeys, useDepartments, useKnowledgeBases } from "./queries";
import "../../styles/knowledge.css";

/** Knowledge bases of the departments the person can see, by department (GET /knowledge-bases). */
export function KnowledgePage() {
  const bases = useKnowledgeBases();
  const departments = useDepartments();
  const nameOf = (id: string) => departments.data?.items.find((d) => d.id === id)?.name ?? "Department";
  const groups = new Map<string, NonNullable<typeof bases.data>["items"]>();
  for (const kb of bases.data?.items ?? [])
    groups.set(kb.departmentId, [...(groups.get(kb.departmentId) ?? []), kb]);
  return (
    <main className="page" id="main">
      <h1>Knowledge</h1>
      <p className="muted">The documents your assistants answer from, by department.</p>
      {bases.isPending && <Spinner label="Loading knowledge bases" />}
      <ErrorNotice error={bases.error} />
      {bases.data && bases.data.items.length === 0 && <p className="muted">No knowledge base yet.</p>}
      {[...groups].map(([departmentId, items]) => (
        <section key={departmentId} aria-labelledby={`dept-${departmentId}`}>
          <h2 id={`dept-${departmentId}`}>{nameOf(departmentId)}</h2>
          <ul className="cards">
            {items.map((kb) => (
              <li key={kb.id} className="card">
                <h3>
                  <Link to="/knowledge/$knowledgeBaseId" params={{ knowledgeBaseId: kb.id }}>
                    {kb.name}
                  </Link>
                </h3>
                {kb.description && <p className="muted">{kb.description}</p>}
                <p className="muted small">
                  {kb.config.retrieval.mode} search · {kb.embeddingModel}
                </p>
              </li>
            ))}
          </ul>
        </section>
      ))}
      <Can permission="kb:write">
        <NewKnowledgeBase departments={departments.data?.items ?? []} />
      </Can>
    </main>
  );
}

function NewKnowledgeBase({ departments }: { departments: { id: string; name: string }[] }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [departmentId, setDepartmentId] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/knowledge-bases", {
          body: { name, departmentId: departmentId ?? departments[0]?.id ?? "" },
        }),
      ),
    onSuccess: async (kb) => {
      await queryClient.invalidateQueries({ queryKey: knowledgeKeys.bases });
      await navigate({ to: "/knowledge/$knowledgeBaseId", params: { knowledgeBaseId: kb.id } });
    },
  });
  return (
    <section className="panel" aria-labelledby="new-kb-title">
      <h2 id="new-kb-title">New knowledge base</h2>
      <Form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <TextField label="Name" value={name} onChange={setName} isRequired maxLength={200} />
        <SelectField
          label="Department"
          choices={departments.map((d) => ({ id: d.id, label: d.name }))}
          value={departmentId ?? departments[0]?.id ?? null}
          onChange={setDepartmentId}
        />
        <Button type="submit" variant="primary" isPending={create.isPending}>
          Create
        </Button>
      </Form>
      <ErrorNotice error={create.error} />
    </section>
  );
}
