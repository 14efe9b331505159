import type { PiiSpan } from "../kinds.js";

const MONTHS = [
  // en
  "january|february|march|april|may|june|july|august|september|october|november|december",
  "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec",
  // es, pt
  "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre",
  "janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro",
  // fr
  "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre",
  // de, nl
  "januar|februar|märz|maerz|juni|juli|oktober|dezember|januari|februari|maart|mei|augustus|oktober",
  // it
  "gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre",
].join("|");

const NUMERIC = String.raw`\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}[./-]\d{1,2}[./-]\d{1,2}`;
const DAY_MONTH_YEAR = String.raw`\d{1,2}(?:st|nd|rd|th|er|º|°)?\.?\s+(?:de\s+|of\s+)?(?:${MONTHS})\.?,?\s+(?:de\s+)?\d{4}`;
const MONTH_DAY_YEAR = String.raw`(?:${MONTHS})\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}`;
const DATE = `(?:${NUMERIC}|${DAY_MONTH_YEAR}|${MONTH_DAY_YEAR})`;

/** Words that say the next date is someone's birth date, in the languages Atrium's users write. */
const BIRTH_WORDS = [
  "born on(?: the)?",
  "born",
  "d\\.?o\\.?b\\.?",
  "date of birth",
  "birth ?date",
  "birthday",
  "fecha de nacimiento",
  "nacid[oa] el",
  "nac[íi] el",
  "nacid[oa]",
  "f\\. nac\\.",
  "né le",
  "née le",
  "né\\(e\\) le",
  "date de naissance",
  "geboren am",
  "geboren op",
  "geboren",
  "geburtsdatum",
  "geb\\.",
  "geboortedatum",
  "data di nascita",
  "nat[oa] il",
  "data de nascimento",
  "nascid[oa] em",
].join("|");

// The birth words, up to 24 characters of filler ("is", ":", "was", "the patient's"), then the date.
const DOB = new RegExp(
  String.raw`(?<![\p{L}])(?:${BIRTH_WORDS})(?![\p{L}])[^.\n\d]{0,24}?(${DATE})(?![\p{N}])`,
  "giu",
);

// "Ich bin am 12.3.1980 geboren", "12/03/1985 (date of birth)": the cue after the date.
const DOB_AFTER = new RegExp(
  String.raw`(?<![\p{N}])(${DATE})[\s,()]{1,4}(?:geboren|born|\(?(?:dob|date of birth|geb\.)\)?)(?![\p{L}])`,
  "giu",
);

/** Dates that follow a birth-date phrase ("born on", "DOB:", "fecha de nacimiento", "geboren am"…). */
export function detectDatesOfBirth(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const m of text.matchAll(DOB)) {
    const date = m[1]!;
    const start = m.index + m[0].length - date.length;
    spans.push({ kind: "DATE_OF_BIRTH", start, end: start + date.length, source: "dob-context" });
  }
  for (const m of text.matchAll(DOB_AFTER)) {
    const date = m[1]!;
    if (spans.some((s) => s.start === m.index)) continue;
    spans.push({ kind: "DATE_OF_BIRTH", start: m.index, end: m.index + date.length, source: "dob-context" });
  }
  return spans;
}
