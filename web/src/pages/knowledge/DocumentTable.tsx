import { Link } from "@tanstack/react-router";
import { Cell, Column, Row, Table, TableBody, TableHeader } from "react-aria-components";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { Spinner } from "../../ui/Spinner";
import { useDocuments } from "./queries";
import { ProgressNote, StatusBadge } from "./StatusBadge";

/** The knowledge base's documents; the list refreshes itself while any is being ingested. */
export function DocumentTable({ knowledgeBaseId }: { knowledgeBaseId: string }) {
  const documents = useDocuments(knowledgeBaseId);
  if (documents.isPending) return <Spinner label="Loading documents" />;
  if (documents.error) return <ErrorNotice error={documents.error} />;
  const items = documents.data.items;
  const busy = items.filter((d) => d.status === "pending" || d.status === "processing").length;
  return (
    <section aria-labelledby="documents-title">
      <h2 id="documents-title">Documents</h2>
      <p className="muted" role="status">
        {items.length} documents{busy > 0 ? `, ${busy} being ingested` : ""}
      </p>
      {items.length > 0 && (
        <div className="table-wrap">
          <Table aria-label="Documents" className="table">
            <TableHeader>
              <Column isRowHeader>Title</Column>
              <Column>Type</Column>
              <Column>Status</Column>
              <Column>Chunks</Column>
            </TableHeader>
            <TableBody items={items}>
              {(doc) => (
                <Row id={doc.id}>
                  <Cell>
                    <Link to="/knowledge/documents/$documentId" params={{ documentId: doc.id }}>
                      {doc.title}
                    </Link>
                  </Cell>
                  <Cell>
                    {doc.type}
                    <span className="muted"> · {doc.sourceKind}</span>
                  </Cell>
                  <Cell>
                    <span className="status-cell">
                      <StatusBadge status={doc.status} />
                      <ProgressNote status={doc.status} progress={doc.progress} error={doc.error} />
                    </span>
                  </Cell>
                  <Cell>{doc.chunkCount}</Cell>
                </Row>
              )}
            </TableBody>
          </Table>
        </div>
      )}
    </section>
  );
}
