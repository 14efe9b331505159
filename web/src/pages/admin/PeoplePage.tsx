import { useQuery } from "@tanstack/react-query";
import { Cell, Column, Row, Table, TableBody, TableHeader } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { Spinner } from "../../ui/Spinner";

/**
 * People (GET /users, users:manage). The pattern for list pages: one query, the API's refusal shown
 * as it is (someone who opens this address without the permission reads why), a React Aria table.
 */
export function PeoplePage() {
  const users = useQuery({
    queryKey: ["users", "list"],
    queryFn: async () => unwrap(await api.GET("/users", { params: { query: { pageSize: 100 } } })),
  });
  return (
    <main className="page" id="main">
      <h1>People</h1>
      {users.isPending && <Spinner label="Loading people" />}
      <ErrorNotice error={users.error} />
      {users.data && (
        <div className="table-wrap">
          <Table aria-label="People" className="table">
            <TableHeader>
              <Column isRowHeader>Name</Column>
              <Column>Email</Column>
              <Column>Role</Column>
              <Column>Status</Column>
            </TableHeader>
            <TableBody items={users.data.items}>
              {(user) => (
                <Row id={user.id}>
                  <Cell>{user.name ?? "—"}</Cell>
                  <Cell>{user.email}</Cell>
                  <Cell>{user.role}</Cell>
                  <Cell>{user.isActive ? "Active" : "Deactivated"}</Cell>
                </Row>
              )}
            </TableBody>
          </Table>
        </div>
      )}
    </main>
  );
}
