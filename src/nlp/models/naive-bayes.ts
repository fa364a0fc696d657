/**
 * Naive Bayes text classifiers scored in log space, the reference points of `npm run eval`:
 *
 *  - multinomial naive Bayes as in the textbooks (Manning, Raghavan & Schütze, ch. 13): class prior
 *    from class frequencies, P(feature | class) with Lidstone smoothing α over the training vocabulary,
 *    a text scored by log P(class) + Σ count × log P(feature | class). natural's BayesClassifier
 *    returns exp() of that sum, which underflows to 0 for every class on long texts.
 *  - Complement naive Bayes (Rennie, Shih, Teevan & Karger 2003, "Tackling the poor assumptions of
 *    naive Bayes text classifiers"): each class is described by the features of all the *other*
 *    classes, which keeps small classes from being swamped by the large ones; weights are normalised
 *    per class (their step 8) and the class prior is dropped, as in the paper.
 */
import type { SparseVector } from '../features';

export interface LinearScorer {
  readonly classes: number;
  readonly dim: number;
  /** Feature-major: weight of feature j for class k at `weights[j * classes + k]`. */
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

/** bias + Σ value × weight for every class (log joint for MNB, negated complement weights for CNB). */
export function linearScores(model: LinearScorer, x: SparseVector): Float64Array {
  const K = model.classes;
  const out = Float64Array.from(model.bias);
  for (let n = 0; n < x.indices.length; n++) {
    const base = (x.indices[n] as number) * K;
    const v = x.values[n] as number;
    for (let k = 0; k < K; k++) out[k] = (out[k] as number) + v * (model.weights[base + k] as number);
  }
  return out;
}

/** Per-class sums of the feature values (feature-major) and the number of examples per class. */
function classSums(X: readonly SparseVector[], y: readonly number[], K: number, dim: number): { sums: Float64Array; docs: Float64Array } {
  const sums = new Float64Array(dim * K);
  const docs = new Float64Array(K);
  X.forEach((x, i) => {
    const k = y[i] as number;
    docs[k] = (docs[k] as number) + 1;
    for (let n = 0; n < x.indices.length; n++) {
      const at = (x.indices[n] as number) * K + k;
      sums[at] = (sums[at] as number) + (x.values[n] as number);
    }
  });
  return { sums, docs };
}

/** Multinomial naive Bayes on term counts; α = 0.5 unless given. */
export function trainMultinomialNB(X: readonly SparseVector[], y: readonly number[], classes: number, dim: number, options: { alpha?: number } = {}): LinearScorer {
  const alpha = options.alpha ?? 0.5;
  const K = classes;
  const { sums, docs } = classSums(X, y, K, dim);
  const bias = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    // a class without examples keeps a tiny prior rather than -Infinity
    bias[k] = Math.log(Math.max(docs[k] as number, 1e-3) / X.length);
    let total = 0;
    for (let j = 0; j < dim; j++) total += sums[j * K + k] as number;
    const denom = Math.log(total + alpha * dim);
    for (let j = 0; j < dim; j++) sums[j * K + k] = Math.log((sums[j * K + k] as number) + alpha) - denom;
  }
  return { classes: K, dim, weights: sums, bias };
}

/** Complement naive Bayes with normalised weights; α = 1 unless given (inputs: counts or TF-IDF values). */
export function trainComplementNB(X: readonly SparseVector[], y: readonly number[], classes: number, dim: number, options: { alpha?: number } = {}): LinearScorer {
  const alpha = options.alpha ?? 1;
  const K = classes;
  const { sums } = classSums(X, y, K, dim);
  const weights = new Float64Array(dim * K);
  const totals = new Float64Array(dim);
  for (let j = 0; j < dim; j++) for (let k = 0; k < K; k++) totals[j] = (totals[j] as number) + (sums[j * K + k] as number);
  for (let k = 0; k < K; k++) {
    let complement = 0;
    for (let j = 0; j < dim; j++) complement += (totals[j] as number) - (sums[j * K + k] as number) + alpha;
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const w = Math.log(((totals[j] as number) - (sums[j * K + k] as number) + alpha) / complement);
      weights[j * K + k] = w;
      norm += Math.abs(w);
    }
    // a text scores high for the class whose complement explains it worst: minus the normalised weight
    for (let j = 0; j < dim; j++) weights[j * K + k] = -(weights[j * K + k] as number) / norm;
  }
  return { classes: K, dim, weights, bias: new Float64Array(K) };
}
