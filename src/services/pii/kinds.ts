/** The kinds of personal data Atrium's detectors find (seed 000 `PiiRedactionMap.entityType`). */
export const BUILT_IN_PII_KINDS = [
  "EMAIL",
  "PHONE",
  "IBAN",
  "CREDIT_CARD",
  "IP_ADDRESS",
  "NATIONAL_ID",
  "DATE_OF_BIRTH",
  "PERSON",
] as const;

export type BuiltInPiiKind = (typeof BUILT_IN_PII_KINDS)[number];

/** A kind name: a built-in one or a namespace's own (custom patterns and dictionaries), `A-Z`, digits, `_`. */
export type PiiKind = string;

export const CUSTOM_KIND_PATTERN = /^[A-Z][A-Z0-9_]{1,39}$/;

/** One finding: `[start, end)` in the text, UTF-16 offsets as JavaScript strings count them. */
export interface PiiSpan {
  kind: PiiKind;
  start: number;
  end: number;
  /** Which detector found it (`lexicon`, `directory`, `us-ssn`, a custom pattern's kind…), for measuring. */
  source: string;
}

/** Where a span's text can be read: the text it was found in. */
export function spanText(text: string, span: Pick<PiiSpan, "start" | "end">): string {
  return text.slice(span.start, span.end);
}

/**
 * Which span wins when two overlap: checked identifiers before loose patterns (an IBAN holds digits a
 * phone detector could also read), names last.
 */
export const KIND_PRIORITY: Record<string, number> = {
  EMAIL: 100,
  IBAN: 90,
  CREDIT_CARD: 85,
  NATIONAL_ID: 80,
  IP_ADDRESS: 70,
  DATE_OF_BIRTH: 60,
  PHONE: 50,
  PERSON: 20,
};

/** Custom kinds rank between the checked identifiers and the loose built-ins. */
export const CUSTOM_PRIORITY = 75;
