/**
 * Multinomial naive Bayes scored in log space (Laplace/Lidstone smoothing). natural's BayesClassifier
 * returns exp() of the summed log-probabilities, which underflows to 0 for every class on long texts;
 * this one returns normalised log-posteriors and never leaves log space until the final softmax.
 */
import type { SparseVector } from '../features';

export interface NaiveBayesModel {
  readonly classes: number;
  readonly dim: number;
  readonly logPrior: Float64Array;
  /** Feature-major: log P(feature j | class k) at `logLikelihood[j * classes + k]`. */
  readonly logLikelihood: Float64Array;
}

export function trainNaiveBayes(
  counts: readonly SparseVector[],
  y: readonly number[],
  classes: number,
  dim: number,
  options: { alpha?: number } = {},
): NaiveBayesModel {
  const alpha = options.alpha ?? 1;
  const K = classes;
  const docs = new Float64Array(K);
  const totals = new Float64Array(K);
  const ll = new Float64Array(dim * K);
  counts.forEach((x, i) => {
    const k = y[i] as number;
    docs[k] = (docs[k] as number) + 1;
    for (let n = 0; n < x.indices.length; n++) {
      const at = (x.indices[n] as number) * K + k;
      const c = x.values[n] as number;
      ll[at] = (ll[at] as number) + c;
      totals[k] = (totals[k] as number) + c;
    }
  });
  const logPrior = new Float64Array(K);
  const nDocs = counts.length;
  for (let k = 0; k < K; k++) {
    // a class without examples keeps a tiny prior rather than -Infinity
    logPrior[k] = Math.log(Math.max(docs[k] as number, 1e-3) / nDocs);
    const denom = Math.log((totals[k] as number) + alpha * dim);
    for (let j = 0; j < dim; j++) ll[j * K + k] = Math.log((ll[j * K + k] as number) + alpha) - denom;
  }
  return { classes: K, dim, logPrior, logLikelihood: ll };
}

/** Unnormalised log joint scores log P(k) + Σ count × log P(feature | k). */
export function naiveBayesScores(model: NaiveBayesModel, counts: SparseVector): Float64Array {
  const K = model.classes;
  const out = Float64Array.from(model.logPrior);
  for (let n = 0; n < counts.indices.length; n++) {
    const base = (counts.indices[n] as number) * K;
    const c = counts.values[n] as number;
    for (let k = 0; k < K; k++) out[k] = (out[k] as number) + c * (model.logLikelihood[base + k] as number);
  }
  return out;
}
