import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExtractionError, extractDocument } from "../../src/services/knowledge/sources/extract/index.js";
import { hugePngHeader, textPng } from "../fixtures-builders/text-png.js";

const tesseractInstalled = spawnSync("tesseract", ["--version"]).status === 0;
// CI installs tesseract-ocr (.ci/run), so there the OCR test must run, never skip.
const runOcr = tesseractInstalled || Boolean(process.env.CI);

async function failure(promise: Promise<unknown>): Promise<ExtractionError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ExtractionError);
  return error as ExtractionError;
}

describe("extractDocument: images through OCR", () => {
  it.runIf(runOcr)("reads the text of a PNG with tesseract", async () => {
    const data = textPng("ATRIUM HANDBOOK\nPAID LEAVE POLICY");
    const document = await extractDocument({ filename: "scan.png", data });
    expect(document.type).toBe("image");
    expect(document.mediaType).toBe("image/png");
    expect(document.text).toMatch(/ATRIUM/);
    expect(document.text).toMatch(/POLICY/);
    expect(document.metadata).toMatchObject({ ocr: { engine: "tesseract", languages: "eng" } });
  });

  it("fails with OCR_UNAVAILABLE when tesseract is not on the PATH", async () => {
    const data = textPng("ATRIUM");
    const error = await failure(
      extractDocument({ filename: "scan.png", data, ocr: { env: { PATH: "/nonexistent" } } }),
    );
    expect(error.code).toBe("OCR_UNAVAILABLE");
    expect(error.message).toMatch(/^OCR is unavailable: install tesseract-ocr/);
  });

  it("kills an OCR process that exceeds the time budget (TIMEOUT)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "atrium-ocr-"));
    const slow = join(dir, "slow-tesseract");
    writeFileSync(slow, "#!/bin/sh\nexec sleep 5\n");
    chmodSync(slow, 0o755);
    const started = Date.now();
    const error = await failure(
      extractDocument({
        filename: "scan.png",
        data: textPng("A"),
        ocr: { command: slow },
        limits: { timeoutMs: 300 },
      }),
    );
    expect(error.code).toBe("TIMEOUT");
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("refuses an image whose header declares a gigapixel canvas before decoding it", async () => {
    const error = await failure(
      extractDocument({ filename: "bomb.png", data: hugePngHeader(100_000, 100_000) }),
    );
    expect(error.code).toBe("TOO_LARGE");
    expect(error.message).toContain("100000×100000");
  });
});
