/**
 * NB-weighted logistic regression ("NBSVM", Wang & Manning 2012, "Baselines and bigrams: simple, good
 * sentiment and topic classification"), one-vs-rest: for class k the presence of each feature is
 * scaled by its naive Bayes log-count ratio r_k = log((p / |p|₁) / (q / |q|₁)), p and q the smoothed
 * presence counts in class k and in the rest, and a binary L2-regularised logistic regression is
 * trained on those scaled features (the paper's SVM replaced by logistic loss, which gives scores on
 * a common scale for one-vs-rest). A text goes to the class with the highest logit.
 */
import type { SparseVector } from '../features';
import { minimizeLbfgs } from './softmax';

export interface NbsvmModel {
  readonly classes: number;
  readonly dim: number;
  /** Feature-major log-count ratios: r of feature j for class k at `ratios[j * classes + k]`. */
  readonly ratios: Float64Array;
  /** Feature-major weights of the logistic regressions. */
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

export interface NbsvmOptions {
  /** Smoothing of the presence counts. Default 1. */
  alpha?: number;
  /** L2 penalty relative to the mean loss. Default 1e-3. */
  l2?: number;
  /** Loss weight of the positive examples of each class (e.g. to balance a rare class). Default 1. */
  positiveWeights?: readonly number[];
}

/** Binarised features scaled to unit length (presence, not counts; long and short texts alike). */
function presence(x: SparseVector): Float64Array {
  return new Float64Array(x.indices.length).fill(x.indices.length ? 1 / Math.sqrt(x.indices.length) : 0);
}

export function trainNbsvm(X: readonly SparseVector[], y: readonly number[], classes: number, dim: number, options: NbsvmOptions = {}): NbsvmModel {
  const K = classes;
  const alpha = options.alpha ?? 1;
  const l2 = options.l2 ?? 1e-3;
  const counts = new Float64Array(dim * K);
  const all = new Float64Array(dim);
  for (let i = 0; i < X.length; i++) {
    const x = X[i] as SparseVector;
    const k = y[i] as number;
    for (const j of x.indices) {
      counts[j * K + k] = (counts[j * K + k] as number) + 1;
      all[j] = (all[j] as number) + 1;
    }
  }
  const ratios = new Float64Array(dim * K);
  const weights = new Float64Array(dim * K);
  const bias = new Float64Array(K);
  const present = X.map(presence);
  for (let k = 0; k < K; k++) {
    let pSum = 0;
    let qSum = 0;
    for (let j = 0; j < dim; j++) {
      pSum += (counts[j * K + k] as number) + alpha;
      qSum += (all[j] as number) - (counts[j * K + k] as number) + alpha;
    }
    const r = new Float64Array(dim);
    for (let j = 0; j < dim; j++) {
      r[j] = Math.log(((counts[j * K + k] as number) + alpha) / pSum / (((all[j] as number) - (counts[j * K + k] as number) + alpha) / qSum));
      ratios[j * K + k] = r[j] as number;
    }
    const positive = options.positiveWeights?.[k] ?? 1;
    let totalWeight = 0;
    for (const label of y) totalWeight += label === k ? positive : 1;
    const theta = minimizeLbfgs(
      (t, grad) => {
        grad.fill(0);
        let loss = 0;
        for (let i = 0; i < X.length; i++) {
          const x = X[i] as SparseVector;
          const v = present[i] as Float64Array;
          const target = y[i] === k ? 1 : 0;
          const w = (target ? positive : 1) / totalWeight;
          let z = t[dim] as number;
          for (let n = 0; n < x.indices.length; n++) {
            const j = x.indices[n] as number;
            z += (v[n] as number) * (r[j] as number) * (t[j] as number);
          }
          // log(1 + e^z) - target·z, computed stably
          loss += w * (Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - target * z);
          const g = w * (1 / (1 + Math.exp(-z)) - target);
          grad[dim] = (grad[dim] as number) + g;
          for (let n = 0; n < x.indices.length; n++) {
            const j = x.indices[n] as number;
            grad[j] = (grad[j] as number) + g * (v[n] as number) * (r[j] as number);
          }
        }
        let reg = 0;
        for (let j = 0; j < dim; j++) {
          const tj = t[j] as number;
          reg += tj * tj;
          grad[j] = (grad[j] as number) + l2 * tj;
        }
        return loss + 0.5 * l2 * reg;
      },
      new Float64Array(dim + 1),
      { maxIterations: 200, tolerance: 1e-6 },
    );
    for (let j = 0; j < dim; j++) weights[j * K + k] = (theta[j] as number) * (r[j] as number);
    bias[k] = theta[dim] as number;
  }
  return { classes: K, dim, ratios, weights, bias };
}

/** One-vs-rest logits of a text (its features' presence; values are ignored). */
export function nbsvmLogits(model: NbsvmModel, x: SparseVector): Float64Array {
  const K = model.classes;
  const out = Float64Array.from(model.bias);
  const v = x.indices.length ? 1 / Math.sqrt(x.indices.length) : 0;
  for (const j of x.indices) for (let k = 0; k < K; k++) out[k] = (out[k] as number) + v * (model.weights[j * K + k] as number);
  return out;
}
