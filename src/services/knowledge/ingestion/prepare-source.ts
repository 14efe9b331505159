import type { BlobStorage } from "../../../providers/storage/index.js";
import type { DocumentRow } from "../../../repositories/document.repository.js";
import type { KnowledgeBaseConfig } from "../bases/index.js";
import { type ExtractedDocument, ExtractionError, extractDocument } from "../sources/index.js";
import type { ChunkSource, TextChunk } from "./chunking.js";
import { chunkDocument } from "./chunking.js";
import { chunkTable } from "./chunking-table.js";

/** What a source turned into: its text (for the content hash), chunks and facts for the document row. */
export interface PreparedSource {
  text: string;
  chunks: TextChunk[];
  /** The type the content turned out to be (uploads are sniffed), when it differs from the row's. */
  type?: DocumentRow["type"] | undefined;
  metadata: Record<string, unknown>;
}

/** A crawled page as the crawl job stores it (the readable text and its sections, not raw HTML). */
export interface StoredPage {
  url: string;
  title?: string | undefined;
  text: string;
  sections: { headingPath: string[]; text: string }[];
}

function sourceOf(doc: ExtractedDocument): ChunkSource {
  if (doc.pages && doc.pages.length > 0) {
    return {
      kind: "sections",
      sections: doc.pages.map((p) => ({ headingPath: [], text: p.text, page: p.number })),
    };
  }
  if (doc.sections && doc.sections.length > 0) return { kind: "sections", sections: doc.sections };
  return { kind: "text", text: doc.text, markdown: doc.type === "md" };
}

function chunkOptions(config: KnowledgeBaseConfig) {
  return { chunkSize: config.chunkSize, overlap: config.chunkOverlap };
}

function tableChunks(
  header: readonly unknown[],
  rows: readonly (readonly unknown[])[],
  title: string,
  config: KnowledgeBaseConfig,
): TextChunk[] {
  return chunkTable(header, rows, config.tableRowsPerChunk, { chunkSize: config.chunkSize, title });
}

/**
 * Reads a document's source (the stored original, the freeform text, the table or the crawled page)
 * and chunks it with the knowledge base's settings. Extraction problems surface as ExtractionError.
 */
export async function prepareSource(
  row: DocumentRow,
  config: KnowledgeBaseConfig,
  storage: BlobStorage,
  signal: AbortSignal,
): Promise<PreparedSource> {
  switch (row.sourceKind) {
    case "freeform": {
      const text = row.content ?? "";
      if (!text.trim()) throw new ExtractionError("EMPTY", "The text is empty.");
      const body = text.trimStart().startsWith("#") ? text : `# ${row.title}\n\n${text}`;
      return {
        text,
        chunks: chunkDocument({ kind: "text", text: body, markdown: true }, chunkOptions(config)),
        metadata: {},
      };
    }
    case "table": {
      const table = row.tableData;
      if (!table || table.rows.length === 0) throw new ExtractionError("EMPTY", "The table has no rows.");
      const text = JSON.stringify(table);
      return {
        text,
        chunks: tableChunks(table.columns, table.rows, row.title, config),
        metadata: { columns: table.columns.length, rows: table.rows.length },
      };
    }
    case "web": {
      const page = row.storageKey
        ? (JSON.parse((await storage.get(row.storageKey)).toString("utf8")) as StoredPage)
        : { url: row.originalUrl ?? "", title: row.title, text: row.content ?? "", sections: [] };
      if (!page.text.trim()) throw new ExtractionError("EMPTY", "The page contains no text.");
      const source: ChunkSource =
        page.sections.length > 0
          ? { kind: "sections", sections: page.sections }
          : { kind: "text", text: page.text, markdown: false };
      return {
        text: page.text,
        chunks: chunkDocument(source, chunkOptions(config)),
        metadata: { url: page.url },
      };
    }
    default: {
      if (!row.storageKey) throw new ExtractionError("EMPTY", "The document has no stored file.");
      const data = await storage.get(row.storageKey);
      const doc = await extractDocument({
        filename: row.title,
        mediaType: row.mimeType ?? undefined,
        data,
        signal,
      });
      const chunks = doc.table
        ? tableChunks(doc.table.header, doc.table.rows, doc.title ?? row.title, config)
        : chunkDocument(sourceOf(doc), chunkOptions(config));
      return {
        text: doc.text,
        chunks,
        type: doc.type,
        metadata: { extraction: doc.metadata, extractedTitle: doc.title },
      };
    }
  }
}
