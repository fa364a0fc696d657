import { encodeTokenKey, isUnigramKey, type Tokenizer, type TokenSink } from './text/tokenizer';

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

  constructor(
    readonly terms: readonly string[],
    readonly idf: Float32Array,
  ) {
    if (terms.length !== idf.length) throw new Error(`feature space: ${terms.length} terms but ${idf.length} idf values`);
    this.index = new Map(terms.map((t, i) => [t, i]));
  }

  get size(): number {
    return this.terms.length;
  }

  indexOf(term: string): number | undefined {
    return this.index.get(term);
  }

  /** Sublinear TF × idf, L2-normalised; unknown tokens are ignored. */
  vectorize(tokens: readonly string[]): SparseVector {
    const counts = new Map<number, number>();
    for (const t of tokens) {
      const i = this.index.get(t);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    return tfidf(Int32Array.from(counts.keys()), Float64Array.from(counts.values()), this.idf);
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

/** (1 + ln tf) × idf of the counted indices, L2-normalised (values in the order of `indices`). */
function tfidf(indices: Int32Array, counts: ArrayLike<number>, idf: ArrayLike<number>, values: Float32Array = new Float32Array(indices.length)): SparseVector {
  if (indices.length === 0) return EMPTY_VECTOR;
  let norm = 0;
  for (let k = 0; k < indices.length; k++) {
    const c = counts[k] as number;
    const v = (c === 1 ? 1 : 1 + Math.log(c)) * (idf[indices[k] as number] as number);
    values[k] = v;
    norm += v * v;
  }
  const inv = 1 / Math.sqrt(norm);
  for (let k = 0; k < indices.length; k++) values[k] = (values[k] as number) * inv;
  return { indices, values };
}

/** Open-addressing hash table from Han bigram keys (never -1) to vocabulary indices. */
class IntIndex {
  private readonly keys: Int32Array;
  private readonly values: Int32Array;
  private readonly mask: number;

  constructor(entries: readonly (readonly [number, number])[]) {
    // at most a quarter full: a key that is absent (most bigrams of a text) stops after ≈ 1.4 probes
    let size = 16;
    while (size < entries.length * 4) size *= 2;
    this.keys = new Int32Array(size).fill(-1);
    this.values = new Int32Array(size);
    this.mask = size - 1;
    for (const [key, value] of entries) {
      let h = IntIndex.hash(key) & this.mask;
      while (this.keys[h] !== -1) h = (h + 1) & this.mask;
      this.keys[h] = key;
      this.values[h] = value;
    }
  }

  private static hash(key: number): number {
    const h = Math.imul(key, 0x9e3779b1);
    return h ^ (h >>> 15);
  }

  /** The value of the key, or -1. */
  get(key: number): number {
    for (let h = IntIndex.hash(key) & this.mask; ; h = (h + 1) & this.mask) {
      const k = this.keys[h] as number;
      if (k === key) return this.values[h] as number;
      if (k === -1) return -1;
    }
  }
}

/** Distinct English words remembered per vectorizer before the memory is cleared. */
const LATIN_MEMO_MAX = 50_000;

/**
 * The classifier's path from prepared text to a TF-IDF vector: the tokenizer's scan counted straight
 * into one model's vocabulary, without a string per token (Han unigrams through an array, bigrams
 * through an integer hash table, lexicon words by id, each English word as written remembered with
 * the indices of its tokens). The vector equals `space.vectorize(tokensOf(text, tokenizer))`.
 * One text at a time: the vector views the vectorizer's buffers until its next call.
 */
export class Vectorizer implements TokenSink {
  private readonly counts: Float64Array;
  private readonly touched: Int32Array;
  private readonly touchedCounts: Float64Array;
  private readonly values: Float32Array;
  private touchedCount = 0;
  private readonly unigrams: Int32Array;
  private readonly bigrams: IntIndex;
  private readonly words: Int32Array;
  private readonly latinMemo = new Map<string, Int32Array>();

  constructor(
    private readonly space: FeatureSpace,
    private readonly tokenizer: Tokenizer,
  ) {
    this.counts = new Float64Array(space.size);
    this.touched = new Int32Array(space.size);
    this.touchedCounts = new Float64Array(space.size);
    this.values = new Float32Array(space.size);
    this.unigrams = new Int32Array(0xa000).fill(-1);
    const bigrams: [number, number][] = [];
    space.terms.forEach((t, i) => {
      const key = encodeTokenKey(t);
      if (key === undefined) return;
      if (isUnigramKey(key)) this.unigrams[key] = i;
      else bigrams.push([key, i]);
    });
    this.bigrams = new IntIndex(bigrams);
    this.words = Int32Array.from(tokenizer.lexicon, (w) => space.indexOf(w) ?? -1);
  }

  private count(i: number): void {
    if (i < 0) return;
    if (this.counts[i] === 0) this.touched[this.touchedCount++] = i;
    this.counts[i] = (this.counts[i] as number) + 1;
  }

  key(key: number): void {
    this.count(isUnigramKey(key) ? (this.unigrams[key] as number) : this.bigrams.get(key));
  }

  word(id: number): void {
    this.count(this.words[id] as number);
  }

  latin(text: string, from: number, to: number): void {
    const written = text.slice(from, to);
    let indices = this.latinMemo.get(written);
    if (indices === undefined) {
      indices = Int32Array.from(
        this.tokenizer.latinTokens(written).map((t) => this.space.indexOf(t) ?? -1),
      ).filter((i) => i >= 0);
      if (this.latinMemo.size >= LATIN_MEMO_MAX) this.latinMemo.clear();
      this.latinMemo.set(written, indices);
    }
    for (let k = 0; k < indices.length; k++) this.count(indices[k] as number);
  }

  token(token: string): void {
    this.count(this.space.indexOf(token) ?? -1);
  }

  /** The TF-IDF vector of prepared text, plus extra tokens (the rule signals) counted after the text's own. */
  vectorize(text: string, extraTokens: readonly string[] = []): SparseVector {
    this.tokenizer.scan(text, this);
    for (const t of extraTokens) this.token(t);
    const n = this.touchedCount;
    this.touchedCount = 0;
    const indices = this.touched.subarray(0, n);
    for (let k = 0; k < n; k++) {
      const i = indices[k] as number;
      this.touchedCounts[k] = this.counts[i] as number;
      this.counts[i] = 0;
    }
    return tfidf(indices, this.touchedCounts, this.space.idf, this.values.subarray(0, n));
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
