import type { PiiSpan } from "../kinds.js";
import { before } from "./context.js";

/** The national identifiers an organisation may choose to detect (`organizations.settings.piiNationalIds`). */
export const NATIONAL_ID_CATALOGUE = {
  US_SSN: "United States Social Security number (AAA-GG-SSSS; bare 9 digits only after 'SSN')",
  UK_NINO: "United Kingdom National Insurance number (QQ 12 34 56 C)",
  ES_DNI: "Spanish DNI / NIE with its check letter (12345678Z, X1234567L)",
  NL_BSN: "Dutch BSN (9 digits, eleven test; only after 'BSN' or 'burgerservicenummer')",
} as const;

export type NationalIdKind = keyof typeof NATIONAL_ID_CATALOGUE;
export const NATIONAL_ID_KINDS = Object.keys(NATIONAL_ID_CATALOGUE) as NationalIdKind[];

const SSN =
  /(?<![\p{N}\p{L}-])(?!000|666|9\d\d)(\d{3})([- ])(?!00)(\d{2})\2(?!0000)(\d{4})(?![\p{N}\p{L}]|-\d)/gu;
const SSN_BARE = /(?<![\p{N}\p{L}-])(?!000|666|9\d\d)\d{3}(?!00)\d{2}(?!0000)\d{4}(?![\p{N}\p{L}])/gu;
const SSN_CONTEXT = /(?:ssn|social security(?: number| no\.?| #)?|soc\. sec\.)\s*(?:is|:|#|number)?\s*:?\s*$/;

const NINO =
  /(?<![\p{N}\p{L}])(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![\p{N}\p{L}])/gu;

const NINO_ANY_CASE = new RegExp(NINO.source, "giu");
const NINO_CONTEXT = /(?:nino|ni number|ni no\.?|national insurance(?: number| no\.?)?)\s*(?:is|:)?\s*:?\s*$/;

const DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";
const DNI = /(?<![\p{N}\p{L}])([XYZxyz]-?)?(\d{7,8})[- ]?([A-Za-z])(?![\p{N}\p{L}])/gu;

/** The DNI check letter (number mod 23); an NIE reads its leading X/Y/Z as 0/1/2. */
export function dniValid(prefix: string | undefined, digits: string, letter: string): boolean {
  const lead = prefix ? "XYZ".indexOf(prefix[0]!.toUpperCase()) : -1;
  if (prefix && digits.length !== 7) return false;
  if (!prefix && digits.length !== 8) return false;
  const number = Number.parseInt(lead >= 0 ? `${lead}${digits}` : digits, 10);
  return DNI_LETTERS[number % 23] === letter.toUpperCase();
}

const BSN =
  /(?<![\p{N}\p{L}])(\d{4})\.?(\d{2})\.?(\d{3})(?![\p{N}\p{L}])|(?<![\p{N}\p{L}])\d{9}(?![\p{N}\p{L}])/gu;
const BSN_CONTEXT =
  /(?:bsn|burgerservicenummer|sofinummer|sofi-nummer)\s*(?:is|:|nummer|number|nr\.?)?\s*:?\s*$/;

/** The Dutch eleven test: 9·d1 + 8·d2 + … + 2·d8 − d9 divisible by 11. */
export function bsnValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || /^0+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * (digits.charCodeAt(i) - 48);
  sum -= digits.charCodeAt(8) - 48;
  return sum % 11 === 0;
}

function push(spans: PiiSpan[], m: RegExpMatchArray, source: string) {
  spans.push({ kind: "NATIONAL_ID", start: m.index!, end: m.index! + m[0].length, source });
}

/** The national identifiers of the chosen catalogue entries. */
export function detectNationalIds(
  text: string,
  kinds: readonly NationalIdKind[] = NATIONAL_ID_KINDS,
): PiiSpan[] {
  const spans: PiiSpan[] = [];
  if (!/\d/.test(text)) return spans;
  const on = new Set(kinds);
  if (on.has("US_SSN")) {
    for (const m of text.matchAll(SSN)) push(spans, m, "us-ssn");
    for (const m of text.matchAll(SSN_BARE)) {
      if (SSN_CONTEXT.test(before(text, m.index, 40))) push(spans, m, "us-ssn");
    }
  }
  if (on.has("UK_NINO")) {
    for (const m of text.matchAll(NINO)) push(spans, m, "uk-nino");
    // Written in lower case, a NINO needs its name before it.
    for (const m of text.matchAll(NINO_ANY_CASE)) {
      if (/[a-z]/.test(m[0]) && NINO_CONTEXT.test(before(text, m.index, 40))) push(spans, m, "uk-nino");
    }
  }
  if (on.has("ES_DNI")) {
    for (const m of text.matchAll(DNI)) if (dniValid(m[1], m[2]!, m[3]!)) push(spans, m, "es-dni");
  }
  if (on.has("NL_BSN")) {
    for (const m of text.matchAll(BSN)) {
      const digits = m[0].replace(/\./g, "");
      if (bsnValid(digits) && BSN_CONTEXT.test(before(text, m.index, 40))) push(spans, m, "nl-bsn");
    }
  }
  return spans;
}
