/** The ingestion pipeline: a document's source → chunks → embeddings → synthetic questions → stored. */
export {
  createIngestService,
  type IngestFailureListener,
  type IngestOutcome,
  type IngestService,
} from "./ingest-document.js";
export { type PreparedSource, prepareSource, type StoredPage } from "./prepare-source.js";
export { createReembedService, type ReembedService } from "./reembed.js";
export { HeuristicQuestionGenerator, type QuestionGenerator } from "./synthetic-questions.js";
