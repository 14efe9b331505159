import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import {
  Cell,
  Checkbox,
  CheckboxGroup,
  Column,
  Form,
  Label,
  Row,
  Table,
  TableBody,
  TableHeader,
} from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { ResponseOf } from "../../api/types";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { notify, notifyError } from "../../ui/notices";
import { Spinner } from "../../ui/Spinner";
import { TextField } from "../../ui/TextField";
import { AdminDialog } from "./AdminDialog";
import { useAdminMutation } from "./admin-queries";
import "../../styles/admin.css";

type ApproverGroup = ResponseOf<"/approver-groups/{id}", "get">;

const GROUPS = ["approver-groups"] as const;

function usePeople() {
  return useQuery({
    queryKey: ["users", "list", "approver-groups"],
    queryFn: async () =>
      unwrap(await api.GET("/users", { params: { query: { pageSize: 100 } } })).items.filter(
        (u) => u.isActive,
      ),
    staleTime: 30_000,
  });
}

/**
 * Approver groups (agents:manage): named sets of people a namespace's approval policy may name, so
 * only they review its held replies. A group a policy still names cannot be deleted.
 */
export function ApproverGroupsPage() {
  const groups = useQuery({
    queryKey: GROUPS,
    queryFn: async () => unwrap(await api.GET("/approver-groups")).items,
  });
  const people = usePeople();
  const nameOf = (id: string) => {
    const person = people.data?.find((u) => u.id === id);
    return person ? (person.name ?? person.email) : "someone you cannot see";
  };
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<ApproverGroup | null>(null);
  const remove = useAdminMutation(
    async (group: ApproverGroup) =>
      unwrap(await api.DELETE("/approver-groups/{id}", { params: { path: { id: group.id } } })),
    [GROUPS],
  );
  return (
    <main className="page" id="main">
      <div className="admin-head">
        <h1>Approver groups</h1>
        <Button variant="primary" onPress={() => setCreating(true)}>
          New group
        </Button>
      </div>
      <p className="muted">
        A namespace&apos;s approval policy may name a group: then only its members who may decide approvals
        review that namespace&apos;s held replies.
      </p>
      {groups.isPending && <Spinner label="Loading approver groups" />}
      <ErrorNotice error={groups.error} />
      {groups.data && (
        <div className="table-wrap">
          <Table aria-label="Approver groups" className="table">
            <TableHeader>
              <Column isRowHeader>Name</Column>
              <Column>Members</Column>
              <Column>
                <span className="visually-hidden">Actions</span>
              </Column>
            </TableHeader>
            <TableBody items={groups.data} renderEmptyState={() => "No approver groups yet."}>
              {(g) => (
                <Row id={g.id}>
                  <Cell>{g.name}</Cell>
                  <Cell>{g.memberIds.length === 0 ? "—" : g.memberIds.map(nameOf).join(", ")}</Cell>
                  <Cell>
                    <Button
                      variant="secondary"
                      aria-label={`Members of ${g.name}`}
                      onPress={() => setEditing(g)}
                    >
                      Members
                    </Button>{" "}
                    <Button
                      variant="danger"
                      aria-label={`Delete ${g.name}`}
                      onPress={() =>
                        remove.mutate(g, {
                          onSuccess: () => notify(`${g.name} deleted.`),
                          onError: notifyError,
                        })
                      }
                    >
                      Delete
                    </Button>
                  </Cell>
                </Row>
              )}
            </TableBody>
          </Table>
        </div>
      )}
      <NewGroup isOpen={creating} onClose={() => setCreating(false)} />
      {editing && <EditMembers group={editing} onClose={() => setEditing(null)} />}
    </main>
  );
}

function MemberChoices({ value, onChange }: { value: string[]; onChange: (ids: string[]) => void }) {
  const people = usePeople();
  return (
    <CheckboxGroup className="field checks" value={value} onChange={onChange}>
      <Label>Members</Label>
      {(people.data ?? []).map((u) => (
        <Checkbox key={u.id} value={u.id} className="check">
          <span className="check-box" aria-hidden />
          <span>{u.name ?? u.email}</span>
        </Checkbox>
      ))}
    </CheckboxGroup>
  );
}

/** Adds and removes members of an existing group: only the difference is sent (PATCH). */
function EditMembers({ group, onClose }: { group: ApproverGroup; onClose: () => void }) {
  const [memberIds, setMemberIds] = useState<string[]>(group.memberIds);
  const addMemberIds = memberIds.filter((id) => !group.memberIds.includes(id));
  const removeMemberIds = group.memberIds.filter((id) => !memberIds.includes(id));
  const update = useAdminMutation(
    async () =>
      unwrap(
        await api.PATCH("/approver-groups/{id}", {
          params: { path: { id: group.id } },
          body: { addMemberIds, removeMemberIds },
        }),
      ),
    [GROUPS],
  );
  const unchanged = addMemberIds.length === 0 && removeMemberIds.length === 0;
  return (
    <AdminDialog title={`Members of ${group.name}`} isOpen onClose={onClose}>
      <Form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          update.mutate(undefined, {
            onSuccess: (g) => {
              notify(`${g.name}: ${g.memberIds.length} member${g.memberIds.length === 1 ? "" : "s"}.`);
              onClose();
            },
          });
        }}
      >
        <MemberChoices value={memberIds} onChange={setMemberIds} />
        <ErrorNotice error={update.error} />
        <Button type="submit" variant="primary" isPending={update.isPending} isDisabled={unchanged}>
          Save members
        </Button>
      </Form>
    </AdminDialog>
  );
}

function NewGroup({ isOpen, onClose }: { isOpen: boolean; onClose: () => void }) {
  const [name, setName] = useState("");
  const [memberIds, setMemberIds] = useState<string[]>([]);
  const create = useAdminMutation(
    async () => unwrap(await api.POST("/approver-groups", { body: { name, memberIds } })),
    [GROUPS],
  );
  return (
    <AdminDialog title="New approver group" isOpen={isOpen} onClose={onClose}>
      <Form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(undefined, {
            onSuccess: (g) => {
              notify(`${g.name} created.`);
              setName("");
              setMemberIds([]);
              onClose();
            },
          });
        }}
      >
        <TextField label="Name" value={name} onChange={setName} isRequired />
        <MemberChoices value={memberIds} onChange={setMemberIds} />
        <ErrorNotice error={create.error} />
        <Button type="submit" variant="primary" isPending={create.isPending}>
          Create
        </Button>
      </Form>
    </AdminDialog>
  );
}
