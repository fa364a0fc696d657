/**
 * Confidence calibration: temperature scaling (one parameter, fitted on out-of-fold logits by
 * minimising the negative log-likelihood) and reliability tables to show whether it worked.
 */

function logSoftmaxAt(logits: ArrayLike<number>, label: number, temperature: number): number {
  let max = -Infinity;
  for (let k = 0; k < logits.length; k++) max = Math.max(max, (logits[k] as number) / temperature);
  let sum = 0;
  for (let k = 0; k < logits.length; k++) sum += Math.exp((logits[k] as number) / temperature - max);
  return (logits[label] as number) / temperature - max - Math.log(sum);
}

/** Mean negative log-likelihood of the true labels under softmax(logits / T). */
export function negativeLogLikelihood(logits: readonly ArrayLike<number>[], labels: readonly number[], temperature: number): number {
  if (logits.length === 0) return 0;
  let s = 0;
  logits.forEach((z, i) => {
    s -= logSoftmaxAt(z, labels[i] as number, temperature);
  });
  return s / logits.length;
}

/**
 * The temperature T in [0.05, 20] that minimises the NLL (golden-section search on log T; the NLL is
 * unimodal in T). T > 1 softens over-confident models, T < 1 sharpens timid ones.
 */
export function fitTemperature(logits: readonly ArrayLike<number>[], labels: readonly number[]): number {
  if (logits.length === 0) return 1;
  const f = (u: number) => negativeLogLikelihood(logits, labels, Math.exp(u));
  let a = Math.log(0.05);
  let b = Math.log(20);
  const r = (Math.sqrt(5) - 1) / 2;
  let c = b - r * (b - a);
  let d = a + r * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < 60 && b - a > 1e-4; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = f(d);
    }
  }
  return Math.exp((a + b) / 2);
}

export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean confidence of the predictions in the bin (NaN when empty). */
  meanConfidence: number;
  /** Share of those predictions that were right (NaN when empty). */
  accuracy: number;
}

/** Equal-width confidence bins: how often predictions made with confidence c were right. */
export function reliabilityTable(confidences: readonly number[], correct: readonly boolean[], bins = 10): ReliabilityBin[] {
  const out: ReliabilityBin[] = Array.from({ length: bins }, (_, i) => ({ lower: i / bins, upper: (i + 1) / bins, count: 0, meanConfidence: 0, accuracy: 0 }));
  confidences.forEach((c, i) => {
    const bin = out[Math.min(bins - 1, Math.max(0, Math.floor(c * bins)))] as ReliabilityBin;
    bin.count++;
    bin.meanConfidence += c;
    if (correct[i]) bin.accuracy++;
  });
  for (const bin of out) {
    bin.meanConfidence = bin.count ? bin.meanConfidence / bin.count : NaN;
    bin.accuracy = bin.count ? bin.accuracy / bin.count : NaN;
  }
  return out;
}

/** Expected calibration error: the count-weighted mean |accuracy − confidence| over the bins. */
export function expectedCalibrationError(bins: readonly ReliabilityBin[]): number {
  const total = bins.reduce((a, b) => a + b.count, 0);
  if (!total) return 0;
  return bins.reduce((a, b) => a + (b.count ? (b.count / total) * Math.abs(b.accuracy - b.meanConfidence) : 0), 0);
}
