/** Sources and extraction: documents as uploaded files, text and tables, and reading them into text. */
export {
  createDocumentService,
  type DocumentService,
  type DocumentView,
  enqueueIngest,
  toDocumentView,
} from "./document-service.js";
export { type Created, type TableInput, UPLOAD_TYPES, type UploadInput } from "./document-sources.js";
export {
  type ExtractedDocument,
  type ExtractedSection,
  ExtractionError,
  extractDocument,
  isExtractionError,
  readHtml,
} from "./extract/index.js";
export { collapseWhitespace, decodeText, metaCharset, normaliseText } from "./extract/text.js";
