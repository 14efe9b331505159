import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Cell, Column, Form, Row, Table, TableBody, TableHeader } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Can } from "../../auth/Can";
import { ago } from "../../lib/time";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { notify, notifyError } from "../../ui/notices";
import { Spinner } from "../../ui/Spinner";
import { TextField } from "../../ui/TextField";
import { AdminDialog } from "./AdminDialog";
import { useAdminMutation } from "./admin-queries";
import { PermissionChecks } from "./PermissionChecks";
import "../../styles/admin.css";

const KEYS = ["api-keys"] as const;

/** API keys (org:admin): each scoped to permissions; the key itself is shown once, at creation. */
export function ApiKeysPage() {
  const keys = useQuery({
    queryKey: KEYS,
    queryFn: async () =>
      unwrap(await api.GET("/api-keys", { params: { query: { pageSize: 100, includeRevoked: "true" } } }))
        .items,
  });
  const [creating, setCreating] = useState(false);
  const revoke = useAdminMutation(
    async (id: string) => unwrap(await api.DELETE("/api-keys/{id}", { params: { path: { id } } })),
    [KEYS],
  );
  return (
    <main className="page" id="main">
      <div className="admin-head">
        <h1>API keys</h1>
        <Can permission="org:admin">
          <Button variant="primary" onPress={() => setCreating(true)}>
            New API key
          </Button>
        </Can>
      </div>
      {keys.isPending && <Spinner label="Loading API keys" />}
      <ErrorNotice error={keys.error} />
      {keys.data && (
        <div className="table-wrap">
          <Table aria-label="API keys" className="table">
            <TableHeader>
              <Column isRowHeader>Name</Column>
              <Column>Key</Column>
              <Column>Permissions</Column>
              <Column>Status</Column>
              <Column>Last used</Column>
              <Column>
                <span className="visually-hidden">Actions</span>
              </Column>
            </TableHeader>
            <TableBody items={keys.data}>
              {(key) => (
                <Row id={key.id}>
                  <Cell>{key.name}</Cell>
                  <Cell>
                    <code>atr_{key.prefix}_…</code>
                  </Cell>
                  <Cell>{key.permissions.join(", ")}</Cell>
                  <Cell>{key.status}</Cell>
                  <Cell>{key.lastUsedAt ? ago(key.lastUsedAt) : "never"}</Cell>
                  <Cell>
                    {key.status === "active" && (
                      <Button
                        variant="danger"
                        aria-label={`Revoke ${key.name}`}
                        isPending={revoke.isPending && revoke.variables === key.id}
                        onPress={() =>
                          revoke.mutate(key.id, {
                            onSuccess: () => notify(`${key.name} revoked.`),
                            onError: notifyError,
                          })
                        }
                      >
                        Revoke
                      </Button>
                    )}
                  </Cell>
                </Row>
              )}
            </TableBody>
          </Table>
        </div>
      )}
      {creating && <NewKey onClose={() => setCreating(false)} />}
    </main>
  );
}

function NewKey({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState("");
  const [permissions, setPermissions] = useState<string[]>([]);
  const create = useAdminMutation(
    async () =>
      unwrap(
        await api.POST("/api-keys", {
          body: { name, permissions: permissions as never, allDepartments: true },
        }),
      ),
    [KEYS],
  );
  return (
    <AdminDialog title="New API key" isOpen onClose={onClose}>
      {create.data ? (
        <div className="stack">
          <p className="notice notice-info" role="status">
            Copy the key now: it is shown only once. Send it as the <code>x-api-key</code> header.
          </p>
          <code className="secret">{create.data.key}</code>
          <Button onPress={onClose}>Done</Button>
        </div>
      ) : (
        <Form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <TextField label="Name" value={name} onChange={setName} isRequired />
          <PermissionChecks label="Permissions" value={permissions} onChange={setPermissions} />
          <ErrorNotice error={create.error} />
          <Button
            type="submit"
            variant="primary"
            isPending={create.isPending}
            isDisabled={permissions.length === 0}
          >
            Create key
          </Button>
        </Form>
      )}
    </AdminDialog>
  );
}
