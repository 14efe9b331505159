import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ExtractInput,
  ExtractionError,
  extractDocument,
  extractionErrorCodes,
} from "../../src/services/knowledge/sources/extract/index.js";
import { encryptedPdf, handbookDocx, pagedPdf } from "../fixtures-builders/office.js";
import { buildZip, minimalDocx } from "../fixtures-builders/zip.js";

async function failure(input: ExtractInput): Promise<ExtractionError> {
  try {
    await extractDocument(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ExtractionError);
    return error as ExtractionError;
  }
  throw new Error(`expected ${input.filename} to fail`);
}

const EIGHT_MIB_OF_ZEROS = Buffer.alloc(8 * 1024 * 1024);

describe("extractDocument refuses malicious and unreadable files with a clear error", () => {
  it("a minimal hand-written DOCX is read (the zip fixtures below differ from it only by the bomb)", async () => {
    const document = await extractDocument({ filename: "min.docx", data: minimalDocx() });
    expect(document.text).toBe("Hello from a minimal document");
  });

  it("a DOCX whose directory declares gigabytes is refused before inflating anything", async () => {
    const data = minimalDocx([{ name: "word/media/bomb.bin", data: "x", declaredSize: 0xfffffff0 }]);
    const error = await failure({ filename: "bomb.docx", data });
    expect(error.code).toBe("ZIP_BOMB");
    expect(error.message).toMatch(/^The file was refused because it would unpack to /);
  });

  it("a DOCX with an honestly declared, extremely compressible entry is refused by its ratio", async () => {
    const data = minimalDocx([{ name: "word/media/zeros.bin", data: EIGHT_MIB_OF_ZEROS }]);
    expect(data.length).toBeLessThan(64 * 1024);
    const error = await failure({ filename: "ratio.docx", data });
    expect(error.code).toBe("ZIP_BOMB");
    expect(error.message).toMatch(/times its compressed size/);
  });

  it("a DOCX whose headers lie about the size is stopped while inflating, at the declared size", async () => {
    const data = minimalDocx([{ name: "word/media/liar.bin", data: EIGHT_MIB_OF_ZEROS, declaredSize: 1000 }]);
    const error = await failure({ filename: "liar.docx", data });
    expect(error.code).toBe("ZIP_BOMB");
    expect(error.message).toMatch(/more than it declares/);
  });

  it("a DOCX with more entries than allowed, and a ZIP that is not a Word document, are refused", async () => {
    const many = minimalDocx([{ name: "a.xml", data: "<a/>" }]);
    expect((await failure({ filename: "m.docx", data: many, limits: { zip: { maxEntries: 3 } } })).code).toBe(
      "ZIP_BOMB",
    );
    const notWord = buildZip([{ name: "xl/workbook.xml", data: "<workbook/>" }]);
    const error = await failure({ filename: "sheet.docx", data: notWord });
    expect(error.code).toBe("TYPE_MISMATCH");
  });

  it("a .pdf that is really a ZIP, a .docx that is text and a .csv that is an image fail as TYPE_MISMATCH", async () => {
    const zipAsPdf = await failure({ filename: "report.pdf", data: await handbookDocx() });
    expect(zipAsPdf.code).toBe("TYPE_MISMATCH");
    expect(zipAsPdf.message).toBe(
      'The file is named ".pdf" but its content is a ZIP archive. Check that it was saved in the right format.',
    );
    expect((await failure({ filename: "notes.docx", data: Buffer.from("just text") })).code).toBe(
      "TYPE_MISMATCH",
    );
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    expect((await failure({ filename: "data.csv", data: png })).code).toBe("TYPE_MISMATCH");
    const pdfAsText = await failure({ filename: "readme.txt", data: await pagedPdf(["x"]) });
    expect(pdfAsText.code).toBe("TYPE_MISMATCH");
  });

  it("unknown extensions and unknown content are UNSUPPORTED_TYPE", async () => {
    expect((await failure({ filename: "setup.exe", data: Buffer.from("MZ\x90\x00") })).code).toBe(
      "UNSUPPORTED_TYPE",
    );
    const gif = Buffer.from("GIF89a\x01\x00\x01\x00", "latin1");
    const error = await failure({ filename: "blob", data: gif });
    expect(error.code).toBe("UNSUPPORTED_TYPE");
    expect(error.message).toContain("a GIF image");
  });

  it("an encrypted PDF fails with ENCRYPTED and says so", async () => {
    const error = await failure({ filename: "locked.pdf", data: encryptedPdf() });
    expect(error.code).toBe("ENCRYPTED");
    expect(error.message).toMatch(/encrypted PDF is not supported/i);
  });

  it("a damaged PDF is CORRUPT, a PDF without a text layer is EMPTY", async () => {
    const damaged = await failure({ filename: "broken.pdf", data: Buffer.from("%PDF-1.7\n1 0 obj garbage") });
    expect(damaged.code).toBe("CORRUPT");
    expect(damaged.message).not.toMatch(/Exception|stack/);
    expect((await failure({ filename: "scan.pdf", data: await pagedPdf([]) })).code).toBe("EMPTY");
  });

  it("a broken CSV quote is CORRUPT with the line, and an empty file is EMPTY", async () => {
    const error = await failure({ filename: "bad.csv", data: Buffer.from('a,b\n1,"unterminated\n2,3\n') });
    expect(error.code).toBe("CORRUPT");
    expect(error.message).toMatch(/CSV file could not be parsed/);
    expect((await failure({ filename: "empty.txt", data: Buffer.alloc(0) })).code).toBe("EMPTY");
    expect((await failure({ filename: "blank.md", data: Buffer.from("  \n\n ") })).code).toBe("EMPTY");
  });

  it("limits on bytes, pages and characters fail with TOO_LARGE", async () => {
    const big = await failure({
      filename: "a.txt",
      data: Buffer.alloc(2048, 97),
      limits: { maxBytes: 1024 },
    });
    expect(big.code).toBe("TOO_LARGE");
    const pdf = await pagedPdf(["one", "two", "three"]);
    const pages = await failure({ filename: "long.pdf", data: pdf, limits: { maxPages: 2 } });
    expect(pages.code).toBe("TOO_LARGE");
    expect(pages.message).toBe("The PDF has 3 pages; the limit is 2.");
    const chars = await failure({
      filename: "a.md",
      data: Buffer.from("word ".repeat(300)),
      limits: { maxChars: 1000 },
    });
    expect(chars.code).toBe("TOO_LARGE");
  });

  it("never rejects with anything but an ExtractionError, whatever the bytes and the name", async () => {
    const names = ["x.pdf", "x.docx", "x.txt", "x.md", "x.html", "x.csv", "x.tsv", "x.png", "x.bin", "noext"];
    const seeds = [await pagedPdf(["seed"]), minimalDocx(), Buffer.from("a,b\n1,2")];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names),
        fc.constantFrom(...seeds),
        fc.uint8Array({ maxLength: 64 }),
        fc.nat(),
        async (filename, seed, noise, at) => {
          // Corrupt a real file at a random position: the interesting failures are near-valid files.
          const data = Buffer.from(seed);
          Buffer.from(noise).copy(data, at % data.length);
          try {
            await extractDocument({
              filename,
              data,
              limits: { timeoutMs: 10_000 },
              ocr: { env: { PATH: "/nonexistent" } },
            });
          } catch (error) {
            expect(error).toBeInstanceOf(ExtractionError);
            expect(extractionErrorCodes).toContain((error as ExtractionError).code);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
