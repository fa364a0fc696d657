import { encodeTokenKey, type TokenSink } from './tokenizer';

/**
 * Sparse TF-IDF features over a pruned vocabulary.
 *
 * idf follows natural's TfIdf exactly (`1 + ln(N / (1 + df))`, see test/unit/nlp/features.test.ts);
 * it is computed here from document frequencies because natural's TfIdf.idf() scans every document
 * for every term (O(vocabulary × documents)). Term frequency is sublinear (1 + ln tf) and each vector
 * is L2-normalised, so long narratives and short titles live on the same scale.
 */

export interface SparseVector {
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

export const EMPTY_VECTOR: SparseVector = { indices: new Int32Array(0), values: new Float32Array(0) };

/** natural's TfIdf idf formula. */
export function naturalIdf(documentFrequency: number, documentCount: number): number {
  return 1 + Math.log(documentCount / (1 + documentFrequency));
}

export interface VocabularyOptions {
  /** Keep terms seen in at least this many documents. Default 2. */
  minDf?: number;
  /** Keep at most this many terms (the most frequent by document frequency). Default 50,000. */
  maxFeatures?: number;
}

export class FeatureSpace {
  private readonly index: Map<string, number>;

  /** Index of the terms that have a compact key (Han unigrams and bigrams, English 4-grams). */
  private readonly compact: Map<number, number>;

  constructor(
    readonly terms: readonly string[],
    readonly idf: Float32Array,
  ) {
    if (terms.length !== idf.length) throw new Error(`feature space: ${terms.length} terms but ${idf.length} idf values`);
    this.index = new Map(terms.map((t, i) => [t, i]));
    this.compact = new Map();
    terms.forEach((t, i) => {
      const key = encodeTokenKey(t);
      if (key !== undefined) this.compact.set(key, i);
    });
  }

  get size(): number {
    return this.terms.length;
  }

  indexOf(term: string): number | undefined {
    return this.index.get(term);
  }

  private scratch: Float64Array | undefined;
  private touched: number[] = [];

  private count(i: number | undefined): void {
    if (i === undefined) return;
    const counts = this.scratch as Float64Array;
    if (counts[i] === 0) this.touched.push(i);
    counts[i] = (counts[i] as number) + 1;
  }

  /** A token sink that counts known tokens; `finish()` returns the vector (one at a time). */
  readonly sink: TokenSink & { finish(): SparseVector } = {
    add: (token: string) => this.count(this.index.get(token)),
    addKey: (key: number) => this.count(this.compact.get(key)),
    finish: () => this.finishVector(),
  };

  /** Sublinear TF × idf, L2-normalised; unknown tokens are ignored. */
  vectorize(tokens: readonly string[]): SparseVector {
    this.startVector();
    for (const t of tokens) this.count(this.index.get(t));
    return this.finishVector();
  }

  /** Start counting into the reusable dense buffer (cleared through the list of touched indices). */
  startVector(): void {
    this.scratch ??= new Float64Array(this.terms.length);
    for (const i of this.touched) this.scratch[i] = 0;
    this.touched = [];
  }

  private finishVector(): SparseVector {
    const counts = this.scratch as Float64Array;
    const touched = this.touched;
    this.touched = [];
    if (touched.length === 0) return EMPTY_VECTOR;
    const indices = Int32Array.from(touched);
    const values = new Float32Array(touched.length);
    let norm = 0;
    for (let k = 0; k < touched.length; k++) {
      const i = touched[k] as number;
      const c = counts[i] as number;
      const v = (c === 1 ? 1 : 1 + Math.log(c)) * (this.idf[i] as number);
      counts[i] = 0;
      values[k] = v;
      norm += v * v;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let k = 0; k < values.length; k++) values[k] = (values[k] as number) * inv;
    return { indices, values };
  }

  /** Raw term counts over the vocabulary (for naive Bayes). */
  countVector(tokens: readonly string[]): SparseVector {
    const counts = new Map<number, number>();
    for (const t of tokens) {
      const i = this.index.get(t);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    return { indices: Int32Array.from(counts.keys()), values: Float32Array.from(counts.values()) };
  }
}

/** Build a vocabulary (pruned by document frequency) and its idf from tokenised documents. */
export function buildFeatureSpace(documents: readonly (readonly string[])[], options: VocabularyOptions = {}): FeatureSpace {
  const minDf = options.minDf ?? 2;
  const maxFeatures = options.maxFeatures ?? 50_000;
  const df = new Map<string, number>();
  for (const doc of documents) {
    for (const t of new Set(doc)) df.set(t, (df.get(t) ?? 0) + 1);
  }
  const kept = [...df]
    .filter(([, n]) => n >= minDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, maxFeatures);
  const n = documents.length;
  return new FeatureSpace(
    kept.map(([t]) => t),
    Float32Array.from(kept.map(([, d]) => naturalIdf(d, n))),
  );
}
