import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isPermanentError } from "../../src/jobs/runner.js";
import { AppError } from "../../src/lib/errors.js";
import { ExtractionError } from "../../src/services/knowledge/sources/index.js";

/** Which failures the job runner retries; it learns it from the error itself, not from its domain. */
describe("isPermanentError", () => {
  it("does not retry a file that cannot be read, and retries an extraction that timed out", () => {
    expect(isPermanentError(new ExtractionError("CORRUPT", "The file is damaged."))).toBe(true);
    expect(isPermanentError(new ExtractionError("UNSUPPORTED_TYPE", "Not a type we read."))).toBe(true);
    expect(isPermanentError(new ExtractionError("TIMEOUT", "Too slow."))).toBe(false);
  });

  it("does not retry data errors and retries infrastructure errors", () => {
    expect(isPermanentError(new AppError("NOT_FOUND", "gone"))).toBe(true);
    expect(isPermanentError(new AppError("UNAVAILABLE", "model down"))).toBe(false);
    expect(isPermanentError(z.string().safeParse(1).error)).toBe(true);
    expect(isPermanentError(new Error("socket hang up"))).toBe(false);
    expect(isPermanentError({ permanent: true })).toBe(true);
  });
});
