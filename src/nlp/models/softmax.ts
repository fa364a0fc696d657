/**
 * Multinomial logistic regression (softmax) with L2 regularisation, trained by full-batch L-BFGS on
 * sparse TF-IDF vectors. Deterministic: no sampling, so the same data gives the same weights.
 */
import type { SparseVector } from '../features';

export interface SoftmaxOptions {
  /** L2 penalty on the weights (not the biases), relative to the mean loss. Default 1e-3. */
  l2?: number;
  /** Loss weight of each class (e.g. inverse frequency); default 1 for all. */
  classWeights?: readonly number[];
  /** L-BFGS iterations at most. Default 200. */
  maxIterations?: number;
  /** Stop when the relative decrease of the loss falls below this. Default 1e-6. */
  tolerance?: number;
}

/** Weights are feature-major: weight of feature j for class k is `weights[j * classes + k]`. */
export interface SoftmaxWeights {
  readonly classes: number;
  readonly dim: number;
  readonly weights: Float32Array | Float64Array;
  readonly bias: Float64Array;
}

/** Logits of one vector, written into `out` (length = classes). */
export function softmaxLogits(model: SoftmaxWeights, x: SparseVector, out = new Float64Array(model.classes)): Float64Array {
  const K = model.classes;
  const W = model.weights;
  for (let k = 0; k < K; k++) out[k] = model.bias[k] as number;
  const { indices, values } = x;
  for (let n = 0; n < indices.length; n++) {
    const base = (indices[n] as number) * K;
    const v = values[n] as number;
    for (let k = 0; k < K; k++) out[k] = (out[k] as number) + v * (W[base + k] as number);
  }
  return out;
}

/** Index of the largest value (the first one on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if ((values[k] as number) > (values[best] as number)) best = k;
  return best;
}

/** Softmax of logits divided by a temperature, in place; returns its argument. */
export function softmaxInPlace(z: Float64Array, temperature = 1): Float64Array {
  let max = -Infinity;
  for (let k = 0; k < z.length; k++) if ((z[k] as number) > max) max = z[k] as number;
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    const e = Math.exp(((z[k] as number) - max) / temperature);
    z[k] = e;
    sum += e;
  }
  for (let k = 0; k < z.length; k++) z[k] = (z[k] as number) / sum;
  return z;
}

export function trainSoftmax(
  X: readonly SparseVector[],
  y: readonly number[],
  classes: number,
  dim: number,
  options: SoftmaxOptions = {},
): SoftmaxWeights {
  if (X.length !== y.length) throw new Error(`softmax: ${X.length} vectors but ${y.length} labels`);
  if (X.length === 0) throw new Error('softmax: no training examples');
  const K = classes;
  const l2 = options.l2 ?? 1e-3;
  const cw = options.classWeights ?? new Array<number>(K).fill(1);
  const nW = dim * K;
  let totalWeight = 0;
  for (const label of y) totalWeight += cw[label] ?? 1;
  const z = new Float64Array(K);

  const objective = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < X.length; i++) {
      const x = X[i] as SparseVector;
      const label = y[i] as number;
      const w = (cw[label] ?? 1) / totalWeight;
      for (let k = 0; k < K; k++) z[k] = theta[nW + k] as number;
      const { indices, values } = x;
      for (let n = 0; n < indices.length; n++) {
        const base = (indices[n] as number) * K;
        const v = values[n] as number;
        for (let k = 0; k < K; k++) z[k] = (z[k] as number) + v * (theta[base + k] as number);
      }
      let max = -Infinity;
      for (let k = 0; k < K; k++) if ((z[k] as number) > max) max = z[k] as number;
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp((z[k] as number) - max);
      const lse = max + Math.log(sum);
      loss += w * (lse - (z[label] as number));
      for (let k = 0; k < K; k++) {
        const g = w * (Math.exp((z[k] as number) - lse) - (k === label ? 1 : 0));
        grad[nW + k] = (grad[nW + k] as number) + g;
        z[k] = g;
      }
      for (let n = 0; n < indices.length; n++) {
        const base = (indices[n] as number) * K;
        const v = values[n] as number;
        for (let k = 0; k < K; k++) grad[base + k] = (grad[base + k] as number) + v * (z[k] as number);
      }
    }
    let reg = 0;
    for (let j = 0; j < nW; j++) {
      const t = theta[j] as number;
      reg += t * t;
      grad[j] = (grad[j] as number) + l2 * t;
    }
    return loss + 0.5 * l2 * reg;
  };

  const theta = minimizeLbfgs(objective, new Float64Array(nW + K), {
    maxIterations: options.maxIterations ?? 200,
    tolerance: options.tolerance ?? 1e-6,
  });
  return { classes: K, dim, weights: theta.subarray(0, nW), bias: theta.slice(nW) };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Limited-memory BFGS with a backtracking (Armijo) line search. */
export function minimizeLbfgs(
  f: (x: Float64Array, grad: Float64Array) => number,
  x0: Float64Array,
  options: { maxIterations: number; tolerance: number; memory?: number },
): Float64Array {
  const n = x0.length;
  const m = options.memory ?? 7;
  let x = x0.slice();
  let g = new Float64Array(n);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Array<number>(m).fill(0);
  const d = new Float64Array(n);
  let xn = new Float64Array(n);
  let gn = new Float64Array(n);
  for (let iter = 0; iter < options.maxIterations; iter++) {
    // two-loop recursion: d = -H g
    d.set(g);
    for (let i = S.length - 1; i >= 0; i--) {
      const a = (rho[i] as number) * dot(S[i] as Float64Array, d);
      alpha[i] = a;
      const yi = Y[i] as Float64Array;
      for (let j = 0; j < n; j++) d[j] = (d[j] as number) - a * (yi[j] as number);
    }
    const last = S.length - 1;
    const gamma = last >= 0 ? 1 / ((rho[last] as number) * dot(Y[last] as Float64Array, Y[last] as Float64Array)) : 1 / Math.max(Math.sqrt(dot(g, g)), 1e-12);
    for (let j = 0; j < n; j++) d[j] = (d[j] as number) * gamma;
    for (let i = 0; i < S.length; i++) {
      const b = (rho[i] as number) * dot(Y[i] as Float64Array, d);
      const si = S[i] as Float64Array;
      const a = alpha[i] as number;
      for (let j = 0; j < n; j++) d[j] = (d[j] as number) + (a - b) * (si[j] as number);
    }
    for (let j = 0; j < n; j++) d[j] = -(d[j] as number);
    let gd = dot(g, d);
    if (!(gd < 0)) {
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      const scale = 1 / Math.max(Math.sqrt(dot(g, g)), 1e-12);
      for (let j = 0; j < n; j++) d[j] = -(g[j] as number) * scale;
      gd = dot(g, d);
      if (!(gd < 0)) break;
    }
    let step = 1;
    let fn = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let j = 0; j < n; j++) xn[j] = (x[j] as number) + step * (d[j] as number);
      fn = f(xn, gn);
      if (fn <= fx + 1e-4 * step * gd) break;
      step *= 0.5;
    }
    if (!(fn <= fx)) break;
    const s = new Float64Array(n);
    const yv = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      s[j] = (xn[j] as number) - (x[j] as number);
      yv[j] = (gn[j] as number) - (g[j] as number);
    }
    const sy = dot(s, yv);
    if (sy > 1e-12) {
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
      if (S.length > m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    const decrease = (fx - fn) / Math.max(Math.abs(fx), 1);
    [x, xn] = [xn, x];
    [g, gn] = [gn, g];
    fx = fn;
    if (decrease < options.tolerance) break;
  }
  return x;
}
