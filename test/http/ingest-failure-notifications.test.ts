import { describe, expect, it } from "vitest";
import { encryptedPdf } from "../fixtures-builders/office.js";
import { useTestApp } from "../setup/container.js";
import { eventually } from "./chat-helpers.js";
import { addMember, CapturingMailer, call } from "./identity-helpers.js";
import { createKnowledgeBase, documentOf, signUp, testWorker, upload } from "./knowledge-helpers.js";

/** A document that fails ingestion tells its uploader through the notification centre (ADR 0008). */
describe("failed-ingestion notifications", () => {
  const mailer = new CapturingMailer();
  const t = useTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "1000" }, infra: { mailer } });

  const notes = async (token: string) =>
    (await call(t, "GET", "/notifications", { token })).body.items as {
      type: string;
      title: string;
      body: string | null;
      entityType: string;
      entityId: string;
      read: boolean;
    }[];

  it("notifies the uploader in the app and by e-mail when asked, and nobody else", async () => {
    const tenant = await signUp(t);
    const kb = await createKnowledgeBase(t, tenant.token, tenant.generalId);
    const colleague = await addMember(t, tenant.token, tenant.generalId, "employee", "Carl Colleague");
    const on = await call(t, "PUT", "/notifications/preferences", {
      token: tenant.token,
      body: { email: true },
    });
    expect(on.body).toEqual({ email: true });
    const before = mailer.sent.length;

    const locked = await upload(
      t,
      tenant.token,
      kb,
      "locked-payslips.pdf",
      encryptedPdf(),
      "application/pdf",
    );
    expect(locked.status, JSON.stringify(locked.body)).toBe(201);
    const good = await upload(t, tenant.token, kb, "notes.md", "# Notes\n\nThe printer is on floor two.");
    const documentId = locked.body.document.id as string;
    expect(await notes(tenant.token)).toEqual([]);

    // The worker runs as it does in production; the uploader polls the document until it failed.
    const worker = testWorker(t);
    const idle = worker.runUntilIdle({ includeDelayed: true, timeoutMs: 60_000 });
    const failed = await eventually(async () => {
      const doc = await documentOf(t, tenant.token, documentId);
      return doc.status === "failed" ? doc : undefined;
    }, 60_000);
    expect(failed.error).toMatch(/password|encrypted/i);
    await idle;

    const mine = await notes(tenant.token);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      type: "document.failed",
      entityType: "document",
      entityId: documentId,
      read: false,
    });
    expect(mine[0]!.title).toContain(failed.title);
    expect(mine[0]!.body).toMatch(/password|encrypted/i);
    expect((await call(t, "GET", "/notifications/unread-count", { token: tenant.token })).body).toEqual({
      unread: 1,
    });
    // The document that was ingested tells nobody; a colleague hears of nothing.
    expect((await documentOf(t, tenant.token, good.body.document.id)).status).toBe("ready");
    expect(await notes(colleague.token)).toEqual([]);

    // E-mail, as the uploader asked: once, to them.
    await expect.poll(() => mailer.sent.slice(before).map((m) => m.to)).toEqual([tenant.adminEmail]);
    expect(mailer.sent[before]!.subject).toContain("could not be added");

    // Ingesting it again fails again: told once more, once.
    const retried = await call(t, "POST", `/documents/${documentId}/reingest`, { token: tenant.token });
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    await testWorker(t).runUntilIdle({ includeDelayed: true, timeoutMs: 60_000 });
    expect((await notes(tenant.token)).filter((n) => n.entityId === documentId)).toHaveLength(2);
  });
});
