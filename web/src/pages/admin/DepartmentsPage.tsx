import { useState } from "react";
import { Cell, Column, Form, Row, Table, TableBody, TableHeader } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Can } from "../../auth/Can";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { notify, notifyError } from "../../ui/notices";
import { Spinner } from "../../ui/Spinner";
import { TextField } from "../../ui/TextField";
import { AdminDialog } from "./AdminDialog";
import { type Department, useAdminMutation, useDepartments } from "./admin-queries";
import "../../styles/admin.css";

const DEPARTMENTS = ["departments"] as const;
const slugOf = (name: string) =>
  name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/** Departments (departments:manage to change them): create, archive and bring back. */
export function DepartmentsPage() {
  const departments = useDepartments(true);
  const [creating, setCreating] = useState(false);
  const archive = useAdminMutation(
    async ({ department, archived }: { department: Department; archived: boolean }) =>
      unwrap(
        archived
          ? await api.POST("/departments/{id}/archive", { params: { path: { id: department.id } } })
          : await api.POST("/departments/{id}/unarchive", { params: { path: { id: department.id } } }),
      ),
    [DEPARTMENTS],
  );
  const toggle = (department: Department) =>
    archive.mutate(
      { department, archived: !department.isArchived },
      {
        onSuccess: (d) => notify(`${d.name} is ${d.isArchived ? "archived" : "active again"}.`),
        onError: notifyError,
      },
    );
  return (
    <main className="page" id="main">
      <div className="admin-head">
        <h1>Departments</h1>
        <Can permission="departments:manage">
          <Button variant="primary" onPress={() => setCreating(true)}>
            New department
          </Button>
        </Can>
      </div>
      {departments.isPending && <Spinner label="Loading departments" />}
      <ErrorNotice error={departments.error} />
      {departments.data && (
        <div className="table-wrap">
          <Table aria-label="Departments" className="table">
            <TableHeader>
              <Column isRowHeader>Name</Column>
              <Column>Slug</Column>
              <Column>Status</Column>
              <Column>
                <span className="visually-hidden">Actions</span>
              </Column>
            </TableHeader>
            <TableBody items={departments.data}>
              {(d) => (
                <Row id={d.id}>
                  <Cell>{d.name}</Cell>
                  <Cell>{d.slug}</Cell>
                  <Cell>{d.isArchived ? "Archived" : "Active"}</Cell>
                  <Cell>
                    <Can permission="departments:manage">
                      <Button
                        variant={d.isArchived ? "secondary" : "danger"}
                        aria-label={`${d.isArchived ? "Unarchive" : "Archive"} ${d.name}`}
                        onPress={() => toggle(d)}
                      >
                        {d.isArchived ? "Unarchive" : "Archive"}
                      </Button>
                    </Can>
                  </Cell>
                </Row>
              )}
            </TableBody>
          </Table>
        </div>
      )}
      <NewDepartment isOpen={creating} onClose={() => setCreating(false)} />
    </main>
  );
}

function NewDepartment({ isOpen, onClose }: { isOpen: boolean; onClose: () => void }) {
  const [name, setName] = useState("");
  const create = useAdminMutation(
    async () => unwrap(await api.POST("/departments", { body: { name, slug: slugOf(name) } })),
    [DEPARTMENTS],
  );
  return (
    <AdminDialog title="New department" isOpen={isOpen} onClose={onClose}>
      <Form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(undefined, {
            onSuccess: (d) => {
              notify(`${d.name} created.`);
              setName("");
              onClose();
            },
          });
        }}
      >
        <TextField label="Name" value={name} onChange={setName} isRequired />
        <ErrorNotice error={create.error} />
        <Button type="submit" variant="primary" isPending={create.isPending}>
          Create
        </Button>
      </Form>
    </AdminDialog>
  );
}
