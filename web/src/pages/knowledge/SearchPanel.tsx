import { useMutation } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useState } from "react";
import { Form } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { ChoiceGroup } from "../../ui/form-fields";
import { TextField } from "../../ui/TextField";

type Mode = "hybrid" | "vector" | "fulltext";

const MODES = [
  { id: "hybrid", label: "Hybrid" },
  { id: "vector", label: "Vector" },
  { id: "fulltext", label: "Full text" },
];

const score = (value: number | undefined) => (value === undefined ? "—" : value.toFixed(3));

/** Try a question against the knowledge base as an assistant would, with every score shown. */
export function SearchPanel({
  knowledgeBaseId,
  defaultMode,
}: {
  knowledgeBaseId: string;
  defaultMode: Mode;
}) {
  const [query, setQuery] = useState("");
  const [mode, setMode] = useState<Mode>(defaultMode);
  const search = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/knowledge-bases/{id}/search", {
          params: { path: { id: knowledgeBaseId } },
          body: { query, mode, limit: 10 },
        }),
      ),
  });
  return (
    <section aria-labelledby="search-title" className="stack">
      <h2 id="search-title">Search this knowledge base</h2>
      <Form
        className="stack"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          search.mutate();
        }}
      >
        <TextField label="Search for" value={query} onChange={setQuery} isRequired maxLength={2000} />
        <ChoiceGroup
          label="Search mode"
          value={mode}
          onChange={(value) => setMode(value as Mode)}
          choices={MODES}
        />
        <Button type="submit" variant="primary" isPending={search.isPending}>
          Search
        </Button>
      </Form>
      <ErrorNotice error={search.error} />
      {search.data && (
        <section aria-label="Search results">
          <p className="muted" role="status">
            {search.data.results.length} results ({search.data.mode}
            {search.data.models.length > 0 ? `, ${search.data.models.join(", ")}` : ""})
          </p>
          <ol className="results">
            {search.data.results.map((result) => (
              <li key={result.chunkId} className="card result">
                <h3>
                  <Link to="/knowledge/documents/$documentId" params={{ documentId: result.documentId }}>
                    {result.title}
                  </Link>
                </h3>
                <dl className="scores" aria-label="Scores">
                  <div>
                    <dt>Score</dt>
                    <dd>{score(result.scores.fused)}</dd>
                  </div>
                  <div>
                    <dt>Vector</dt>
                    <dd>{score(result.scores.vector)}</dd>
                  </div>
                  <div>
                    <dt>Full text</dt>
                    <dd>{score(result.scores.fulltext)}</dd>
                  </div>
                  <div>
                    <dt>Question</dt>
                    <dd>{score(result.scores.question)}</dd>
                  </div>
                  {result.scores.rerank !== undefined && (
                    <div>
                      <dt>Rerank</dt>
                      <dd>{score(result.scores.rerank)}</dd>
                    </div>
                  )}
                </dl>
                <p className="result-content">{result.content}</p>
              </li>
            ))}
          </ol>
        </section>
      )}
    </section>
  );
}
