import type { PiiSpan } from "../kinds.js";

/** IBAN lengths by country (ISO 13616 registry). */
const IBAN_LENGTH: Record<string, number> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SC: 31,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};

/** ISO 7064 mod 97-10 over the rearranged IBAN, computed piecewise (no big integers). */
export function ibanChecksumValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 && code <= 90 ? String(code - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

const START = /(?<![\p{L}\p{N}])([A-Za-z]{2})(\d{2})/gu;

/**
 * IBANs written compactly or in groups (single spaces or dashes between characters): the country's
 * length is read from the start, then the checksum decides.
 */
export function detectIbans(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const m of text.matchAll(START)) {
    const country = m[1]!.toUpperCase();
    const length = IBAN_LENGTH[country];
    if (!length) continue;
    let compact = country + m[2]!;
    let i = m.index + 4;
    while (compact.length < length && i < text.length) {
      const ch = text[i]!;
      if (/[A-Za-z0-9]/.test(ch)) {
        compact += ch.toUpperCase();
        i++;
      } else if ((ch === " " || ch === "-") && /[A-Za-z0-9]/.test(text[i + 1] ?? "") && text[i - 1] !== " ") {
        i++;
      } else break;
    }
    if (compact.length !== length) continue;
    // The IBAN must end there: no letter or digit glued to it.
    if (/[\p{L}\p{N}]/u.test(text[i] ?? "")) continue;
    if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact) || !ibanChecksumValid(compact)) continue;
    spans.push({ kind: "IBAN", start: m.index, end: i, source: "iban" });
  }
  return spans;
}
