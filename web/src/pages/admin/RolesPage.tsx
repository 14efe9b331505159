import { useState } from "react";
import { Form } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Can } from "../../auth/Can";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { notify } from "../../ui/notices";
import { Spinner } from "../../ui/Spinner";
import { TextField } from "../../ui/TextField";
import { AdminDialog } from "./AdminDialog";
import { useAdminMutation, usePermissionCatalogue, useRoles } from "./admin-queries";
import { PermissionChecks } from "./PermissionChecks";
import "../../styles/admin.css";

const slugOf = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/** Roles and what each allows, beside the permission catalogue; custom roles (roles:manage). */
export function RolesPage() {
  const roles = useRoles();
  const catalogue = usePermissionCatalogue();
  const [creating, setCreating] = useState(false);
  return (
    <main className="page" id="main">
      <div className="admin-head">
        <h1>Roles</h1>
        <Can permission="roles:manage">
          <Button variant="primary" onPress={() => setCreating(true)}>
            New role
          </Button>
        </Can>
      </div>
      {roles.isPending && <Spinner label="Loading roles" />}
      <ErrorNotice error={roles.error ?? catalogue.error} />
      <ul className="cards">
        {(roles.data ?? []).map((role) => (
          <li key={role.id} className="card">
            <h2>{role.name}</h2>
            <p className="muted">
              {role.description ?? ""} {role.isSystem ? "(built in)" : ""}
              {role.allDepartments ? " · every department" : ""}
            </p>
            <ul className="tags" aria-label={`Permissions of ${role.name}`}>
              {role.permissions.map((p) => (
                <li key={p}>
                  <code>{p}</code>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      <section aria-labelledby="catalogue-title" className="admin-section">
        <h2 id="catalogue-title">Permission catalogue</h2>
        <dl className="catalogue">
          {(catalogue.data ?? []).map((p) => (
            <div key={p.key}>
              <dt>
                <code>{p.key}</code>
              </dt>
              <dd>{p.description}</dd>
            </div>
          ))}
        </dl>
      </section>
      <NewRole isOpen={creating} onClose={() => setCreating(false)} />
    </main>
  );
}

function NewRole({ isOpen, onClose }: { isOpen: boolean; onClose: () => void }) {
  const [name, setName] = useState("");
  const [permissions, setPermissions] = useState<string[]>([]);
  const create = useAdminMutation(
    async () =>
      unwrap(
        await api.POST("/roles", {
          body: {
            name,
            slug: slugOf(name),
            permissions: permissions as never,
            allDepartments: false,
            departmentIds: [],
          },
        }),
      ),
    [["roles"]],
  );
  return (
    <AdminDialog title="New role" isOpen={isOpen} onClose={onClose}>
      <Form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(undefined, {
            onSuccess: (r) => {
              notify(`Role ${r.name} created.`);
              setName("");
              setPermissions([]);
              onClose();
            },
          });
        }}
      >
        <TextField label="Name" value={name} onChange={setName} isRequired />
        <PermissionChecks label="Permissions" value={permissions} onChange={setPermissions} />
        <ErrorNotice error={create.error} />
        <Button type="submit" variant="primary" isPending={create.isPending}>
          Create role
        </Button>
      </Form>
    </AdminDialog>
  );
}
