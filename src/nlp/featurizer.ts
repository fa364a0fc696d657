/**
 * The classifier's hot path from prepared text to a TF-IDF vector: the tokens of `tokenizeInto`,
 * counted straight into the model's vocabulary, without creating a string per token.
 *
 * `tokenizeInto` (tokenizer.ts) is the definition; this is a compiled form of it for one model:
 *  - one scan over the character codes with a per-character class table instead of TOKEN_RE (a
 *    Unicode-property regular expression);
 *  - Han unigrams through an array indexed by the character, bigrams through an integer hash table;
 *  - Chinese words by forward maximum matching on character codes (a rolling hash of the candidate
 *    word, checked against the lexicon's words) instead of slicing candidate strings;
 *  - each distinct English word (as written, apostrophes included) remembered with the vocabulary
 *    indices it yields (character 4-grams, stem), so a word costs one Map lookup.
 * Tokens are counted in the order `tokenizeInto` emits them, so the vector (indices, and float
 * values computed in the same order) is identical to `FeatureSpace.vectorize(tokens)`.
 * Text outside what the scan handles (supplementary-plane letters, English word pairs, Intl words)
 * goes through `tokenizeInto` itself. test/unit/nlp/featurizer.test.ts checks both agree.
 */
import { EMPTY_VECTOR, type FeatureSpace, type SparseVector } from './features';
import { type Lexicon, type TokenizerOptions, type TokenSink, stem, tokenizeInto, tokenizerInternals } from './tokenizer';

const { HAN_BASE, HAN_SPAN, ZH_STOP_INDEX, ZH_STOP_WORDS, EN_STOP, MASK_RE, charGrams, encodeTokenKey, PLACEHOLDER_TOKENS } = tokenizerInternals;

// ---------------------------------------------------------------------------------------------
// Character classes (what TOKEN_RE's alternatives test), filled on first sight

const CLS_KNOWN = 1;
/** \p{Script=Han} */
const CLS_HAN = 2;
/** [\p{Script=Latin}'] */
const CLS_LATIN = 4;
/** \p{L} */
const CLS_LETTER = 8;
const CLS_SURROGATE = 16;
const CHAR_CLASS = new Uint8Array(0x10000);
const HAN_CHAR_RE = /^\p{Script=Han}$/u;
const LATIN_CHAR_RE = /^[\p{Script=Latin}']$/u;
const LETTER_CHAR_RE = /^\p{L}$/u;

function classOf(s: string): number {
  let k = CLS_KNOWN;
  if (HAN_CHAR_RE.test(s)) k |= CLS_HAN;
  if (LATIN_CHAR_RE.test(s)) k |= CLS_LATIN;
  if (LETTER_CHAR_RE.test(s)) k |= CLS_LETTER;
  return k;
}

function computeClass(c: number): number {
  const k = c >= 0xd800 && c <= 0xdfff ? CLS_KNOWN | CLS_SURROGATE : classOf(String.fromCharCode(c));
  CHAR_CLASS[c] = k;
  return k;
}

const SUPPLEMENTARY_CLASS = new Map<number, number>();

/** Class of the code point at i when it is a surrogate pair (0 for a lone surrogate: not a letter). */
function pairClass(text: string, i: number): number {
  const hi = text.charCodeAt(i);
  const lo = text.charCodeAt(i + 1);
  if (hi > 0xdbff || !(lo >= 0xdc00 && lo <= 0xdfff)) return 0;
  const cp = ((hi - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
  let k = SUPPLEMENTARY_CLASS.get(cp);
  if (k === undefined) {
    k = classOf(String.fromCodePoint(cp));
    if (SUPPLEMENTARY_CLASS.size < 10_000) SUPPLEMENTARY_CLASS.set(cp, k);
  }
  return k;
}

// ---------------------------------------------------------------------------------------------
// Integer hash table (compact token keys → vocabulary index); key 0 is never a token key

class IntIndex {
  private readonly keys: Int32Array;
  private readonly values: Int32Array;
  private readonly mask: number;

  constructor(entries: readonly (readonly [number, number])[]) {
    // at most a quarter full: a key that is absent (most bigrams of a text) stops after ≈ 1.4 probes
    let size = 16;
    while (size < entries.length * 4) size *= 2;
    this.keys = new Int32Array(size);
    this.values = new Int32Array(size);
    this.mask = size - 1;
    for (const [key, value] of entries) {
      if (key === 0) throw new Error('IntIndex: key 0 is reserved');
      let h = IntIndex.hash(key) & this.mask;
      while (this.keys[h] !== 0 && this.keys[h] !== key) h = (h + 1) & this.mask;
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
    const keys = this.keys;
    let h = IntIndex.hash(key) & this.mask;
    for (;;) {
      const k = keys[h] as number;
      if (k === key) return this.values[h] as number;
      if (k === 0) return -1;
      h = (h + 1) & this.mask;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The lexicon on character codes

function wordHash(h: number, c: number): number {
  return (Math.imul(h, 31) + c) | 0;
}

class CodeLexicon {
  /** The words whose characters all have compact keys (only those can match inside a compact run). */
  readonly words: string[] = [];
  /** Vocabulary index of each word (-1: not in the vocabulary, -2: a stop word that is dropped). */
  readonly features: Int32Array;
  readonly maxLength: number;
  /** Bigram keys of the words' first two characters. */
  private readonly prefixes: IntIndex;
  private readonly slots: Int32Array;
  private readonly slotMask: number;
  /** Rolling hashes of the candidate words at the current position (index = length). */
  readonly hashes: Int32Array;

  constructor(lexicon: Lexicon, space: FeatureSpace, dropStop: boolean) {
    const prefixes = new Map<number, number>();
    let maxLength = 0;
    for (const w of lexicon.words) {
      let compact = w.length >= 2;
      for (let i = 0; i < w.length && compact; i++) compact = w.charCodeAt(i) >= HAN_BASE && w.charCodeAt(i) < HAN_BASE + HAN_SPAN;
      if (!compact) continue;
      this.words.push(w);
      prefixes.set(bigramKey(w.charCodeAt(0) - HAN_BASE, w.charCodeAt(1) - HAN_BASE), 1);
      if (w.length > maxLength) maxLength = w.length;
    }
    this.maxLength = maxLength;
    this.prefixes = new IntIndex([...prefixes]);
    this.features = Int32Array.from(this.words, (w) => (dropStop && ZH_STOP_WORDS.has(w) ? -2 : (space.indexOf(w) ?? -1)));
    let size = 16;
    while (size < this.words.length * 2) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.slotMask = size - 1;
    this.words.forEach((w, id) => {
      let h = 0;
      for (let i = 0; i < w.length; i++) h = wordHash(h, w.charCodeAt(i));
      let s = (h ^ (h >>> 13)) & this.slotMask;
      while (this.slots[s] !== -1) s = (s + 1) & this.slotMask;
      this.slots[s] = id;
    });
    this.hashes = new Int32Array(maxLength + 1);
  }

  hasPrefix(key: number): boolean {
    return this.prefixes.get(key) >= 0;
  }

  /** Id of the word text[at, at + length) whose rolling hash is h, or -1. */
  find(h: number, text: string, at: number, length: number): number {
    let s = (h ^ (h >>> 13)) & this.slotMask;
    for (;;) {
      const id = this.slots[s] as number;
      if (id < 0) return -1;
      const w = this.words[id] as string;
      if (w.length === length) {
        let same = true;
        for (let i = 0; i < length && same; i++) same = w.charCodeAt(i) === text.charCodeAt(at + i);
        if (same) return id;
      }
      s = (s + 1) & this.slotMask;
    }
  }
}

function bigramKey(a: number, b: number): number {
  return HAN_SPAN + a * HAN_SPAN + b;
}

// ---------------------------------------------------------------------------------------------
// English words as written → their vocabulary indices, looked up by a rolling hash of the
// characters (no substring is created for a word seen before)

/** Distinct English words remembered per featurizer before the memory is cleared. */
const LATIN_CACHE_MAX = 50_000;
const NO_FEATURES = new Int32Array(0);

class WordMemo {
  private slots = new Int32Array(1024).fill(-1);
  private mask = 1023;
  private hashes: number[] = [];
  private words: string[] = [];
  private features: Int32Array[] = [];

  /** The features remembered for text[from, to) (whose rolling hash is h), or undefined. */
  get(h: number, text: string, from: number, to: number): Int32Array | undefined {
    const length = to - from;
    let s = (h ^ (h >>> 15)) & this.mask;
    for (;;) {
      const id = this.slots[s] as number;
      if (id < 0) return undefined;
      if (this.hashes[id] === h) {
        const w = this.words[id] as string;
        if (w.length === length) {
          let same = true;
          for (let i = 0; i < length && same; i++) same = w.charCodeAt(i) === text.charCodeAt(from + i);
          if (same) return this.features[id];
        }
      }
      s = (s + 1) & this.mask;
    }
  }

  set(h: number, word: string, features: Int32Array): void {
    if (this.words.length >= LATIN_CACHE_MAX) this.clear(1024);
    else if (this.words.length * 2 >= this.slots.length) this.rehash(this.slots.length * 2);
    this.insert(this.words.length, h);
    this.hashes.push(h);
    this.words.push(word);
    this.features.push(features);
  }

  private insert(id: number, h: number): void {
    let s = (h ^ (h >>> 15)) & this.mask;
    while (this.slots[s] !== -1) s = (s + 1) & this.mask;
    this.slots[s] = id;
  }

  private clear(size: number): void {
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    this.hashes = [];
    this.words = [];
    this.features = [];
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    this.hashes.forEach((h, id) => this.insert(id, h));
  }
}

/** Counts tokens of one model's vocabulary into a TF-IDF vector; one text at a time. */
export class Featurizer {
  private readonly counts: Float64Array;
  private readonly touched: Int32Array;
  private readonly values: Float32Array;
  private touchedCount = 0;
  private readonly unigrams: Int32Array;
  private readonly bigrams: IntIndex;
  private readonly grams: IntIndex;
  private readonly lexicon: CodeLexicon | null;
  private readonly latin = new WordMemo();
  private readonly placeholders: Int32Array;
  private readonly charUnigrams: boolean;
  private readonly charBigrams: boolean;
  private readonly charGrams: boolean;
  private readonly dropStop: boolean;
  /** Options the scan does not implement: every text goes through tokenizeInto. */
  private readonly alwaysGeneric: boolean;
  /** tokenizeInto's sink, counting into the same vector. */
  private readonly sink: TokenSink;

  constructor(
    private readonly space: FeatureSpace,
    private readonly options: TokenizerOptions,
  ) {
    const dim = space.size;
    this.counts = new Float64Array(dim);
    this.touched = new Int32Array(dim);
    this.values = new Float32Array(dim);
    this.unigrams = new Int32Array(HAN_SPAN).fill(-1);
    const bigrams: [number, number][] = [];
    const grams: [number, number][] = [];
    space.terms.forEach((t, i) => {
      const key = encodeTokenKey(t);
      if (key === undefined) return;
      if (key < 0) grams.push([key, i]);
      else if (key < HAN_SPAN) this.unigrams[key] = i;
      else bigrams.push([key, i]);
    });
    this.bigrams = new IntIndex(bigrams);
    this.grams = new IntIndex(grams);
    this.charUnigrams = options.charUnigrams ?? true;
    this.charBigrams = options.charBigrams ?? true;
    this.charGrams = options.englishCharGrams ?? false;
    this.dropStop = options.stopWords ?? true;
    this.lexicon = options.lexicon ? new CodeLexicon(options.lexicon, space, this.dropStop) : null;
    this.alwaysGeneric = (options.englishBigrams ?? false) || (!options.lexicon && (options.intlWords ?? false));
    this.placeholders = Int32Array.from(PLACEHOLDER_TOKENS, (p) => space.indexOf(p) ?? -1);
    this.sink = {
      add: (token: string) => this.count(space.indexOf(token) ?? -1),
      addKey: (key: number) => this.count(this.keyIndex(key)),
    };
  }

  private keyIndex(key: number): number {
    return key < 0 ? this.grams.get(key) : key < HAN_SPAN ? (this.unigrams[key] as number) : this.bigrams.get(key);
  }

  private count(i: number): void {
    if (i < 0) return;
    const counts = this.counts;
    if (counts[i] === 0) this.touched[this.touchedCount++] = i;
    counts[i] = (counts[i] as number) + 1;
  }

  private reset(): void {
    for (let k = 0; k < this.touchedCount; k++) this.counts[this.touched[k] as number] = 0;
    this.touchedCount = 0;
  }

  /**
   * The TF-IDF vector of text that went through prepareText (`withPlaceholders`), plus extra tokens
   * (the rule signals) counted after the text's own. It views the featurizer's buffers: use it (or
   * copy it) before the next call.
   */
  vectorize(text: string, extraTokens: readonly string[] = []): SparseVector {
    this.reset();
    if (this.alwaysGeneric || !this.scan(text)) {
      this.reset();
      tokenizeInto(text, this.options, this.sink);
    }
    for (const t of extraTokens) this.count(this.space.indexOf(t) ?? -1);
    return this.finish();
  }

  /**
   * Sublinear TF × idf, L2-normalised: FeatureSpace's arithmetic, in the same order. The vector views
   * this featurizer's buffers (no allocation per text): it is valid until the next vectorize().
   */
  private finish(): SparseVector {
    const n = this.touchedCount;
    if (n === 0) return EMPTY_VECTOR;
    const counts = this.counts;
    const idf = this.space.idf;
    const indices = this.touched;
    const values = this.values;
    let norm = 0;
    for (let k = 0; k < n; k++) {
      const i = indices[k] as number;
      const c = counts[i] as number;
      const v = (c === 1 ? 1 : 1 + Math.log(c)) * (idf[i] as number);
      counts[i] = 0;
      values[k] = v;
      norm += v * v;
    }
    this.touchedCount = 0;
    const inv = 1 / Math.sqrt(norm);
    for (let k = 0; k < n; k++) values[k] = (values[k] as number) * inv;
    return { indices: indices.subarray(0, n), values: values.subarray(0, n) };
  }

  /** TOKEN_RE's scan; false when the text needs tokenizeInto (a supplementary-plane letter). */
  private scan(text: string): boolean {
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      let cls = CHAR_CLASS[c] as number;
      if (cls === 0) cls = computeClass(c);
      if (c === 60) {
        const p = this.placeholderAt(text, i);
        if (p >= 0) {
          this.count(this.placeholders[p] as number);
          i += (PLACEHOLDER_TOKENS[p] as string).length;
        } else i++;
        continue;
      }
      if ((cls & CLS_SURROGATE) !== 0) {
        if ((pairClass(text, i) & (CLS_HAN | CLS_LATIN | CLS_LETTER)) !== 0) return false;
        i++;
        continue;
      }
      const want = (cls & CLS_HAN) !== 0 ? CLS_HAN : (cls & CLS_LATIN) !== 0 ? CLS_LATIN : (cls & CLS_LETTER) !== 0 ? CLS_LETTER : 0;
      if (want === 0) {
        i++;
        continue;
      }
      let j = i + 1;
      let h = wordHash(0, c);
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        let k = CHAR_CLASS[d] as number;
        if (k === 0) k = computeClass(d);
        if ((k & CLS_SURROGATE) !== 0) {
          if ((pairClass(text, j) & want) !== 0) return false;
          break;
        }
        if ((k & want) === 0) break;
        h = wordHash(h, d);
      }
      if (want === CLS_HAN) this.han(text, i, j);
      else if (want === CLS_LATIN) this.latinWord(text, i, j, h);
      else this.count(this.space.indexOf(text.slice(i, j)) ?? -1);
      i = j;
    }
    return true;
  }

  private placeholderAt(text: string, i: number): number {
    for (let p = 0; p < PLACEHOLDER_TOKENS.length; p++) if (text.startsWith(PLACEHOLDER_TOKENS[p] as string, i)) return p;
    return -1;
  }

  /** hanTokens on text[from, to). */
  private han(text: string, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c < HAN_BASE || c >= HAN_BASE + HAN_SPAN) {
        tokenizerInternals.hanTokens(text.slice(from, to), this.options, this.dropStop, this.sink);
        return;
      }
    }
    const unigrams = this.charUnigrams;
    const bigrams = this.charBigrams;
    const dropStop = this.dropStop;
    let prev = -1;
    let prevStop = false;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i) - HAN_BASE;
      const stop = ZH_STOP_INDEX[c] === 1;
      if (bigrams && prev >= 0 && !(dropStop && prevStop && stop)) this.count(this.bigrams.get(bigramKey(prev, c)));
      if (unigrams && !(dropStop && stop)) this.count(this.unigrams[c] as number);
      prev = c;
      prevStop = stop;
    }
    if (to - from >= 2 && this.lexicon) this.words(text, from, to, this.lexicon);
  }

  /** segmentWithLexicon on text[from, to) (all characters compact). */
  private words(text: string, from: number, to: number, lexicon: CodeLexicon): void {
    const hashes = lexicon.hashes;
    let i = from;
    while (i < to - 1) {
      let matched = 0;
      if (lexicon.hasPrefix(bigramKey(text.charCodeAt(i) - HAN_BASE, text.charCodeAt(i + 1) - HAN_BASE))) {
        const max = Math.min(lexicon.maxLength, to - i);
        let h = 0;
        for (let len = 1; len <= max; len++) {
          h = wordHash(h, text.charCodeAt(i + len - 1));
          hashes[len] = h;
        }
        for (let len = max; len >= 2; len--) {
          const id = lexicon.find(hashes[len] as number, text, i, len);
          if (id >= 0) {
            const f = lexicon.features[id] as number;
            if (f !== -2) this.count(f);
            matched = len;
            break;
          }
        }
      }
      i += matched || 1;
    }
  }

  /** The Latin branch of tokenizeInto for one word as written (text[from, to), apostrophes included; h its rolling hash). */
  private latinWord(text: string, from: number, to: number, h: number): void {
    let features = this.latin.get(h, text, from, to);
    if (features === undefined) {
      const token = text.slice(from, to);
      features = this.latinFeatures(token);
      this.latin.set(h, token, features);
    }
    for (let k = 0; k < features.length; k++) this.count(features[k] as number);
  }

  private latinFeatures(token: string): Int32Array {
    const word = token.includes("'") ? token.replace(/'/g, '') : token;
    const mask = word.charCodeAt(0) === 120 && MASK_RE.test(word);
    const out: number[] = [];
    if (this.charGrams && word.length >= 3 && !mask) {
      charGrams(word, {
        add: (t: string) => out.push(this.space.indexOf(t) ?? -1),
        addKey: (key: number) => out.push(this.keyIndex(key)),
      });
    }
    if (!(word.length < 2 || mask || (this.dropStop && EN_STOP.has(word)))) out.push(this.space.indexOf(stem(word)) ?? -1);
    const known = out.filter((i) => i >= 0);
    return known.length ? Int32Array.from(known) : NO_FEATURES;
  }
}
