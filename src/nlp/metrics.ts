/** Classification metrics: per-class precision/recall/F1, macro-F1, accuracy, confusion matrix. */

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Examples of this class in the truth. */
  support: number;
  /** Examples predicted as this class. */
  predicted: number;
}

export interface EvaluationReport {
  n: number;
  accuracy: number;
  /** Mean F1 over the labels present in the truth (a label only predicted counts in its precision, not as a class of its own). */
  macroF1: number;
  perClass: ClassMetrics[];
  /** Labels in matrix order, then `matrix[truth][predicted]` counts. */
  labels: string[];
  matrix: number[][];
}

export function evaluate(truth: readonly string[], predicted: readonly string[], labelOrder: readonly string[] = []): EvaluationReport {
  if (truth.length !== predicted.length) throw new Error(`evaluate: ${truth.length} truths but ${predicted.length} predictions`);
  const present = new Set([...truth, ...predicted]);
  const labels = [...labelOrder.filter((l) => present.has(l)), ...[...present].filter((l) => !labelOrder.includes(l)).sort()];
  const at = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => labels.map(() => 0));
  let correct = 0;
  truth.forEach((t, i) => {
    const p = predicted[i] as string;
    const row = matrix[at.get(t) as number] as number[];
    const col = at.get(p) as number;
    row[col] = (row[col] as number) + 1;
    if (t === p) correct++;
  });
  const perClass = labels.map((label, i) => {
    const tp = (matrix[i] as number[])[i] as number;
    const support = (matrix[i] as number[]).reduce((a, b) => a + b, 0);
    const predictedN = matrix.reduce((a, row) => a + (row[i] as number), 0);
    const precision = predictedN ? tp / predictedN : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support, predicted: predictedN };
  });
  return {
    n: truth.length,
    accuracy: truth.length ? correct / truth.length : 0,
    macroF1: macroOverTruth(perClass),
    perClass,
    labels,
    matrix,
  };
}

function macroOverTruth(perClass: readonly ClassMetrics[]): number {
  const present = perClass.filter((c) => c.support > 0);
  return present.length ? present.reduce((a, c) => a + c.f1, 0) / present.length : 0;
}
