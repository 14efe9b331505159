import type { PiiSpan } from "../kinds.js";
import { before, RECORD_CONTEXT } from "./context.js";

/** The Luhn (mod 10) check of a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Issuer prefixes and lengths of the card networks (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro). */
function plausibleCard(digits: string): boolean {
  const n = digits.length;
  if (/^4/.test(digits)) return n === 13 || n === 16 || n === 19;
  if (/^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/.test(digits)) return n === 16;
  if (/^3[47]/.test(digits)) return n === 15;
  if (/^3(0[0-5]|[68])/.test(digits)) return n >= 14 && n <= 19;
  if (/^(6011|65|64[4-9]|622)/.test(digits)) return n >= 16 && n <= 19;
  if (/^35(2[89]|[3-8])/.test(digits)) return n >= 16 && n <= 19;
  if (/^62/.test(digits)) return n >= 16 && n <= 19;
  if (/^(5[06-9]|6)/.test(digits)) return n >= 12 && n <= 19;
  return false;
}

const CANDIDATE = /(?<![\p{N}\p{L}.,-])\d(?:[ -]?\d){11,18}(?![\p{N}\p{L}]|[.,-]\d)/gu;

/** Payment card numbers: a network's prefix and length, and the Luhn check. */
export function detectCards(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    const digits = m[0].replace(/[ -]/g, "");
    if (!plausibleCard(digits) || !luhnValid(digits)) continue;
    // An order or invoice number that happens to pass Luhn is not a card.
    if (
      RECORD_CONTEXT.test(before(text, m.index)) &&
      !/card|karte|tarjeta|carte|kaart|carta/.test(before(text, m.index, 40))
    )
      continue;
    spans.push({ kind: "CREDIT_CARD", start: m.index, end: m.index + m[0].length, source: "luhn" });
  }
  return spans;
}
