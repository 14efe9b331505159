import type { Detector } from "./detect.js";
import type { PiiSpan } from "./kinds.js";

/** One entry of a conversation's map: `<EMAIL_1>` ↔ the value it stands for. */
export interface PiiMapEntry {
  placeholder: string;
  kind: string;
  value: string;
}

/** `<KIND_n>`: the kind in capitals (digits and `_` allowed), a positive number. */
export const PLACEHOLDER = /<([A-Z][A-Z0-9_]*)_([1-9]\d{0,5})>/g;
/** The longest placeholder the streaming rehydrator waits for before giving up on a `<`. */
const MAX_PLACEHOLDER_LENGTH = 48;

/** The form two writings of the same value share ("+44 20 7946 0958" and "+442079460958"). */
export function normalizeValue(kind: string, value: string): string {
  switch (kind) {
    case "EMAIL":
    case "PERSON":
      return value.trim().toLowerCase().replace(/\s+/g, " ");
    case "PHONE":
      return value.replace(/^00/, "+").replace(/[^\d+]/g, "");
    case "IBAN":
    case "CREDIT_CARD":
    case "NATIONAL_ID":
      return value.replace(/[\s.-]/g, "").toUpperCase();
    case "IP_ADDRESS":
      return value.toLowerCase();
    default:
      return value.trim();
  }
}

/**
 * A conversation's placeholders for one turn: the entries already stored and the ones this turn adds.
 * The same value (after `normalizeValue`) always gets the same placeholder; numbers count per kind.
 */
export class PlaceholderMap {
  private readonly byPlaceholder = new Map<string, PiiMapEntry>();
  private readonly byValue = new Map<string, string>();
  private readonly counters = new Map<string, number>();
  /** Entries created in this turn, in order (to be stored). */
  readonly added: PiiMapEntry[] = [];

  constructor(existing: readonly PiiMapEntry[] = []) {
    for (const entry of existing) this.remember(entry);
  }

  private remember(entry: PiiMapEntry) {
    this.byPlaceholder.set(entry.placeholder, entry);
    this.byValue.set(`${entry.kind}\u0000${normalizeValue(entry.kind, entry.value)}`, entry.placeholder);
    const n = Number(/_(\d+)>$/.exec(entry.placeholder)?.[1] ?? 0);
    this.counters.set(entry.kind, Math.max(this.counters.get(entry.kind) ?? 0, n));
  }

  get size(): number {
    return this.byPlaceholder.size;
  }

  entries(): PiiMapEntry[] {
    return [...this.byPlaceholder.values()];
  }

  get(placeholder: string): PiiMapEntry | undefined {
    return this.byPlaceholder.get(placeholder);
  }

  /** The placeholder of a value, creating one when it is new. */
  placeholderFor(kind: string, value: string): string {
    const key = `${kind}\u0000${normalizeValue(kind, value)}`;
    const known = this.byValue.get(key);
    if (known) return known;
    const n = (this.counters.get(kind) ?? 0) + 1;
    const entry = { placeholder: `<${kind}_${n}>`, kind, value };
    this.remember(entry);
    this.added.push(entry);
    return entry.placeholder;
  }
}

export interface MaskResult {
  text: string;
  /** The kinds found, each once, in the order first seen. */
  kinds: string[];
  count: number;
}

/** Replaces every span found by `detect` with its placeholder (values already masked stay as they are). */
export function maskText(text: string, detect: Detector, map: PlaceholderMap): MaskResult {
  const spans = detect(text).filter((s) => !isInsidePlaceholder(text, s));
  return applySpans(text, spans, map);
}

function isInsidePlaceholder(text: string, span: PiiSpan): boolean {
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (span.start < m.index + m[0].length && m.index < span.end) return true;
  }
  return false;
}

export function applySpans(text: string, spans: readonly PiiSpan[], map: PlaceholderMap): MaskResult {
  const kinds: string[] = [];
  let out = "";
  let at = 0;
  for (const span of spans) {
    out += text.slice(at, span.start) + map.placeholderFor(span.kind, text.slice(span.start, span.end));
    at = span.end;
    if (!kinds.includes(span.kind)) kinds.push(span.kind);
  }
  return { text: out + text.slice(at), kinds, count: spans.length };
}

/** Masks every string inside a JSON value (tool arguments, tool results). */
export function maskJson(value: unknown, mask: (text: string) => string): unknown {
  if (typeof value === "string") return mask(value);
  if (Array.isArray(value)) return value.map((v) => maskJson(v, mask));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskJson(v, mask)]));
  }
  return value;
}

export interface RehydrateResult {
  text: string;
  /** Placeholders the model wrote that the map does not hold (left as written). */
  unknown: number;
}

/** Puts the real values back; placeholders the map does not know stay and are counted. */
export function rehydrate(text: string, map: PlaceholderMap): RehydrateResult {
  let unknown = 0;
  const out = text.replace(PLACEHOLDER, (whole) => {
    const entry = map.get(whole);
    if (entry) return entry.value;
    unknown++;
    return whole;
  });
  return { text: out, unknown };
}

/**
 * Rehydrates a stream of tokens: a placeholder may arrive split across tokens ("<EMA", "IL_1>"), so
 * text from a `<` that could still become a placeholder is held back (at most 48 characters) until
 * it completes or cannot. `flush` releases what is held at the end.
 */
export class StreamingRehydrator {
  private held = "";
  unknown = 0;

  constructor(private readonly map: PlaceholderMap) {}

  push(token: string): string {
    const text = this.held + token;
    const cut = this.holdFrom(text);
    this.held = text.slice(cut);
    return this.replace(text.slice(0, cut));
  }

  flush(): string {
    const rest = this.held;
    this.held = "";
    return this.replace(rest);
  }

  /** Where the possibly unfinished placeholder at the end of `text` starts (text.length when none). */
  private holdFrom(text: string): number {
    const open = text.lastIndexOf("<");
    if (open < 0 || text.length - open > MAX_PLACEHOLDER_LENGTH) return text.length;
    const tail = text.slice(open);
    return /^<(?:[A-Z][A-Z0-9_]*(?:_\d{0,6})?)?$/.test(tail) ? open : text.length;
  }

  private replace(text: string): string {
    if (!text) return text;
    const result = rehydrate(text, this.map);
    this.unknown += result.unknown;
    return result.text;
  }
}
