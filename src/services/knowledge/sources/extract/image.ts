import { spawn } from "node:child_process";
import { ExtractionError } from "./errors.js";
import { imageDimensions } from "./image-size.js";
import { assertWithinChars, normaliseText } from "./text.js";
import type { ExtractedDocument, ReaderContext } from "./types.js";

const DEFAULT_COMMAND = "tesseract";
const DEFAULT_LANGUAGES = "eng";
const UNAVAILABLE =
  "OCR is unavailable: install tesseract-ocr (Debian/Ubuntu: apt-get install tesseract-ocr).";

/**
 * Reads text from an image with the `tesseract` command: the image goes in on stdin and the text comes
 * back on stdout, no shell and no temporary files. The process is killed when the document's time
 * budget runs out or the extraction is cancelled.
 */
export async function readImage(
  data: Buffer,
  format: string,
  context: ReaderContext,
): Promise<ExtractedDocument> {
  const size = imageDimensions(data, format);
  if (size && size.width * size.height > context.limits.maxImagePixels) {
    throw new ExtractionError(
      "TOO_LARGE",
      `The image is ${size.width}×${size.height} pixels; the limit is ${context.limits.maxImagePixels.toLocaleString("en")} pixels.`,
    );
  }
  const languages = context.ocr.languages ?? DEFAULT_LANGUAGES;
  const output = await runTesseract(data, languages, context);
  const text = normaliseText(output);
  assertWithinChars(text.length, context.limits.maxChars);
  if (!text) throw new ExtractionError("EMPTY", "No text was recognised in the image.");
  return {
    type: "image",
    mediaType: `image/${format}`,
    text,
    metadata: { ocr: { engine: "tesseract", languages }, width: size?.width, height: size?.height },
  };
}

function runTesseract(data: Buffer, languages: string, context: ReaderContext): Promise<string> {
  const maxOutput = context.limits.maxChars * 4;
  return new Promise((resolve, reject) => {
    const child = spawn(
      context.ocr.command ?? DEFAULT_COMMAND,
      ["stdin", "stdout", "-l", languages, "--psm", "3"],
      { stdio: ["pipe", "pipe", "pipe"], env: context.ocr.env ?? process.env, shell: false },
    );
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = "";
    let failure: ExtractionError | undefined;
    const stop = (error: ExtractionError) => {
      failure ??= error;
      child.kill("SIGKILL");
    };
    const onAbort = () => {
      const reason: unknown = context.signal.reason;
      stop(
        reason instanceof ExtractionError
          ? reason
          : new ExtractionError("TIMEOUT", "Reading the image took too long."),
      );
    };
    if (context.signal.aborted) onAbort();
    context.signal.addEventListener("abort", onAbort, { once: true });

    child.stdout.on("data", (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxOutput)
        stop(new ExtractionError("TOO_LARGE", "The image contains more text than allowed."));
      else stdout.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString("utf8");
    });
    // The process may exit before reading all of stdin (bad image): that EPIPE is not the error to report.
    child.stdin.on("error", () => undefined);
    child.on("error", (error: NodeJS.ErrnoException) => {
      context.signal.removeEventListener("abort", onAbort);
      reject(
        error.code === "ENOENT" || error.code === "EACCES"
          ? new ExtractionError("OCR_UNAVAILABLE", UNAVAILABLE, { cause: error })
          : new ExtractionError("OCR_UNAVAILABLE", "OCR could not be started.", { cause: error }),
      );
    });
    child.on("close", (code) => {
      context.signal.removeEventListener("abort", onAbort);
      if (failure) return reject(failure);
      if (code === 0) return resolve(Buffer.concat(stdout).toString("utf8"));
      if (/Failed loading language|Error opening data file/i.test(stderr)) {
        return reject(
          new ExtractionError(
            "OCR_UNAVAILABLE",
            `OCR is unavailable for language "${languages}": install its tesseract language data (e.g. tesseract-ocr-${languages.split("+")[0]}).`,
          ),
        );
      }
      reject(
        new ExtractionError(
          "CORRUPT",
          "The image could not be read: the file is damaged or in an unsupported variant.",
          {
            cause: new Error(stderr.trim().slice(0, 500)),
          },
        ),
      );
    });
    child.stdin.end(data);
  });
}
