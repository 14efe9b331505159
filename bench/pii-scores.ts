/** Span-overlap scores for PII detection (`npm run eval:pii`). */

export interface LabelledSpan {
  type: string;
  start: number;
  end: number;
}

export interface KindScore {
  kind: string;
  /** Predictions that overlap a labelled span of the same kind / all predictions of the kind. */
  precision: number;
  /** Labelled spans overlapped by a prediction of the same kind / all labelled spans of the kind. */
  recall: number;
  f1: number;
  /** Labelled spans of the kind. */
  support: number;
  predicted: number;
}

const overlaps = (a: LabelledSpan, b: LabelledSpan) =>
  a.type === b.type && a.start < b.end && b.start < a.end;

export function scoreSpans(
  items: ReadonlyArray<{ gold: readonly LabelledSpan[]; predicted: readonly LabelledSpan[] }>,
  kinds: readonly string[],
): KindScore[] {
  return kinds.map((kind) => {
    let support = 0;
    let found = 0;
    let predicted = 0;
    let correct = 0;
    for (const { gold, predicted: pred } of items) {
      const g = gold.filter((s) => s.type === kind);
      const p = pred.filter((s) => s.type === kind);
      support += g.length;
      predicted += p.length;
      found += g.filter((s) => p.some((q) => overlaps(s, q))).length;
      correct += p.filter((s) => g.some((q) => overlaps(s, q))).length;
    }
    const precision = predicted === 0 ? (support === 0 ? 1 : 0) : correct / predicted;
    const recall = support === 0 ? 1 : found / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { kind, precision, recall, f1, support, predicted };
  });
}
