import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Form } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Can } from "../../auth/Can";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { TextAreaField } from "../../ui/form-fields";
import { Spinner } from "../../ui/Spinner";
import { TextField } from "../../ui/TextField";
import { DepartmentPicker, departmentOf } from "./DepartmentPicker";
import { assistantKeys, usePersonas } from "./queries";

/** Reusable personas (the voice an agent or namespace speaks in). */
export function PersonasPanel() {
  const personas = usePersonas();
  return (
    <section aria-labelledby="personas-title">
      <h2 id="personas-title">Personas</h2>
      {personas.isPending && <Spinner label="Loading personas" />}
      <ErrorNotice error={personas.error} />
      {personas.data?.items.length === 0 && <p className="muted">No persona yet.</p>}
      <ul className="cards" aria-label="Personas">
        {personas.data?.items.map((persona) => (
          <li key={persona.id} className="card">
            <h3>{persona.name}</h3>
            {persona.tone && <p className="muted small">Tone: {persona.tone}</p>}
            {persona.description && <p>{persona.description}</p>}
            {persona.greeting && <p className="muted">“{persona.greeting}”</p>}
          </li>
        ))}
      </ul>
      <Can permission="agents:manage">
        <NewPersona />
      </Can>
    </section>
  );
}

function NewPersona() {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [department, setDepartment] = useState<string | null>(null);
  const [tone, setTone] = useState("");
  const [prompt, setPrompt] = useState("");
  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/personas", {
          body: { name, tone: tone || null, prompt, departmentId: departmentOf(department) },
        }),
      ),
    onSuccess: async () => {
      setName("");
      setTone("");
      setPrompt("");
      await queryClient.invalidateQueries({ queryKey: assistantKeys.personas });
    },
  });
  return (
    <section className="panel" aria-labelledby="new-persona-title">
      <h2 id="new-persona-title">New persona</h2>
      <Form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <TextField label="Persona name" value={name} onChange={setName} isRequired maxLength={200} />
        <DepartmentPicker value={department} onChange={setDepartment} />
        <TextField label="Tone" value={tone} onChange={setTone} maxLength={200} />
        <TextAreaField label="How it speaks" value={prompt} onChange={setPrompt} rows={4} />
        <Button type="submit" variant="primary" isPending={create.isPending}>
          Create persona
        </Button>
      </Form>
      <ErrorNotice error={create.error} />
    </section>
  );
}
