import { useMutation, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { useState } from "react";
import { Form } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { useCan } from "../../auth/me";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { SelectField } from "../../ui/form-fields";
import { Spinner } from "../../ui/Spinner";
import { TextField } from "../../ui/TextField";
import { StatusBadge } from "../knowledge/StatusBadge";
import { ApprovalPolicyPanel } from "./ApprovalPolicyPanel";
import { credentialIsSet, withValue } from "./plugin-config";
import { assistantKeys, type PluginList, useNamespace, usePlugins } from "./queries";
import { TrustPanel } from "./TrustPanel";
import "../../styles/knowledge.css";

const route = getRouteApi("/app/assistants/namespaces/$namespaceId");

/** A namespace and its plugins; credentials are shown only as set or not set, never their value. */
export function NamespacePage() {
  const { namespaceId } = route.useParams();
  const ns = useNamespace(namespaceId);
  const plugins = usePlugins(namespaceId);
  const canManage = useCan("agents:manage");
  return (
    <main className="page" id="main">
      <p className="breadcrumb">
        <Link to="/assistants">Assistants</Link>
      </p>
      {ns.isPending && <Spinner label="Loading the namespace" />}
      <ErrorNotice error={ns.error ?? plugins.error} />
      {ns.data && (
        <>
          <h1>{ns.data.name}</h1>
          {ns.data.description && <p className="muted">{ns.data.description}</p>}
          <dl className="facts">
            <div>
              <dt>State</dt>
              <dd>
                <StatusBadge status={ns.data.isActive ? "active" : "inactive"} />
              </dd>
            </div>
            <div>
              <dt>Personal data</dt>
              <dd>{ns.data.piiPolicy}</dd>
            </div>
            <div>
              <dt>Slug</dt>
              <dd>{ns.data.slug}</dd>
            </div>
          </dl>
        </>
      )}
      <section aria-labelledby="plugins-title">
        <h2 id="plugins-title">Plugins</h2>
        {plugins.data && (
          <ul className="cards" aria-label="Plugins">
            {plugins.data.available.map((available) => (
              <PluginCard
                key={available.id}
                namespaceId={namespaceId}
                available={available}
                configured={plugins.data.items.find((p) => p.pluginId === available.id)}
              />
            ))}
          </ul>
        )}
      </section>
      {canManage && <ApprovalPolicyPanel namespaceId={namespaceId} />}
      {canManage && <TrustPanel namespaceId={namespaceId} />}
    </main>
  );
}

function PluginCard({
  namespaceId,
  available,
  configured,
}: {
  namespaceId: string;
  available: PluginList["available"][number];
  configured: PluginList["items"][number] | undefined;
}) {
  const queryClient = useQueryClient();
  const canManage = useCan("agents:manage");
  const config = configured?.config ?? {};
  const settable = available.credentials.filter((path) => !path.includes("*"));
  const [path, setPath] = useState<string | null>(settable[0] ?? null);
  const [value, setValue] = useState("");
  const put = useMutation({
    mutationFn: async (body: { enabled?: boolean; config?: Record<string, unknown> }) =>
      unwrap(
        await api.PUT("/namespaces/{id}/plugins/{pluginId}", {
          params: { path: { id: namespaceId, pluginId: available.id } },
          body,
        }),
      ),
    onSuccess: async () => {
      setValue("");
      await queryClient.invalidateQueries({ queryKey: assistantKeys.plugins(namespaceId) });
    },
  });
  const state = configured ? (configured.enabled ? "enabled" : "disabled") : "not added";
  return (
    <li className="card">
      <h3>{available.id}</h3>
      <p className="muted small">{available.description}</p>
      <p>
        <StatusBadge status={state} />
      </p>
      <ul className="credentials" aria-label={`Credentials of ${available.id}`}>
        {available.credentials.map((credential) => (
          <li key={credential}>
            <code>{credential}</code>: {credentialIsSet(config, credential) ? "set" : "not set"}
          </li>
        ))}
      </ul>
      {canManage && (
        <>
          <Button
            onPress={() => put.mutate({ enabled: !(configured?.enabled ?? false) })}
            isPending={put.isPending && put.variables.config === undefined}
          >
            {configured?.enabled ? `Disable ${available.id}` : `Enable ${available.id}`}
          </Button>
          {path && (
            <Form
              className="stack"
              onSubmit={(event) => {
                event.preventDefault();
                put.mutate({ enabled: configured?.enabled ?? false, config: withValue(config, path, value) });
              }}
            >
              <SelectField
                label={`${available.id} credential`}
                choices={settable.map((id) => ({ id, label: id }))}
                value={path}
                onChange={setPath}
              />
              <TextField
                label={`New value for ${available.id} ${path}`}
                type="password"
                autoComplete="off"
                value={value}
                onChange={setValue}
                isRequired
              />
              <Button type="submit" isPending={put.isPending && put.variables.config !== undefined}>
                Save credential
              </Button>
            </Form>
          )}
          <ErrorNotice error={put.error} />
        </>
      )}
    </li>
  );
}
