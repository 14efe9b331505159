export interface Prediction {
  expected: string;
  /** The best intent (classified at threshold 0). */
  intent: string;
  confidence: number;
}

export interface Scores {
  accuracy: number;
  /** Mean F1 over the in-scope intents of the test set ("unknown" counts as a miss). */
  macroF1: number;
  unknownShare: number;
  inScopeAccuracy: number;
  outOfScopeRecall: number;
}

/**
 * Scores predictions as if classified at `threshold`: below it the answer is `unknown`. A row whose
 * expected category is `outOfScope` is right only when the answer is `unknown`.
 */
export function scoreAt(
  predictions: readonly Prediction[],
  threshold: number,
  names: { unknown: string; outOfScope: string },
): Scores {
  let correct = 0;
  let unknown = 0;
  let inScope = 0;
  let inScopeCorrect = 0;
  let outOfScope = 0;
  let outOfScopeCaught = 0;
  const truePositives = new Map<string, number>();
  const predicted = new Map<string, number>();
  const actual = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const p of predictions) {
    const answer = p.confidence >= threshold ? p.intent : names.unknown;
    if (answer === names.unknown) unknown++;
    if (p.expected === names.outOfScope) {
      outOfScope++;
      if (answer === names.unknown) {
        outOfScopeCaught++;
        correct++;
      }
    } else {
      inScope++;
      bump(actual, p.expected);
      if (answer === p.expected) {
        inScopeCorrect++;
        correct++;
        bump(truePositives, p.expected);
      }
    }
    if (answer !== names.unknown) bump(predicted, answer);
  }
  let f1Sum = 0;
  for (const [intent, support] of actual) {
    const tp = truePositives.get(intent) ?? 0;
    const precision = tp === 0 ? 0 : tp / predicted.get(intent)!;
    const recall = tp / support;
    f1Sum += precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  }
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  return {
    accuracy: ratio(correct, predictions.length),
    macroF1: ratio(f1Sum, actual.size),
    unknownShare: ratio(unknown, predictions.length),
    inScopeAccuracy: ratio(inScopeCorrect, inScope),
    outOfScopeRecall: ratio(outOfScopeCaught, outOfScope),
  };
}
