import { type Detector, resolveOverlaps } from "./detect.js";
import { dictionaryMatcher } from "./detectors/dictionary.js";
import {
  maskJson,
  maskText,
  type PiiMapEntry,
  type PlaceholderMap,
  rehydrate,
  StreamingRehydrator,
} from "./placeholders.js";
import type { PiiPolicy } from "./settings.js";

/** A kind as the refusal of a blocked turn names it. */
const KIND_LABELS: Record<string, string> = {
  EMAIL: "an e-mail address",
  PHONE: "a phone number",
  IBAN: "a bank account number (IBAN)",
  CREDIT_CARD: "a payment card number",
  IP_ADDRESS: "an IP address",
  NATIONAL_ID: "a national identification number",
  DATE_OF_BIRTH: "a date of birth",
  PERSON: "a person's name",
};

export function describeKinds(kinds: readonly string[]): string {
  const labels = kinds.map((k) => KIND_LABELS[k] ?? `a value of kind ${k}`);
  return labels.length <= 1 ? (labels[0] ?? "") : `${labels.slice(0, -1).join(", ")} and ${labels.at(-1)}`;
}

/**
 * One chat turn's masking: its detector (the organisation's and namespace's settings), the
 * conversation's map, and what the turn counted. Everything leaving for a model or a tool goes
 * through `mask`; everything shown to the person through `shown` or the streaming rehydrator.
 */
export class PiiTurn {
  /** Values replaced in this turn (every occurrence). */
  masked = 0;
  readonly kinds = new Set<string>();
  /** Placeholders the model wrote that are not in the map (left as written). */
  unknownPlaceholders = 0;
  private persisted = 0;
  private known: { size: number; find: Detector } | undefined;

  constructor(
    readonly policy: PiiPolicy,
    readonly detect: Detector,
    readonly map: PlaceholderMap,
    /** Store the question masked too (the namespace's `piiMaskStoredQuestion`). */
    readonly maskStoredQuestion = false,
  ) {}

  /**
   * The detectors plus the values the conversation already holds: once a value is known (say a name
   * the person introduced with "my name is"), it is masked wherever it appears again, cue or not.
   */
  private detectWithKnown: Detector = (text) => {
    if (this.map.size === 0) return this.detect(text);
    if (this.known?.size !== this.map.size) {
      const find = dictionaryMatcher(
        this.map.entries().map((e) => ({ kind: e.kind, term: e.value })),
        "conversation",
      );
      this.known = { size: this.map.size, find };
    }
    return resolveOverlaps([...this.detect(text), ...this.known.find(text)]);
  };

  mask(text: string): string {
    if (!text) return text;
    const result = maskText(text, this.detectWithKnown, this.map);
    this.masked += result.count;
    for (const k of result.kinds) this.kinds.add(k);
    return result.text;
  }

  /**
   * The text with its personal data blanked, for judging what a question is about: a name, an e-mail
   * address or an account number says who asks, not what. Nothing is mapped or counted.
   */
  withoutPersonalData(text: string): string {
    let out = text;
    for (const span of [...this.detectWithKnown(text)].sort((a, b) => b.start - a.start)) {
      out = `${out.slice(0, span.start)} ${out.slice(span.end)}`;
    }
    return out;
  }

  maskValue(value: unknown): unknown {
    return maskJson(value, (text) => this.mask(text));
  }

  /** The text as the person sees it: placeholders of the map replaced, invented ones counted. */
  shown(text: string): string {
    const result = rehydrate(text, this.map);
    this.unknownPlaceholders += result.unknown;
    return result.text;
  }

  /** A rehydrator for streamed tokens (the stored answer's `shown` counts invented placeholders). */
  stream(): StreamingRehydrator {
    return new StreamingRehydrator(this.map);
  }

  /** Entries added since the last call (to be stored). */
  takeAdded(): PiiMapEntry[] {
    const added = this.map.added.slice(this.persisted);
    this.persisted = this.map.added.length;
    return added;
  }

  /** What the run's trace records (counts and kinds only, never values). */
  summary() {
    return {
      policy: this.policy,
      masked: this.masked,
      kinds: [...this.kinds],
      placeholders: this.map.size,
      unknownPlaceholders: this.unknownPlaceholders,
    };
  }
}
