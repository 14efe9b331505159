import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Cell, Column, Form, Row, Table, TableBody, TableHeader } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { fullDate } from "../../lib/time";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { Spinner } from "../../ui/Spinner";
import { TextField } from "../../ui/TextField";
import "../../styles/admin.css";

interface Filters {
  action: string;
  entityType: string;
  from: string;
  to: string;
}
const EMPTY: Filters = { action: "", entityType: "", from: "", to: "" };

/** The filters as the API takes them: empty fields left out, days as the start of that day. */
function queryOf(f: Filters) {
  return {
    limit: 50,
    ...(f.action.trim() ? { action: f.action.trim() } : {}),
    ...(f.entityType.trim() ? { entityType: f.entityType.trim() } : {}),
    ...(f.from ? { from: new Date(`${f.from}T00:00:00`).toISOString() } : {}),
    // "to" is exclusive: the whole chosen day is included.
    ...(f.to ? { to: new Date(new Date(`${f.to}T00:00:00`).getTime() + 86_400_000).toISOString() } : {}),
  };
}

/** The audit log (audit:read), newest first, filtered by action, kind of thing and days. */
export function AuditPage() {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const log = useInfiniteQuery({
    queryKey: ["audit-logs", filters],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/audit-logs", {
          params: { query: { ...queryOf(filters), ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = log.data?.pages.flatMap((p) => p.items) ?? [];
  const set = (key: keyof Filters) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));
  return (
    <main className="page" id="main">
      <h1>Audit log</h1>
      <Form
        className="filters"
        aria-label="Filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <TextField
          label="Action"
          description="e.g. auth.login"
          value={draft.action}
          onChange={set("action")}
        />
        <TextField
          label="Kind"
          description="e.g. user"
          value={draft.entityType}
          onChange={set("entityType")}
        />
        <TextField label="From" type="date" value={draft.from} onChange={set("from")} />
        <TextField label="To" type="date" value={draft.to} onChange={set("to")} />
        <div className="filter-buttons">
          <Button type="submit" variant="primary">
            Filter
          </Button>
          <Button
            onPress={() => {
              setDraft(EMPTY);
              setFilters(EMPTY);
            }}
          >
            Clear
          </Button>
        </div>
      </Form>
      {log.isPending && <Spinner label="Loading the audit log" />}
      <ErrorNotice error={log.error} />
      {log.data && (
        <>
          <p className="muted" role="status">
            {rows.length === 0
              ? "No entries match."
              : `${rows.length} entries${log.hasNextPage ? " (more below)" : ""}`}
          </p>
          <div className="table-wrap">
            <Table aria-label="Audit log" className="table">
              <TableHeader>
                <Column isRowHeader>When</Column>
                <Column>Action</Column>
                <Column>Kind</Column>
                <Column>By</Column>
                <Column>Changes</Column>
              </TableHeader>
              <TableBody items={rows}>
                {(row) => (
                  <Row id={row.id}>
                    <Cell>{fullDate(row.createdAt)}</Cell>
                    <Cell>
                      <code>{row.action}</code>
                    </Cell>
                    <Cell>{row.entityType}</Cell>
                    <Cell>{row.actorType}</Cell>
                    <Cell>
                      <span className="changes">{row.changes ? JSON.stringify(row.changes) : ""}</span>
                    </Cell>
                  </Row>
                )}
              </TableBody>
            </Table>
          </div>
          {log.hasNextPage && (
            <Button onPress={() => void log.fetchNextPage()} isPending={log.isFetchingNextPage}>
              Load more
            </Button>
          )}
        </>
      )}
    </main>
  );
}
