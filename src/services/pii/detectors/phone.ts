import { type CountryCode, findNumbers, parsePhoneNumberFromString } from "libphonenumber-js/max";
import type { PiiSpan } from "../kinds.js";
import { before, RECORD_CONTEXT } from "./context.js";

/**
 * Regions whose national formats are tried when a number has no international prefix, most likely
 * first. Numbers written with `+` or `00` are found whatever the region.
 */
export const DEFAULT_PHONE_REGIONS: readonly CountryCode[] = [
  "US",
  "GB",
  "DE",
  "FR",
  "ES",
  "IT",
  "NL",
  "BE",
  "PT",
  "IE",
  "CH",
  "AT",
  "PL",
  "SE",
  "IN",
  "AU",
  "CA",
  "BR",
  "MX",
];

/** Dates and times are not phone numbers, however their digits parse. */
const DATE_LIKE =
  /^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}:\d{2}(?::\d{2})?|\d{1,4}\/(?:19|20)\d{2})$/;

/** Addresses and versions: numbers separated by three or more dots. */
const DOTTED = /^\d+(?:\.\d+){2,3}$/;

/**
 * Stretches of text that could hold a phone number (7+ digits with the usual separators): only these
 * are handed to libphonenumber, region by region, instead of the whole text 19 times.
 */
const CANDIDATE = /(?<![\p{L}\p{N}+])(?:\+|00)?\(?\d[\d\s()./-]{4,24}\d(?![\p{N}\p{L}])/gu;

/** How many regions the slower in-text search tries when a stretch is not one whole number. */
const SEARCH_REGIONS = 6;

/**
 * Phone numbers, parsed and validated with libphonenumber (any region, international or national
 * formats). `covered` says which stretches other detectors already claimed (an IBAN's digits).
 */
export function detectPhones(
  text: string,
  regions: readonly CountryCode[] = DEFAULT_PHONE_REGIONS,
  covered: (start: number, end: number) => boolean = () => false,
): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const candidate of text.matchAll(CANDIDATE)) {
    const written = candidate[0].replace(/[\s(./-]+$/, "");
    const at = candidate.index;
    if (written.replace(/\D/g, "").length < 7 || covered(at, at + written.length)) continue;
    // libphonenumber reads `+`: the `00` prefix becomes `+` (one character shorter).
    const international = written.startsWith("00") ? `+${written.slice(2)}` : written;
    const shift = international.length - written.length;
    const isInternational = international.startsWith("+");
    // Most stretches are exactly one number: parse it whole (cheap), region by region.
    let whole: string | undefined;
    for (const region of isInternational ? [undefined] : regions) {
      const parsed = parsePhoneNumberFromString(
        international,
        region ? { defaultCountry: region } : undefined,
      );
      if (parsed?.isValid()) {
        whole = parsed.country ?? region ?? "intl";
        break;
      }
    }
    if (whole) {
      if (acceptable(text, at, at + written.length)) {
        spans.push({ kind: "PHONE", start: at, end: at + written.length, source: `phone-${whole}` });
      }
      continue;
    }
    // Otherwise, when it is long enough to hold a number and more (two numbers in a row, a number and
    // a count), search inside it.
    if (written.replace(/\D/g, "").length < 14) continue;
    const taken: Array<[number, number]> = [];
    const overlaps = (s: number, e: number) => taken.some(([a, b]) => s < b && a < e);
    const tryRegions = isInternational ? [undefined] : regions.slice(0, SEARCH_REGIONS);
    for (const region of tryRegions) {
      const found = region
        ? findNumbers(international, { defaultCountry: region, v2: true })
        : findNumbers(international, { v2: true });
      for (const number of found) {
        const start = at + (number.startsAt === 0 ? 0 : number.startsAt - shift);
        const end = at + number.endsAt - shift;
        if (overlaps(start, end) || !acceptable(text, start, end)) continue;
        taken.push([start, end]);
        spans.push({
          kind: "PHONE",
          start,
          end,
          source: `phone-${number.number.country ?? region ?? "intl"}`,
        });
      }
    }
  }
  return spans;
}

function acceptable(text: string, start: number, end: number): boolean {
  const written = text.slice(start, end);
  if (/[,;]/.test(written) || DATE_LIKE.test(written) || DOTTED.test(written)) return false;
  // Without an international prefix a number needs 7 digits (shorter ones are extensions or codes).
  if (!/^(?:\+|00)/.test(written) && written.replace(/\D/g, "").length < 7) return false;
  // A number glued to a code ("INV-2024-36924") or named as a record ("Pedido 25034966") is not a phone.
  if (/[\p{L}\p{N}][-/]$/u.test(text.slice(Math.max(0, start - 2), start))) return false;
  return !RECORD_CONTEXT.test(before(text, start));
}
