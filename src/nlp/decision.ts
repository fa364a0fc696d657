/** From calibrated probabilities to a label, with an optional recall-first label. */
import { argmax } from './models/softmax';

export interface Priority {
  label: string;
  threshold: number;
}

/** Index of the chosen label: the priority label when its probability reaches the threshold, else the most likely. */
export function decide(labels: readonly string[], probabilities: ArrayLike<number>, priority?: Priority | null): number {
  if (priority) {
    const k = labels.indexOf(priority.label);
    if (k >= 0 && (probabilities[k] as number) >= priority.threshold) return k;
  }
  return argmax(probabilities);
}

/** Candidate thresholds, highest first (0.5 behaves like argmax for two close labels). */
export const PRIORITY_THRESHOLDS: readonly number[] = [0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.12, 0.1, 0.08, 0.06, 0.05, 0.04, 0.03, 0.02];

/**
 * The highest threshold whose recall (as computed by `recallAt`) reaches the target; the lowest
 * candidate when none does.
 */
export function choosePriorityThreshold(
  recallAt: (threshold: number) => { recall: number; precision: number },
  targetRecall: number,
): { threshold: number; recall: number; precision: number } {
  let last = { threshold: 0.5, recall: 0, precision: 0 };
  for (const threshold of PRIORITY_THRESHOLDS) {
    const r = recallAt(threshold);
    last = { threshold, ...r };
    if (r.recall >= targetRecall) return last;
  }
  return last;
}
