import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildZip, minimalDocx } from "../fixtures-builders/zip.js";
import type { Tenant } from "../http/identity-helpers.js";
import {
  call,
  createKnowledgeBase,
  drain,
  signUp,
  upload,
  useKnowledgeApp,
} from "../http/knowledge-helpers.js";

/**
 * Hostile uploads over HTTP, as multipart forms and as JSON with base64: file names that try to leave
 * blob storage, archives that unpack to far more than they weigh, bodies over the limits and files whose
 * bytes are not what their names say. Nothing may land outside the storage root, nothing may be
 * ingested, and every answer is below 500.
 */

const LIMIT = 256 * 1024;
const EIGHT_MIB_OF_ZEROS = Buffer.alloc(8 * 1024 * 1024);

describe("attack: hostile uploads", () => {
  const t = useKnowledgeApp({ ALLOW_SIGNUP: "true", UPLOAD_MAX_BYTES: String(LIMIT) });
  let tenant: Tenant;
  let kb: string;
  const storageRoot = () => resolve(t.context.container.config.dataDir, "files");

  beforeAll(async () => {
    tenant = await signUp(t);
    kb = await createKnowledgeBase(t, tenant.token, tenant.generalId);
  });

  const uploadJson = (filename: string, data: Buffer) =>
    call(t, "POST", `/knowledge-bases/${kb}/documents`, {
      token: tenant.token,
      body: { filename, contentBase64: data.toString("base64") },
    });
  const document = async (id: string) =>
    (await call(t, "GET", `/documents/${id}`, { token: tenant.token })).body as {
      status: string;
      error: string | null;
      title: string;
      chunkCount: number;
    };
  /** Every file under the storage root (relative paths). */
  const storedFiles = () =>
    existsSync(storageRoot())
      ? (readdirSync(storageRoot(), { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
          .filter((e) => e.isFile())
          .map((e) => join(e.parentPath, e.name))
      : [];

  describe("file names that try to leave blob storage", () => {
    const tag = randomBytes(4).toString("hex");
    const names: Array<[string, string]> = [
      ["relative traversal", `../../../../../../tmp/atrium-escape-${tag}-1.txt`],
      ["traversal to a system file", "../../etc/passwd.txt"],
      ["absolute path", `/tmp/atrium-escape-${tag}-2.txt`],
      ["Windows separators", `..\\..\\..\\..\\tmp\\atrium-escape-${tag}-3.txt`],
      ["Windows drive path", `C:\\Windows\\Temp\\atrium-escape-${tag}-4.txt`],
      ["URL-encoded traversal", `%2e%2e%2f%2e%2e%2fatrium-escape-${tag}-5.txt`],
      ["doubled dots", `....//....//atrium-escape-${tag}-6.txt`],
      ["a NUL byte before the extension", `notes\u0000-${tag}.txt`],
      ["a NUL byte hiding the real extension", `run-${tag}.sh\u0000.txt`],
      ["control characters and a line break", `line\r\nbreak-${tag}\u0007.txt`],
      ["a right-to-left override disguising the extension", `invoice-${tag}\u202Etxt.exe`],
      ["nothing but dots", ".."],
    ];

    it("control: a plain name is stored under the storage root with its bytes", async () => {
      const res = await upload(t, tenant.token, kb, "handbook.txt", "The handbook says hello.");
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.document.title).toBe("handbook.txt");
      const row = await t.context.container.repositories.documents.findById(res.body.document.id);
      const path = resolve(storageRoot(), row!.storageKey!);
      expect(readFileSync(path, "utf8")).toBe("The handbook says hello.");
    });

    it.each(names)(
      "%s: stored inside the root under a safe key, the name cleaned, or refused",
      async (_label, name) => {
        const before = new Set(storedFiles());
        for (const send of [
          () => upload(t, tenant.token, kb, name, `multipart body ${name}`),
          () => uploadJson(name, Buffer.from(`json body ${name}`)),
        ]) {
          const res = await send();
          expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.body.error.code).toBe("VALIDATION");
            continue;
          }
          // 200: the JSON upload replaced the multipart one filed under the same (cleaned) name.
          expect([200, 201]).toContain(res.status);
          const row = await t.context.container.repositories.documents.findById(res.body.document.id);
          const path = resolve(storageRoot(), row!.storageKey!);
          expect(path.startsWith(storageRoot() + sep), path).toBe(true);
          expect(existsSync(path)).toBe(true);
          // The name people see and the model cites carries no path and no control characters.
          expect(res.body.document.title).not.toMatch(/[/\\\p{Cc}\p{Cf}]/u);
          expect(res.body.document.title).not.toMatch(/^\.\.?$/);
          expect(res.body.document.title.length).toBeGreaterThan(0);
        }
        // Nothing appeared outside the root, and inside it only new objects under orgs/<org>/documents/.
        for (const n of [1, 2, 3, 4, 5, 6])
          expect(existsSync(`/tmp/atrium-escape-${tag}-${n}.txt`)).toBe(false);
        for (const file of storedFiles().filter((f) => !before.has(f))) {
          expect(file.startsWith(join(storageRoot(), "orgs", tenant.orgId, "documents") + sep), file).toBe(
            true,
          );
        }
      },
    );
  });

  describe("archives that unpack to far more than they weigh", () => {
    const bombs: Array<[string, string, Buffer, RegExp]> = [
      [
        "a DOCX whose directory declares gigabytes",
        "declared.docx",
        minimalDocx([{ name: "word/media/bomb.bin", data: "x", declaredSize: 0xfffffff0 }]),
        /would unpack to/,
      ],
      [
        "a DOCX with an honestly declared 8 MiB entry of zeros (ratio)",
        "ratio.docx",
        minimalDocx([{ name: "word/media/zeros.bin", data: EIGHT_MIB_OF_ZEROS }]),
        /times its compressed size/,
      ],
      [
        "a DOCX whose headers lie about the size",
        "liar.docx",
        minimalDocx([{ name: "word/media/liar.bin", data: EIGHT_MIB_OF_ZEROS, declaredSize: 1000 }]),
        /more than it declares/,
      ],
      [
        "a spreadsheet package named .docx",
        "sheet.docx",
        buildZip([
          { name: "[Content_Types].xml", data: "<Types/>" },
          { name: "xl/workbook.xml", data: "<workbook/>" },
          { name: "xl/worksheets/sheet1.xml", data: EIGHT_MIB_OF_ZEROS },
        ]),
        /times its compressed size|not .*Word|is a ZIP/i,
      ],
    ];

    it.each(bombs)(
      "%s: accepted small, then fails at ingestion with nothing indexed",
      async (_l, name, data, why) => {
        expect(data.length).toBeLessThan(LIMIT);
        const res = await upload(t, tenant.token, kb, name, data);
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        await drain(t);
        const doc = await document(res.body.document.id);
        expect(doc.status).toBe("failed");
        expect(doc.error).toMatch(why);
        expect(doc.chunkCount).toBe(0);
      },
    );

    it("control: the same minimal DOCX without the bomb is ingested", async () => {
      const res = await upload(t, tenant.token, kb, "fine.docx", minimalDocx([], "An ordinary Word file"));
      expect(res.status).toBe(201);
      await drain(t);
      const doc = await document(res.body.document.id);
      expect(doc.status, doc.error ?? "").toBe("ready");
      expect(doc.chunkCount).toBeGreaterThan(0);
    });

    it("spreadsheet and archive extensions are refused at the door", async () => {
      const zip = buildZip([{ name: "xl/workbook.xml", data: "<workbook/>" }]);
      for (const name of ["book.xlsx", "bundle.zip", "deck.pptx", "nested.docx.zip"]) {
        const res = await upload(t, tenant.token, kb, name, zip);
        expect(res.status, name).toBe(400);
        expect(res.body.error.code).toBe("VALIDATION");
      }
    });
  });

  describe("JSON uploads whose content is not base64", () => {
    const text = "The travel policy: economy class under six hours.";
    const encoded = Buffer.from(text).toString("base64");
    const rawUpload = (filename: string, contentBase64: string) =>
      call(t, "POST", `/knowledge-bases/${kb}/documents`, {
        token: tenant.token,
        body: { filename, contentBase64 },
      });
    const invalid: Array<[string, string]> = [
      ["plain text", "this is not base64 at all!"],
      ["a character outside the alphabet", `${encoded.slice(0, 8)}*${encoded.slice(9)}`],
      ["a data: URL instead of bare base64", `data:text/plain;base64,${encoded}`],
      ["the URL-safe alphabet", Buffer.from([0xfb, 0xff, 0xfe, 0x00]).toString("base64url")],
      ["missing padding", encoded.replace(/=+$/, "").slice(0, -1)],
      ["padding in the middle", `${encoded.slice(0, 4)}==${encoded.slice(4)}`],
      ["only padding", "===="],
      ["spaces inside", `${encoded.slice(0, 8)} ${encoded.slice(8)}`],
    ];

    it.each(invalid)("%s is refused with 400 and nothing is stored", async (_label, content) => {
      const before = storedFiles().length;
      const documentsBefore = (
        await call(t, "GET", `/knowledge-bases/${kb}/documents`, { token: tenant.token })
      ).body.total;
      const res = await rawUpload("garbled.txt", content);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION");
      expect(JSON.stringify(res.body.error)).toMatch(/base64/i);
      expect(storedFiles().length).toBe(before);
      const after = await call(t, "GET", `/knowledge-bases/${kb}/documents`, { token: tenant.token });
      expect(after.body.total).toBe(documentsBefore);
    });

    it("control: base64 wrapped at 76 columns (as `base64` prints it) is accepted and decoded", async () => {
      const long = `${text} `.repeat(10);
      const wrapped = Buffer.from(long).toString("base64").replace(/.{76}/g, "$&\n");
      const res = await rawUpload("wrapped.txt", wrapped);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const row = await t.context.container.repositories.documents.findById(res.body.document.id);
      expect(readFileSync(resolve(storageRoot(), row!.storageKey!), "utf8")).toBe(long);
    });
  });

  describe("bodies over the limits", () => {
    it("a multipart file over UPLOAD_MAX_BYTES is refused and leaves no document and no stored file", async () => {
      const before = storedFiles().length;
      const documentsBefore = (
        await call(t, "GET", `/knowledge-bases/${kb}/documents`, { token: tenant.token })
      ).body.total;
      const res = await upload(t, tenant.token, kb, "huge.txt", Buffer.alloc(LIMIT + 1, 97));
      // 413 PAYLOAD_TOO_LARGE: not worth retrying as is (it answered 429 LIMIT_EXCEEDED before).
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe("PAYLOAD_TOO_LARGE");
      expect(storedFiles().length).toBe(before);
      const after = await call(t, "GET", `/knowledge-bases/${kb}/documents`, { token: tenant.token });
      expect(after.body.total).toBe(documentsBefore);
    });

    it("a base64 upload over the limit is refused, below or above the request body limit", async () => {
      const justOver = await uploadJson("over.txt", Buffer.alloc(LIMIT + 1, 97));
      expect(justOver.status).toBe(413);
      expect(justOver.body.error.code).toBe("PAYLOAD_TOO_LARGE");
      const farOver = await uploadJson("far-over.txt", Buffer.alloc(LIMIT * 2, 97));
      expect(farOver.status).toBe(413);
      expect(farOver.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    });

    it("a JSON body over the API's 1 MiB limit is 413 on an ordinary route", async () => {
      const res = await t.app.inject({
        method: "POST",
        url: "/departments",
        headers: { authorization: `Bearer ${tenant.token}`, "content-type": "application/json" },
        payload: JSON.stringify({ name: "Big", slug: "big", description: "x".repeat(1_100_000) }),
      });
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe("PAYLOAD_TOO_LARGE");
    });
  });

  describe("bytes that are not what the name says", () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
    const mismatches: Array<[string, string, Buffer]> = [
      ["a PNG named .pdf", "report.pdf", png],
      [
        "a Windows executable named .png",
        "photo.png",
        Buffer.concat([Buffer.from("MZ\x90\x00", "latin1"), Buffer.alloc(64)]),
      ],
      ["a ZIP named .csv", "data.csv", buildZip([{ name: "a.txt", data: "a" }])],
      [
        "a PDF named .txt",
        "readme.txt",
        Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n", "latin1"),
      ],
      [
        "an ELF binary named .md",
        "notes.md",
        Buffer.concat([Buffer.from("\x7fELF\x02\x01\x01", "latin1"), Buffer.alloc(64)]),
      ],
    ];

    it.each(mismatches)("%s fails at ingestion and indexes nothing", async (_label, name, data) => {
      const res = await upload(t, tenant.token, kb, name, data);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      await drain(t);
      const doc = await document(res.body.document.id);
      expect(doc.status).toBe("failed");
      expect(doc.error).toMatch(/named|content|not|binary/i);
      expect(doc.chunkCount).toBe(0);
    });
  });
});
