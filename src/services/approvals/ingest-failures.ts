import type { Logger } from "../../lib/logger.js";
import type { DocumentRow } from "../../repositories/document.repository.js";
import type { NotificationService } from "./notifications.js";

/** How much of the failure's message a notification keeps. */
const MESSAGE_LIMIT = 300;

/**
 * Tells of a document whose ingestion failed for good, through the notification centre (in the app,
 * and by e-mail for those who asked): its uploader, or, for a document nobody uploaded (a crawled
 * page, an uploader since removed), the department's knowledge managers (`kb:write` with its reach).
 * Never throws: the document already says it failed.
 */
export function ingestFailureNotifier(notifications: NotificationService, logger: Logger) {
  return async (doc: DocumentRow, message: string): Promise<void> => {
    try {
      const people = doc.uploadedById
        ? [doc.uploadedById]
        : await notifications.holdersOf(doc.orgId, doc.departmentId, "kb:write");
      const reason = message.length > MESSAGE_LIMIT ? `${message.slice(0, MESSAGE_LIMIT)}…` : message;
      await notifications.notify(doc.orgId, people, {
        type: "document.failed",
        title: `"${doc.title}" could not be added to the knowledge base`,
        body: reason,
        entityType: "document",
        entityId: doc.id,
      });
    } catch (error) {
      logger.warn({ err: error, documentId: doc.id }, "could not notify of a failed document");
    }
  };
}
