import { extname } from "node:path";
import { withTransaction } from "../../../db/transaction.js";
import { AppError } from "../../../lib/errors.js";
import { sha256 } from "../../../lib/hash.js";
import { newId } from "../../../lib/ids.js";
import { blobKey } from "../../../providers/storage/index.js";
import type { DocumentRow } from "../../../repositories/document.repository.js";
import { recordAudit } from "../../audit/record-audit.js";
import type { ServiceContext } from "../../context.js";
import { loadKnowledgeBase } from "../bases/index.js";
import { type DocumentDeps, enqueueIngest, toDocumentView } from "./document-records.js";
import { extractDocument, isExtractionError } from "./extract/index.js";

/** Upload types Atrium reads (extension → document type); anything else is refused at the door. */
export const UPLOAD_TYPES: Record<string, DocumentRow["type"]> = {
  ".pdf": "pdf",
  ".docx": "docx",
  ".txt": "txt",
  ".text": "txt",
  ".md": "md",
  ".markdown": "md",
  ".html": "html",
  ".htm": "html",
  ".csv": "csv",
  ".tsv": "csv",
  ".png": "image",
  ".jpg": "image",
  ".jpeg": "image",
  ".tif": "image",
  ".tiff": "image",
  ".webp": "image",
};

/**
 * The name an uploaded file is filed under: its last path segment (either separator), without control
 * or bidirectional-override characters. Browsers send bare names; a path or a line break in one is an
 * attack on whoever reads it later (people, the model citing it, logs), never a place to store it.
 */
export function uploadedFileName(raw: string): string {
  const base = raw.split(/[/\\]/).at(-1) ?? "";
  // Cc: control characters (NUL, line breaks, escapes); Cf: format characters (bidi overrides, zero-width).
  const clean = base.replace(/[\p{Cc}\p{Cf}]/gu, "").trim();
  return clean === "" || clean === "." || clean === ".." ? "upload" : clean;
}

/** A folder path made of clean segments (no control characters, no "." or ".."), or "" for none. */
function cleanFolder(raw: string | undefined): string {
  return (raw ?? "")
    .split(/[/\\]/)
    .map((segment) => segment.replace(/[\p{Cc}\p{Cf}]/gu, "").trim())
    .filter((segment) => segment !== "" && segment !== "." && segment !== "..")
    .join("/");
}

export interface UploadInput {
  filename: string;
  /**
   * Where the file sat inside a folder the operator ingests (the CLI sets it; HTTP uploads never do),
   * kept in the title so files of the same name in different folders stay apart.
   */
  folder?: string | undefined;
  mimeType?: string | undefined;
  data: Buffer;
}

export interface TableInput {
  title: string;
  /** Header; required with `rows` given as arrays, taken from the first object's keys otherwise. */
  columns?: string[] | undefined;
  rows?: (unknown[] | Record<string, unknown>)[] | undefined;
  /** CSV (or TSV) text with a header line, instead of `columns`/`rows`. */
  csv?: string | undefined;
}

/** A document create answer: `created` false when the same source was already in the knowledge base. */
export type Created = { document: ReturnType<typeof toDocumentView>; created: boolean };

type NewDocument = Pick<DocumentRow, "title" | "type" | "sourceKind"> &
  Partial<
    Pick<
      DocumentRow,
      "mimeType" | "sizeBytes" | "content" | "tableData" | "storageKey" | "originalUrl" | "metadata"
    >
  >;

export function createDocumentSources(deps: DocumentDeps) {
  const r = deps.repositories;

  /**
   * Files a source in a knowledge base and queues its ingestion in the same transaction. The same
   * source (by hash) already in the base is returned as it is; a file uploaded again under the same
   * name with other bytes replaces that document's content (a new revision).
   */
  async function add(
    ctx: ServiceContext,
    knowledgeBaseId: string,
    values: NewDocument,
    sourceHash: string,
    store?: (id: string) => Promise<string>,
  ): Promise<Created> {
    const kb = await loadKnowledgeBase(r, ctx, knowledgeBaseId, { write: true });
    const same = await r.documents.findBySourceHash(kb.id, sourceHash, ctx.db);
    if (same) return { document: toDocumentView(same), created: false };
    const previous =
      values.sourceKind === "file"
        ? await r.documents.findFileByTitle(kb.id, values.title, ctx.db)
        : undefined;
    const id = previous?.id ?? newId();
    const storageKey = store ? await store(id) : undefined;
    try {
      return await withTransaction(ctx.db, async (tx) => {
        const revision = (previous?.revision ?? 0) + 1;
        const pipeline = { sourceHash, revision, progress: { stage: "queued" as const } };
        const common = {
          ...values,
          ...(storageKey ? { storageKey } : {}),
          status: "pending" as const,
          error: null,
        };
        const doc = previous
          ? (await r.documents.update(id, { ...common, ...pipeline }, tx))!
          : await r.documents.create(
              {
                id,
                orgId: ctx.orgId,
                departmentId: kb.departmentId,
                knowledgeBaseId: kb.id,
                uploadedById: ctx.actor.userId ?? null,
                ...common,
                ...pipeline,
              },
              tx,
            );
        await enqueueIngest(deps.queue, tx, doc, revision);
        await recordAudit(
          r,
          ctx,
          {
            action: previous ? "document.replaced" : "document.created",
            entityType: "document",
            entityId: doc.id,
            departmentId: doc.departmentId,
            changes: { title: doc.title, sourceKind: doc.sourceKind, knowledgeBaseId: kb.id, revision },
          },
          tx,
        );
        return { document: toDocumentView(doc), created: !previous };
      });
    } catch (error) {
      if (storageKey && !previous) await deps.storage.delete(storageKey).catch(() => undefined);
      throw error;
    }
  }

  return {
    async upload(ctx: ServiceContext, knowledgeBaseId: string, input: UploadInput): Promise<Created> {
      const filename = uploadedFileName(input.filename);
      const folder = cleanFolder(input.folder);
      const extension = extname(filename).toLowerCase();
      const type = UPLOAD_TYPES[extension];
      if (!type) {
        throw new AppError("VALIDATION", `Files of type "${extension || "(none)"}" cannot be added`, {
          allowed: Object.keys(UPLOAD_TYPES),
        });
      }
      if (input.data.length === 0) throw new AppError("VALIDATION", "The file is empty");
      if (input.data.length > deps.uploadMaxBytes) {
        throw new AppError(
          "PAYLOAD_TOO_LARGE",
          `The file is larger than the ${deps.uploadMaxBytes} byte limit`,
        );
      }
      const hash = sha256(input.data);
      const store = async (id: string) => {
        const key = blobKey("orgs", ctx.orgId, "documents", id, `${newId()}${extension}`);
        await deps.storage.put(key, input.data, { contentType: input.mimeType });
        return key;
      };
      return add(
        ctx,
        knowledgeBaseId,
        {
          title: folder ? `${folder}/${filename}` : filename,
          type,
          sourceKind: "file",
          mimeType: input.mimeType ?? null,
          sizeBytes: input.data.length,
        },
        `file:${hash}`,
        store,
      );
    },

    /**
     * Files a generated document (a template's rendered output) like an upload: stored, then extracted,
     * chunked and embedded by the pipeline, with `metadata.source = "document_generation"`.
     */
    async addGenerated(
      ctx: ServiceContext,
      knowledgeBaseId: string,
      input: UploadInput & { metadata: Record<string, unknown> },
    ): Promise<Created> {
      const filename = uploadedFileName(input.filename);
      const extension = extname(filename).toLowerCase();
      const type = UPLOAD_TYPES[extension];
      if (!type) throw new AppError("VALIDATION", `Files of type "${extension}" cannot be added`);
      const store = async (id: string) => {
        const key = blobKey("orgs", ctx.orgId, "documents", id, `${newId()}${extension}`);
        await deps.storage.put(key, input.data, { contentType: input.mimeType });
        return key;
      };
      return add(
        ctx,
        knowledgeBaseId,
        {
          title: filename,
          type,
          sourceKind: "generated",
          mimeType: input.mimeType ?? null,
          sizeBytes: input.data.length,
          metadata: { ...input.metadata, source: "document_generation" },
        },
        `generated:${sha256(input.data)}`,
        store,
      );
    },

    async addText(ctx: ServiceContext, knowledgeBaseId: string, input: { title: string; body: string }) {
      return add(
        ctx,
        knowledgeBaseId,
        {
          title: input.title,
          type: "text",
          sourceKind: "freeform",
          content: input.body,
          sizeBytes: input.body.length,
        },
        `text:${sha256(`${input.title}\u0000${input.body}`)}`,
      );
    },

    async addTable(ctx: ServiceContext, knowledgeBaseId: string, input: TableInput): Promise<Created> {
      const table = await tableOf(input);
      const tableData = { columns: table.columns, rows: table.rows };
      return add(
        ctx,
        knowledgeBaseId,
        { title: input.title, type: "table", sourceKind: "table", tableData },
        `table:${sha256(`${input.title}\u0000${JSON.stringify(tableData)}`)}`,
      );
    },
  };
}

async function tableOf(input: TableInput): Promise<{ columns: string[]; rows: unknown[][] }> {
  if (input.csv !== undefined) {
    if (input.rows || input.columns)
      throw new AppError("VALIDATION", "Send either csv or columns/rows, not both");
    const delimited = input.csv.split("\n", 1)[0]!.includes("\t") ? "table.tsv" : "table.csv";
    try {
      const doc = await extractDocument({ filename: delimited, data: Buffer.from(input.csv, "utf8") });
      if (!doc.table) throw new AppError("VALIDATION", "The CSV has no table");
      return { columns: doc.table.header, rows: doc.table.rows };
    } catch (error) {
      if (isExtractionError(error)) throw new AppError("VALIDATION", error.message);
      throw error;
    }
  }
  const rows = input.rows ?? [];
  if (rows.length === 0) throw new AppError("VALIDATION", "The table needs at least one row");
  const first = rows[0]!;
  const columns = input.columns ?? (Array.isArray(first) ? undefined : Object.keys(first));
  if (!columns || columns.length === 0)
    throw new AppError("VALIDATION", "Rows given as arrays need `columns`");
  return {
    columns,
    rows: rows.map((row) =>
      Array.isArray(row) ? columns.map((_, i) => row[i] ?? null) : columns.map((c) => row[c] ?? null),
    ),
  };
}
