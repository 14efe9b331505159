import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Form } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Can } from "../../auth/Can";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { Spinner } from "../../ui/Spinner";
import { TextField } from "../../ui/TextField";
import { StatusBadge } from "../knowledge/StatusBadge";
import { DepartmentPicker, departmentOf } from "./DepartmentPicker";
import { assistantKeys, type ToolView, useBuiltinTools, useTools } from "./queries";
import { ToolTestCall } from "./ToolTestCall";

const names = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

/** Where the tool reaches: an HTTP URL, an MCP server URL or an operator's stdio server. */
function target(tool: ToolView): string {
  const config = tool.config;
  if (typeof config.url === "string")
    return `${typeof config.method === "string" ? `${config.method} ` : ""}${config.url}`;
  if (typeof config.server === "string") return `stdio server ${config.server}`;
  return "";
}

/** Registered HTTP and MCP tools (secrets named, never shown) and the built-in tools. */
export function ToolsPanel() {
  const tools = useTools();
  const builtins = useBuiltinTools();
  return (
    <div className="stack">
      <section aria-labelledby="tools-title">
        <h2 id="tools-title">HTTP and MCP tools</h2>
        {tools.isPending && <Spinner label="Loading tools" />}
        <ErrorNotice error={tools.error} />
        {tools.data?.items.length === 0 && <p className="muted">No tool registered yet.</p>}
        <ul className="cards" aria-label="Tools">
          {tools.data?.items.map((tool) => {
            const secrets = [...names(tool.config.secretNames), ...names(tool.config.envNames)];
            return (
              <li key={tool.id} className="card">
                <h3>{tool.name}</h3>
                <p className="status-cell">
                  <StatusBadge status={tool.kind} />
                  <StatusBadge status={tool.enabled ? "enabled" : "disabled"} />
                  {tool.requiresApproval && <StatusBadge status="needs approval" />}
                </p>
                {tool.description && <p>{tool.description}</p>}
                <p className="muted small source-url">{target(tool)}</p>
                <p className="small">
                  Secrets: {secrets.length === 0 ? "none" : secrets.map((name) => `${name} (set)`).join(", ")}
                </p>
                <Can permission="agents:manage">
                  <ToolTestCall tool={tool} />
                </Can>
              </li>
            );
          })}
        </ul>
      </section>
      <Can permission="agents:manage">
        <NewHttpTool />
      </Can>
      <section aria-labelledby="builtins-title">
        <h2 id="builtins-title">Built-in tools</h2>
        <ErrorNotice error={builtins.error} />
        <ul className="builtin-list">
          {builtins.data?.items.map((tool) => (
            <li key={tool.name}>
              <code>{tool.name}</code> <span className="muted">{tool.description}</span>
            </li>
          ))}
        </ul>
      </section>
      <p className="muted small">
        A test call runs a tool once under the rules of a conversation: the server&apos;s network policy, the
        tool&apos;s allowed hosts and time limit. Secrets never come back.
      </p>
    </div>
  );
}

function NewHttpTool() {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [department, setDepartment] = useState<string | null>(null);
  const [description, setDescription] = useState("");
  const [url, setUrl] = useState("");
  const [secret, setSecret] = useState("");
  const create = useMutation({
    mutationFn: async () => {
      const host = new URL(url).host;
      const secrets: Record<string, string> = secret ? { API_TOKEN: secret } : {};
      const headers: Record<string, string> = secret ? { authorization: "Bearer {{secret:API_TOKEN}}" } : {};
      const config = {
        url,
        method: "GET" as const,
        allowedHosts: [host],
        timeoutMs: 10_000,
        maxResponseBytes: 262_144,
        bodyFromInput: false,
        secrets,
        headers,
      };
      return unwrap(
        await api.POST("/tools", {
          body: { kind: "http", name, description, config, departmentId: departmentOf(department) },
        }),
      );
    },
    onSuccess: async () => {
      setName("");
      setDescription("");
      setUrl("");
      setSecret("");
      await queryClient.invalidateQueries({ queryKey: assistantKeys.tools });
    },
  });
  return (
    <section className="panel" aria-labelledby="new-tool-title">
      <h2 id="new-tool-title">New HTTP tool</h2>
      <Form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <TextField label="Tool name" value={name} onChange={setName} isRequired maxLength={64} />
        <DepartmentPicker value={department} onChange={setDepartment} />
        <TextField label="What it does" value={description} onChange={setDescription} maxLength={2000} />
        <TextField
          label="URL"
          type="url"
          description="Placeholders such as {{id}} are filled from the call's input."
          value={url}
          onChange={setUrl}
          isRequired
        />
        <TextField
          label="API token (optional)"
          type="password"
          autoComplete="off"
          description="Sent as a bearer token; stored sealed and never shown again."
          value={secret}
          onChange={setSecret}
        />
        <Button type="submit" variant="primary" isPending={create.isPending}>
          Create tool
        </Button>
      </Form>
      <ErrorNotice error={create.error} />
    </section>
  );
}
