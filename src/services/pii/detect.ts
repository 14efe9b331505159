import type { CountryCode } from "libphonenumber-js/max";
import { detectCards } from "./detectors/card.js";
import { type CustomPattern, customMatcher } from "./detectors/custom.js";
import { detectDatesOfBirth } from "./detectors/date-of-birth.js";
import { dictionaryMatcher } from "./detectors/dictionary.js";
import { detectEmails } from "./detectors/email.js";
import { detectIbans } from "./detectors/iban.js";
import { detectIpAddresses } from "./detectors/ip.js";
import { detectNationalIds, NATIONAL_ID_KINDS, type NationalIdKind } from "./detectors/national-id.js";
import { detectPersonNames } from "./detectors/person.js";
import { DEFAULT_PHONE_REGIONS, detectPhones } from "./detectors/phone.js";
import { CUSTOM_PRIORITY, KIND_PRIORITY, type PiiSpan } from "./kinds.js";

export interface DetectorConfig {
  /** The organisation's national identifiers (all of the catalogue when unset). */
  nationalIds?: readonly NationalIdKind[] | undefined;
  /** Regions tried for numbers without an international prefix. */
  phoneRegions?: readonly CountryCode[] | undefined;
  /** People of the organisation's directory (full names), found as PERSON. */
  directory?: readonly string[] | undefined;
  /** The namespace's own patterns. */
  patterns?: readonly CustomPattern[] | undefined;
  /** The namespace's dictionaries: listed terms found as their kind. */
  dictionaries?: ReadonlyArray<{ kind: string; terms: readonly string[] }> | undefined;
  /** Turn the lexicon name detector off (directory and dictionaries still apply). */
  lexiconNames?: boolean | undefined;
}

export type Detector = (text: string) => PiiSpan[];

function priorityOf(span: PiiSpan): number {
  return KIND_PRIORITY[span.kind] ?? CUSTOM_PRIORITY;
}

/** Overlapping findings: the higher-priority kind wins, then the longer span, then the earlier one. */
export function resolveOverlaps(spans: PiiSpan[]): PiiSpan[] {
  const ordered = [...spans].sort(
    (a, b) => priorityOf(b) - priorityOf(a) || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: PiiSpan[] = [];
  for (const span of ordered) {
    if (kept.some((k) => span.start < k.end && k.start < span.end)) continue;
    kept.push(span);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** A detector for one configuration (compile once, run on every text of a turn). */
export function createDetector(config: DetectorConfig = {}): Detector {
  const nationalIds = config.nationalIds ?? NATIONAL_ID_KINDS;
  const regions = config.phoneRegions ?? DEFAULT_PHONE_REGIONS;
  const directory = dictionaryMatcher(
    (config.directory ?? []).map((term) => ({ kind: "PERSON", term })),
    "directory",
  );
  const dictionaries = dictionaryMatcher(
    (config.dictionaries ?? []).flatMap((d) => d.terms.map((term) => ({ kind: d.kind, term }))),
    "dictionary",
  );
  const custom = customMatcher(config.patterns ?? []);
  const lexicon = config.lexiconNames !== false;
  return (text) => {
    if (!text) return [];
    const checked = [
      ...detectEmails(text),
      ...detectIbans(text),
      ...detectCards(text),
      ...detectNationalIds(text, nationalIds),
      ...detectIpAddresses(text),
      ...detectDatesOfBirth(text),
    ];
    // Phone parsing is the costly part: stretches the checked identifiers claimed are skipped.
    const covered = (start: number, end: number) => checked.some((s) => s.start <= start && end <= s.end);
    const spans = [
      ...checked,
      ...detectPhones(text, regions, covered),
      ...custom(text),
      ...dictionaries(text),
      ...directory(text),
      ...(lexicon ? detectPersonNames(text) : []),
    ];
    return resolveOverlaps(spans);
  };
}
