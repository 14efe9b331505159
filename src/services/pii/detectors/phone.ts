import { type CountryCode, findNumbers } from "libphonenumber-js/max";
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

// `00` international prefix: libphonenumber reads `+`; rewrite `00` to ` +` (same length) before searching.
function withPlusPrefix(text: string): string {
  return text.replace(/(?<![\p{N}\p{L}+]|[\p{N}+][\s.()-])00(?=[1-9]\d)/gu, " +");
}

/** Phone numbers, parsed and validated with libphonenumber (any region, international or national formats). */
export function detectPhones(
  text: string,
  regions: readonly CountryCode[] = DEFAULT_PHONE_REGIONS,
): PiiSpan[] {
  if (!/\d{2}/.test(text)) return [];
  const prepared = withPlusPrefix(text);
  const spans: PiiSpan[] = [];
  const taken: Array<[number, number]> = [];
  const overlaps = (s: number, e: number) => taken.some(([a, b]) => s < b && a < e);
  for (const region of regions) {
    for (const found of findNumbers(prepared, { defaultCountry: region, v2: true })) {
      let start = found.startsAt;
      const end = found.endsAt;
      if (prepared[start] === "+" && text[start] !== "+") start -= 1; // the `00` form: keep its first zero
      const written = text.slice(start, end);
      if (overlaps(start, end) || /[,;]/.test(written) || DATE_LIKE.test(written) || DOTTED.test(written))
        continue;
      // Without an international prefix a number needs 7 digits (shorter ones are extensions or codes).
      if (!/^(?:\+|00)/.test(written) && written.replace(/\D/g, "").length < 7) continue;
      // A number glued to a code ("INV-2024-36924") or named as a record ("Pedido 25034966") is not a phone.
      if (/[\p{L}\p{N}][-/]$/u.test(text.slice(Math.max(0, start - 2), start))) continue;
      if (RECORD_CONTEXT.test(before(text, start))) continue;
      taken.push([start, end]);
      spans.push({ kind: "PHONE", start, end, source: `phone-${found.number.country ?? region}` });
    }
  }
  return spans;
}
