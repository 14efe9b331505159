import { useQuery } from "@tanstack/react-query";
import { MoreVertical, UserPlus } from "lucide-react";
import { useState } from "react";
import {
  Cell,
  Column,
  Menu,
  MenuItem,
  MenuTrigger,
  Popover,
  Row,
  Table,
  TableBody,
  TableHeader,
} from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Can } from "../../auth/Can";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { notify, notifyError } from "../../ui/notices";
import { Spinner } from "../../ui/Spinner";
import { type User, useAdminMutation, useDepartments } from "./admin-queries";
import { InviteDialog } from "./InviteDialog";
import { UserAccessDialog } from "./UserAccessDialog";
import "../../styles/admin.css";

const USERS = ["users", "list"] as const;

/**
 * People (GET /users, users:manage). The pattern for list pages: one query, the API's refusal shown
 * as it is (someone who opens this address without the permission reads why), a React Aria table;
 * each person's actions in a menu (access and overrides, transfer, deactivate or reactivate).
 */
export function PeoplePage() {
  const users = useQuery({
    queryKey: USERS,
    queryFn: async () => unwrap(await api.GET("/users", { params: { query: { pageSize: 100 } } })),
  });
  const departments = useDepartments(true);
  const departmentName = (id: string | null) => departments.data?.find((d) => d.id === id)?.name ?? "—";
  const [inviting, setInviting] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const setActive = useAdminMutation(
    async ({ user, active }: { user: User; active: boolean }) =>
      unwrap(
        active
          ? await api.POST("/users/{id}/reactivate", { params: { path: { id: user.id } } })
          : await api.POST("/users/{id}/deactivate", { params: { path: { id: user.id } } }),
      ),
    [USERS],
  );
  const toggle = (user: User) =>
    setActive.mutate(
      { user, active: !user.isActive },
      {
        onSuccess: (u) => notify(`${u.name ?? u.email} is ${u.isActive ? "active again" : "deactivated"}.`),
        onError: notifyError,
      },
    );
  return (
    <main className="page" id="main">
      <div className="admin-head">
        <h1>People</h1>
        <Can permission="users:manage">
          <Button variant="primary" onPress={() => setInviting(true)}>
            <UserPlus aria-hidden size={16} /> Invite someone
          </Button>
        </Can>
      </div>
      {users.isPending && <Spinner label="Loading people" />}
      <ErrorNotice error={users.error} />
      {users.data && (
        <div className="table-wrap">
          <Table aria-label="People" className="table">
            <TableHeader>
              <Column isRowHeader>Name</Column>
              <Column>Email</Column>
              <Column>Role</Column>
              <Column>Department</Column>
              <Column>Status</Column>
              <Column>
                <span className="visually-hidden">Actions</span>
              </Column>
            </TableHeader>
            <TableBody items={users.data.items}>
              {(user) => (
                <Row id={user.id}>
                  <Cell>{user.name ?? "—"}</Cell>
                  <Cell>{user.email}</Cell>
                  <Cell>{user.role}</Cell>
                  <Cell>{departmentName(user.departmentId)}</Cell>
                  <Cell>{user.isActive ? "Active" : "Deactivated"}</Cell>
                  <Cell>
                    <MenuTrigger>
                      <Button variant="ghost" aria-label={`Actions for ${user.name ?? user.email}`}>
                        <MoreVertical aria-hidden size={16} />
                      </Button>
                      <Popover placement="bottom end" className="popover">
                        <Menu
                          className="menu"
                          aria-label={`Actions for ${user.name ?? user.email}`}
                          onAction={(key) => (key === "access" ? setEditing(user) : toggle(user))}
                        >
                          <MenuItem id="access" className="menu-item">
                            Access, department and overrides…
                          </MenuItem>
                          <MenuItem id="toggle" className="menu-item">
                            {user.isActive ? "Deactivate" : "Reactivate"}
                          </MenuItem>
                        </Menu>
                      </Popover>
                    </MenuTrigger>
                  </Cell>
                </Row>
              )}
            </TableBody>
          </Table>
        </div>
      )}
      <InviteDialog isOpen={inviting} onClose={() => setInviting(false)} />
      {editing && <UserAccessDialog key={editing.id} user={editing} onClose={() => setEditing(null)} />}
    </main>
  );
}
