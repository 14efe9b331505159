import { Link } from "@tanstack/react-router";
import { Cell, Column, Row, Table, TableBody, TableHeader } from "react-aria-components";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { Spinner } from "../../ui/Spinner";
import { StatusBadge } from "../knowledge/StatusBadge";
import { useNamespaces } from "./queries";

/** Department assistants (namespaces): their state and PII policy; each opens on its plugins. */
export function NamespacesPanel() {
  const namespaces = useNamespaces();
  return (
    <section aria-labelledby="namespaces-title">
      <h2 id="namespaces-title">Namespaces</h2>
      {namespaces.isPending && <Spinner label="Loading namespaces" />}
      <ErrorNotice error={namespaces.error} />
      {namespaces.data?.items.length === 0 && <p className="muted">No namespace yet.</p>}
      {namespaces.data && namespaces.data.items.length > 0 && (
        <div className="table-wrap">
          <Table aria-label="Namespaces" className="table">
            <TableHeader>
              <Column isRowHeader>Name</Column>
              <Column>Slug</Column>
              <Column>State</Column>
              <Column>Personal data</Column>
            </TableHeader>
            <TableBody items={namespaces.data.items}>
              {(ns) => (
                <Row id={ns.id}>
                  <Cell>
                    <Link to="/assistants/namespaces/$namespaceId" params={{ namespaceId: ns.id }}>
                      {ns.name}
                    </Link>
                  </Cell>
                  <Cell>{ns.slug}</Cell>
                  <Cell>
                    <StatusBadge status={ns.isActive ? "active" : "inactive"} />
                  </Cell>
                  <Cell>{ns.piiPolicy}</Cell>
                </Row>
              )}
            </TableBody>
          </Table>
        </div>
      )}
    </section>
  );
}
