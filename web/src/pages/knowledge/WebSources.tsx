import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Form } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Can } from "../../auth/Can";
import { ago } from "../../lib/time";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { ChoiceGroup } from "../../ui/form-fields";
import { notifyError } from "../../ui/notices";
import { Spinner } from "../../ui/Spinner";
import { TextField } from "../../ui/TextField";
import { knowledgeKeys, useWebSources } from "./queries";
import { StatusBadge } from "./StatusBadge";

/** Web pages and sites the knowledge base follows, with the state of their last crawl. */
export function WebSources({ knowledgeBaseId }: { knowledgeBaseId: string }) {
  const sources = useWebSources(knowledgeBaseId);
  const queryClient = useQueryClient();
  const crawl = useMutation({
    mutationFn: async (id: string) =>
      unwrap(await api.POST("/web-sources/{id}/crawl", { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: knowledgeKeys.webSources(knowledgeBaseId) }),
    onError: notifyError,
  });
  return (
    <div className="stack">
      <Can permission="kb:write">
        <AddWebSource knowledgeBaseId={knowledgeBaseId} />
      </Can>
      <section aria-labelledby="web-sources-title">
        <h2 id="web-sources-title">Web sources</h2>
        {sources.isPending && <Spinner label="Loading web sources" />}
        <ErrorNotice error={sources.error} />
        {sources.data?.items.length === 0 && <p className="muted">No web source yet.</p>}
        <ul className="source-list" aria-label="Web sources">
          {sources.data?.items.map((source) => (
            <li key={source.id} className="card">
              <p className="source-url">{source.rootUrl}</p>
              <p className="status-cell">
                <StatusBadge status={source.lastCrawlStatus ?? "queued"} />
                <span className="muted">
                  {source.mode === "single" ? "single page" : `crawl, depth ${source.maxDepth}`} ·{" "}
                  {source.pagesCrawled} pages
                  {source.lastCrawledAt ? ` · last crawled ${ago(source.lastCrawledAt)}` : ""}
                </span>
              </p>
              {source.lastCrawlError && <p className="status-reason">{source.lastCrawlError}</p>}
              <Can permission="kb:write">
                <Button
                  onPress={() => crawl.mutate(source.id)}
                  isPending={crawl.isPending && crawl.variables === source.id}
                  aria-label={`Crawl now: ${source.rootUrl}`}
                >
                  Crawl now
                </Button>
              </Can>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

function AddWebSource({ knowledgeBaseId }: { knowledgeBaseId: string }) {
  const queryClient = useQueryClient();
  const [url, setUrl] = useState("");
  const [mode, setMode] = useState<"single" | "crawl">("single");
  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/knowledge-bases/{id}/web-sources", {
          params: { path: { id: knowledgeBaseId } },
          body: { url, mode },
        }),
      ),
    onSuccess: async () => {
      setUrl("");
      await queryClient.invalidateQueries({ queryKey: knowledgeKeys.webSources(knowledgeBaseId) });
    },
  });
  return (
    <section className="panel" aria-labelledby="add-web-title">
      <h2 id="add-web-title">Add a web source</h2>
      <Form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <TextField label="Address" type="url" value={url} onChange={setUrl} isRequired />
        <ChoiceGroup
          label="What to fetch"
          value={mode}
          onChange={(value) => setMode(value === "crawl" ? "crawl" : "single")}
          choices={[
            { id: "single", label: "This page" },
            { id: "crawl", label: "The site from here" },
          ]}
        />
        <Button type="submit" variant="primary" isPending={create.isPending}>
          Add web source
        </Button>
      </Form>
      <ErrorNotice error={create.error} />
    </section>
  );
}
