import type { Queryable } from "../../../db/client.js";
import type { JobQueue } from "../../../jobs/queue.js";
import type { BlobStorage } from "../../../providers/storage/index.js";
import type { DocumentRow } from "../../../repositories/document.repository.js";
import type { Repositories } from "../../../repositories/index.js";

/**
 * What the document service and the document sources (files, text, tables) share: their collaborators,
 * the API's view of a document and queueing its pipeline. A module of its own so that neither imports
 * the other (ADR 0010: no cycles).
 */

export interface DocumentDeps {
  repositories: Pick<Repositories, "documents" | "chunks" | "knowledgeBases" | "auditLogs">;
  queue: JobQueue;
  storage: BlobStorage;
  uploadMaxBytes: number;
}

/** A document as the API shows it: the row without its bulky source or its pipeline bookkeeping. */
export type DocumentView = Omit<DocumentRow, "content" | "tableData" | "sourceHash" | "ingestedRevision">;

export function toDocumentView(row: DocumentRow): DocumentView {
  const {
    content: _content,
    tableData: _table,
    sourceHash: _hash,
    ingestedRevision: _ingested,
    ...rest
  } = row;
  return rest;
}

/** Queues the pipeline for a document revision inside the caller's transaction. */
export function enqueueIngest(queue: JobQueue, tx: Queryable, doc: DocumentRow, revision: number) {
  return queue.enqueue(
    tx,
    "document.ingest",
    { documentId: doc.id, orgId: doc.orgId, revision },
    { dedupeKey: `document.ingest:${doc.id}:${revision}` },
  );
}
