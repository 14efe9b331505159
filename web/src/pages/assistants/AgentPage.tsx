import { useMutation, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { useEffect, useState } from "react";
import { Cell, Column, Form, Row, Table, TableBody, TableHeader } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Can } from "../../auth/Can";
import { fullDate } from "../../lib/time";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { TextAreaField } from "../../ui/form-fields";
import { Spinner } from "../../ui/Spinner";
import { TextField } from "../../ui/TextField";
import { StatusBadge } from "../knowledge/StatusBadge";
import { agentState, versionLabel } from "./agent-state";
import { type AgentView, assistantKeys, useAgent, useVersions } from "./queries";
import "../../styles/knowledge.css";

const route = getRouteApi("/app/assistants/agents/$agentId");

/** One agent: its draft, publishing it as a version, enabling, disabling, archiving, its versions. */
export function AgentPage() {
  const { agentId } = route.useParams();
  const agent = useAgent(agentId);
  const versions = useVersions(agentId);
  return (
    <main className="page" id="main">
      <p className="breadcrumb">
        <Link to="/assistants">Assistants</Link>
      </p>
      {agent.isPending && <Spinner label="Loading the agent" />}
      <ErrorNotice error={agent.error} />
      {agent.data && (
        <>
          <h1>{agent.data.name}</h1>
          <dl className="facts">
            <div>
              <dt>State</dt>
              <dd>
                <StatusBadge status={agentState(agent.data)} />
              </dd>
            </div>
            <div>
              <dt>Published</dt>
              <dd>{versionLabel(agent.data)}</dd>
            </div>
            <div>
              <dt>Model</dt>
              <dd>
                {agent.data.primaryModelProvider ?? "default"} / {agent.data.primaryModel ?? "default"}
              </dd>
            </div>
            <div>
              <dt>Tools</dt>
              <dd>{agent.data.toolsEnabled.join(", ") || "none"}</dd>
            </div>
            <div>
              <dt>Knowledge bases</dt>
              <dd>{agent.data.ragEnabled.length}</dd>
            </div>
          </dl>
          <Can permission="agents:manage">
            <Lifecycle agent={agent.data} />
            <Draft agent={agent.data} />
          </Can>
        </>
      )}
      <section aria-labelledby="versions-title">
        <h2 id="versions-title">Versions</h2>
        <ErrorNotice error={versions.error} />
        {versions.data?.items.length === 0 && <p className="muted">Not published yet.</p>}
        {versions.data && versions.data.items.length > 0 && (
          <div className="table-wrap">
            <Table aria-label="Versions" className="table">
              <TableHeader>
                <Column isRowHeader>Version</Column>
                <Column>Published</Column>
                <Column>Changes</Column>
              </TableHeader>
              <TableBody items={versions.data.items}>
                {(version) => (
                  <Row id={version.id}>
                    <Cell>v{version.version}</Cell>
                    <Cell>{fullDate(version.publishedAt)}</Cell>
                    <Cell>{version.changelog ?? "—"}</Cell>
                  </Row>
                )}
              </TableBody>
            </Table>
          </div>
        )}
      </section>
    </main>
  );
}

function useAgentAction(agentId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (action: "publish" | "enable" | "disable" | "archive" | { changelog: string }) => {
      const params = { params: { path: { id: agentId } } };
      if (typeof action === "object") {
        const body = action.changelog ? { changelog: action.changelog } : {};
        return unwrap(await api.POST("/agents/{id}/publish", { ...params, body }));
      }
      if (action === "enable") return unwrap(await api.POST("/agents/{id}/enable", params));
      if (action === "disable") return unwrap(await api.POST("/agents/{id}/disable", params));
      if (action === "archive") return unwrap(await api.POST("/agents/{id}/archive", params));
      return unwrap(await api.POST("/agents/{id}/publish", { ...params, body: {} }));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: assistantKeys.agents }),
  });
}

function Lifecycle({ agent }: { agent: AgentView }) {
  const action = useAgentAction(agent.id);
  const [changelog, setChangelog] = useState("");
  const unpublished = agent.currentVersion === null || agent.hasUnpublishedChanges;
  return (
    <section className="panel" aria-labelledby="lifecycle-title">
      <h2 id="lifecycle-title">Publish and availability</h2>
      <Form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          action.mutate({ changelog }, { onSuccess: () => setChangelog("") });
        }}
      >
        <TextField label="What changed" value={changelog} onChange={setChangelog} maxLength={2000} />
        <Button
          type="submit"
          variant="primary"
          isDisabled={!unpublished || agent.archived}
          isPending={action.isPending}
        >
          Publish a new version
        </Button>
      </Form>
      {!unpublished && <p className="muted small">The draft is the same as the published version.</p>}
      <div className="actions">
        {!agent.archived &&
          (agent.enabled ? (
            <Button onPress={() => action.mutate("disable")}>Disable</Button>
          ) : (
            <Button onPress={() => action.mutate("enable")}>Enable</Button>
          ))}
        {!agent.archived && (
          <Button variant="danger" onPress={() => action.mutate("archive")}>
            Archive
          </Button>
        )}
      </div>
      <ErrorNotice error={action.error} />
    </section>
  );
}

function Draft({ agent }: { agent: AgentView }) {
  const queryClient = useQueryClient();
  const [description, setDescription] = useState(agent.description ?? "");
  const [prompt, setPrompt] = useState(agent.prompt ?? "");
  useEffect(() => {
    setDescription(agent.description ?? "");
    setPrompt(agent.prompt ?? "");
  }, [agent.description, agent.prompt]);
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PATCH("/agents/{id}", {
          params: { path: { id: agent.id } },
          body: { description: description || null, prompt: prompt || null },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: assistantKeys.agents }),
  });
  return (
    <section className="panel" aria-labelledby="draft-title">
      <h2 id="draft-title">Draft</h2>
      <Form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <TextField label="Agent description" value={description} onChange={setDescription} maxLength={2000} />
        <TextAreaField label="Instructions" value={prompt} onChange={setPrompt} rows={6} />
        <Button type="submit" isPending={save.isPending} isDisabled={agent.archived}>
          Save draft
        </Button>
      </Form>
      <ErrorNotice error={save.error} />
      {save.isSuccess && (
        <p className="notice notice-info" role="status">
          Draft saved. Publish to make it the version people talk to.
        </p>
      )}
    </section>
  );
}
