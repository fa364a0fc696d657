/**
 * Tokenisation of normalised Chinese and English complaints (text that went through prepareText).
 *
 * natural's tokenizers drop CJK characters, so Chinese is handled here: Han runs give character
 * unigrams, character bigrams and words. Words come from Intl.Segmenter when a model is trained
 * (`learnLexicon`), and at run time from forward maximum matching against that learnt lexicon:
 * Intl.Segmenter costs ≈70 µs per 50-character sentence, more than the classifier's whole budget.
 * English words are stemmed with natural's PorterStemmer and filtered with natural's stop words;
 * optionally each word also gives character 4-grams. Placeholders (`<amount>`) and runs of other
 * scripts are tokens as they are.
 *
 * One scan over the character codes (a per-character class table) emits the tokens into a sink:
 * Han unigrams and bigrams as small integer keys (most tokens; no string is created for them),
 * lexicon words by their id, English words as a range of the text. `tokenize` collects them
 * as strings (training), the Vectorizer in features.ts counts them straight into a model's vocabulary
 * (classification). Both read the same scan, so they cannot disagree.
 */
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer';
import { words as NATURAL_EN_STOP_WORDS } from 'natural/lib/natural/util/stopwords';
import { MAX_TEXT_CHARS, prepareText } from './normalize';
import { PLACEHOLDERS } from './placeholders';

/** The options a trained model records (plain data, saved in the model file). */
export interface TokenizerSettings {
  /** Han character unigrams. */
  charUnigrams: boolean;
  /** Han character bigrams. */
  charBigrams: boolean;
  /** Character 4-grams of English words of ≥ 3 letters, with word boundaries (`# ref`, `#fund`). */
  englishCharGrams: boolean;
  /** Chinese words from the learnt lexicon. */
  words: boolean;
  /** Append the rule detectors' findings as tokens (`!harm`, `!amount_major`…), see rules/detect.ts. */
  signals: boolean;
}

// ---------------------------------------------------------------------------------------------
// Stop words and stems

const EN_STOP = new Set<string>(NATURAL_EN_STOP_WORDS);
/** Function characters of Chinese; negation (不, 没) and quantity (多) are deliberately kept. */
const ZH_STOP_CHARS = '的地得了着过吗呢吧啊嘛呀哦哇嗯哼之与及并等和跟或该这那此其某各每我你您他她它们是在就也都又很把被';
/** Chinese stop words (multi-character), never lexicon words. */
const ZH_STOP_WORDS = new Set<string>(['我们', '你们', '他们', '她们', '这个', '那个', '这样', '那样', '一个', '然后', '但是', '因为', '所以', '而且', '还是', '就是', '已经', '可以', '自己', '什么', '怎么', '这些', '那些', '的话', '时候']);
/** `xxxx`: personal data masked in the source. */
const MASK_RE = /^x{2,}$/;

const STEM_CACHE = new Map<string, string>();
const STEM_CACHE_MAX = 100_000;

/** natural's PorterStemmer, memoised (it costs ≈4 µs a word). */
export function stem(word: string): string {
  let s = STEM_CACHE.get(word);
  if (s === undefined) {
    s = PorterStemmer.stem(word);
    if (STEM_CACHE.size >= STEM_CACHE_MAX) STEM_CACHE.clear();
    STEM_CACHE.set(word, s);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Compact keys: Han unigrams and bigrams as small integers

const HAN_BASE = 0x3400;
/** Han characters in [U+3400, U+9FFF] (CJK Extension A and the unified block) have compact keys. */
const HAN_SPAN = 0xa000 - HAN_BASE;

function hanIndex(c: number): number {
  return c >= HAN_BASE && c < HAN_BASE + HAN_SPAN ? c - HAN_BASE : -1;
}

/** Key of a Han unigram (0 ≤ key < HAN_SPAN) or bigram (HAN_SPAN ≤ key < HAN_SPAN × (HAN_SPAN + 1)). */
function hanKey(a: number, b = -1): number {
  return b < 0 ? a : HAN_SPAN + a * HAN_SPAN + b;
}

/** A unigram's key (else a bigram's); unigram keys are below 0xa000. */
export function isUnigramKey(key: number): boolean {
  return key < HAN_SPAN;
}

/** The string form of a compact key (`好`, `好用`). */
export function decodeTokenKey(key: number): string {
  if (key < HAN_SPAN) return String.fromCharCode(HAN_BASE + key);
  const k = key - HAN_SPAN;
  return String.fromCharCode(HAN_BASE + Math.floor(k / HAN_SPAN), HAN_BASE + (k % HAN_SPAN));
}

/** The compact key of a token string, when it has one (the inverse of decodeTokenKey). */
export function encodeTokenKey(token: string): number | undefined {
  if (token.length !== 1 && token.length !== 2) return undefined;
  const a = hanIndex(token.charCodeAt(0));
  const b = token.length === 2 ? hanIndex(token.charCodeAt(1)) : -1;
  return a >= 0 && (token.length === 1 || b >= 0) ? hanKey(a, b) : undefined;
}

const ZH_STOP_INDEX = (() => {
  const table = new Uint8Array(HAN_SPAN);
  for (const c of ZH_STOP_CHARS) table[hanIndex(c.charCodeAt(0))] = 1;
  return table;
})();

// ---------------------------------------------------------------------------------------------
// Chinese words: learnt with Intl.Segmenter, matched on character codes

const HAN_RUN_RE = /\p{Script=Han}+/gu;
let segmenter: Intl.Segmenter | undefined;

/** Words (2–8 Han characters) of a Han run according to Intl.Segmenter (slow: training only). */
export function segmentWithIntl(run: string): string[] {
  segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
  const out: string[] = [];
  for (const s of segmenter.segment(run)) {
    if (s.isWordLike && s.segment.length >= 2 && s.segment.length <= 8) out.push(s.segment);
  }
  return out;
}

/** Every Intl.Segmenter word seen in at least `minCount` of the (normalised) texts, stop words left out, sorted. */
export function learnLexicon(normalizedTexts: Iterable<string>, minCount = 2): string[] {
  const counts = new Map<string, number>();
  for (const text of normalizedTexts) {
    const seen = new Set<string>();
    for (const m of text.matchAll(HAN_RUN_RE)) for (const w of segmentWithIntl(m[0])) seen.add(w);
    for (const w of seen) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return [...counts]
    .filter(([w, n]) => n >= minCount && !ZH_STOP_WORDS.has(w))
    .map(([w]) => w)
    .sort();
}

function wordHash(h: number, c: number): number {
  return (Math.imul(h, 31) + c) | 0;
}

/** A lexicon for forward maximum matching on character codes (a rolling hash per candidate length). */
class CodeLexicon {
  /** The words (≥ 2 characters, all with compact keys), by id. */
  readonly words: string[] = [];
  readonly maxLength: number;
  private readonly prefixes = new Set<number>();
  private readonly slots: Int32Array;
  private readonly slotMask: number;
  private readonly hashes: Int32Array;

  constructor(words: Iterable<string>) {
    let maxLength = 0;
    for (const w of new Set(words)) {
      if (w.length < 2 || ZH_STOP_WORDS.has(w) || [...w].some((ch) => hanIndex(ch.charCodeAt(0)) < 0 || ch.length > 1)) continue;
      this.words.push(w);
      this.prefixes.add(hanKey(hanIndex(w.charCodeAt(0)), hanIndex(w.charCodeAt(1))));
      maxLength = Math.max(maxLength, w.length);
    }
    this.maxLength = maxLength;
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

  /** Id of the word text[at, at + length) whose rolling hash is h, or -1. */
  private find(h: number, text: string, at: number, length: number): number {
    for (let s = (h ^ (h >>> 13)) & this.slotMask; ; s = (s + 1) & this.slotMask) {
      const id = this.slots[s] as number;
      if (id < 0) return -1;
      const w = this.words[id] as string;
      if (w.length !== length) continue;
      let same = true;
      for (let i = 0; i < length && same; i++) same = w.charCodeAt(i) === text.charCodeAt(at + i);
      if (same) return id;
    }
  }

  /** Forward maximum matching over text[from, to) (compact Han characters only): the ids of the words found. */
  match(text: string, from: number, to: number, emit: (id: number) => void): void {
    const hashes = this.hashes;
    let i = from;
    while (i < to - 1) {
      let matched = 0;
      if (this.prefixes.has(hanKey(text.charCodeAt(i) - HAN_BASE, text.charCodeAt(i + 1) - HAN_BASE))) {
        const max = Math.min(this.maxLength, to - i);
        let h = 0;
        for (let len = 1; len <= max; len++) hashes[len] = h = wordHash(h, text.charCodeAt(i + len - 1));
        for (let len = max; len >= 2 && matched === 0; len--) {
          const id = this.find(hashes[len] as number, text, i, len);
          if (id >= 0) {
            emit(id);
            matched = len;
          }
        }
      }
      i += matched || 1;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Character classes, filled on first sight

const CLS_KNOWN = 1;
/** \p{Script=Han} */
const CLS_HAN = 2;
/** [\p{Script=Latin}'] */
const CLS_LATIN = 4;
/** \p{L} */
const CLS_LETTER = 8;
const CHAR_CLASS = new Uint8Array(0x10000);
const SUPPLEMENTARY_CLASS = new Map<number, number>();

function classOf(s: string): number {
  return CLS_KNOWN | (/^\p{Script=Han}$/u.test(s) ? CLS_HAN : 0) | (/^[\p{Script=Latin}']$/u.test(s) ? CLS_LATIN : 0) | (/^\p{L}$/u.test(s) ? CLS_LETTER : 0);
}

/** Class of the code point at i (a lone surrogate is no letter) and its length in code units. */
function classAt(text: string, i: number): { cls: number; width: number } {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) {
    const lo = text.charCodeAt(i + 1);
    if (lo >= 0xdc00 && lo <= 0xdfff) {
      const cp = ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
      let k = SUPPLEMENTARY_CLASS.get(cp);
      if (k === undefined) {
        k = classOf(String.fromCodePoint(cp));
        if (SUPPLEMENTARY_CLASS.size < 10_000) SUPPLEMENTARY_CLASS.set(cp, k);
      }
      return { cls: k, width: 2 };
    }
    return { cls: CLS_KNOWN, width: 1 };
  }
  let k = CHAR_CLASS[c] as number;
  if (k === 0) k = CHAR_CLASS[c] = c >= 0xdc00 && c <= 0xdfff ? CLS_KNOWN : classOf(String.fromCharCode(c));
  return { cls: k, width: 1 };
}

// ---------------------------------------------------------------------------------------------
// The scan

/** Receives the tokens of a text, in order. */
export interface TokenSink {
  /** A Han unigram or bigram, by its compact key (see decodeTokenKey). */
  key(key: number): void;
  /** A Chinese word of the tokenizer's lexicon, by its id (`tokenizer.lexicon[id]`). */
  word(id: number): void;
  /** An English word as written: text[from, to), apostrophes included (see `latinTokens`). */
  latin(text: string, from: number, to: number): void;
  /** Any other token: a placeholder, a run of another script, a Han character outside the compact range. */
  token(token: string): void;
}

export class Tokenizer {
  private readonly lexiconIndex: CodeLexicon | null;

  constructor(
    readonly settings: TokenizerSettings,
    lexicon: Iterable<string> = [],
  ) {
    this.lexiconIndex = settings.words ? new CodeLexicon(lexicon) : null;
  }

  /** The words that `word(id)` refers to. */
  get lexicon(): readonly string[] {
    return this.lexiconIndex?.words ?? [];
  }

  /** The tokens of one English word as written (its 4-grams when enabled, then its stem unless it is a stop word, masked or a single letter). */
  latinTokens(written: string): string[] {
    const word = written.includes("'") ? written.replace(/'/g, '') : written;
    const mask = word.charCodeAt(0) === 120 && MASK_RE.test(word);
    const out: string[] = [];
    if (this.settings.englishCharGrams && word.length >= 3 && !mask) {
      const w = ` ${word} `;
      for (let j = 0; j + 4 <= w.length; j++) out.push(`#${w.slice(j, j + 4)}`);
    }
    if (!(word.length < 2 || mask || EN_STOP.has(word))) out.push(stem(word));
    return out;
  }

  /** Stream the tokens of prepared text (`withPlaceholders`) into a sink. */
  scan(text: string, sink: TokenSink): void {
    const n = text.length;
    for (let i = 0; i < n; ) {
      if (text.charCodeAt(i) === 60) {
        const p = PLACEHOLDERS.findIndex((t) => text.startsWith(t, i));
        if (p >= 0) {
          sink.token(PLACEHOLDERS[p] as string);
          i += (PLACEHOLDERS[p] as string).length;
          continue;
        }
      }
      const { cls, width } = classAt(text, i);
      const want = (cls & CLS_HAN) !== 0 ? CLS_HAN : (cls & CLS_LATIN) !== 0 ? CLS_LATIN : (cls & CLS_LETTER) !== 0 ? CLS_LETTER : 0;
      if (want === 0) {
        i += width;
        continue;
      }
      let j = i + width;
      let compact = width === 1;
      while (j < n) {
        const next = classAt(text, j);
        if ((next.cls & want) === 0) break;
        compact &&= next.width === 1;
        j += next.width;
      }
      if (want === CLS_HAN) this.han(text, i, j, compact, sink);
      else if (want === CLS_LATIN) sink.latin(text, i, j);
      else sink.token(text.slice(i, j));
      i = j;
    }
  }

  /** Unigrams, bigrams (not two stop characters) and lexicon words of the Han run text[from, to). */
  private han(text: string, from: number, to: number, compact: boolean, sink: TokenSink): void {
    for (let i = from; i < to && compact; i++) compact = hanIndex(text.charCodeAt(i)) >= 0;
    const { charUnigrams, charBigrams } = this.settings;
    if (!compact) {
      // characters outside the compact range (supplementary planes): string tokens, no lexicon words
      const chars = Array.from(text.slice(from, to));
      const stop = (ch: string) => ZH_STOP_CHARS.includes(ch);
      chars.forEach((ch, k) => {
        if (charBigrams && k > 0 && !(stop(ch) && stop(chars[k - 1] as string))) sink.token((chars[k - 1] as string) + ch);
        if (charUnigrams && !stop(ch)) sink.token(ch);
      });
      return;
    }
    let prev = -1;
    let prevStop = false;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i) - HAN_BASE;
      const stop = ZH_STOP_INDEX[c] === 1;
      if (charBigrams && prev >= 0 && !(prevStop && stop)) sink.key(hanKey(prev, c));
      if (charUnigrams && !stop) sink.key(c);
      prev = c;
      prevStop = stop;
    }
    if (to - from >= 2 && this.lexiconIndex) this.lexiconIndex.match(text, from, to, (id) => sink.word(id));
  }
}

/** A sink that collects the tokens as strings (what training builds its vocabulary from). */
export class TokenCollector implements TokenSink {
  readonly tokens: string[] = [];
  constructor(private readonly tokenizer: Tokenizer) {}
  key(key: number): void {
    this.tokens.push(decodeTokenKey(key));
  }
  word(id: number): void {
    this.tokens.push(this.tokenizer.lexicon[id] as string);
  }
  latin(text: string, from: number, to: number): void {
    this.tokens.push(...this.tokenizer.latinTokens(text.slice(from, to)));
  }
  token(token: string): void {
    this.tokens.push(token);
  }
}

/** The tokens of prepared text (`withPlaceholders`) as strings. */
export function tokensOf(text: string, tokenizer: Tokenizer): string[] {
  const sink = new TokenCollector(tokenizer);
  tokenizer.scan(text, sink);
  return sink.tokens;
}

/** prepareText, then the tokens as strings (default settings and no lexicon unless given). */
export function tokenize(raw: string, tokenizer = new Tokenizer({ charUnigrams: true, charBigrams: true, englishCharGrams: false, words: false, signals: false })): string[] {
  return tokensOf(prepareText(raw).withPlaceholders, tokenizer);
}

/**
 * The tokens of the comparison baseline (textbook multinomial naive Bayes): natural's PorterStemmer on
 * the Latin words minus natural's stop words, Han character unigrams and bigrams; no placeholders, no
 * Chinese words, no Traditional → Simplified mapping.
 */
export function baselineTokens(raw: string): string[] {
  const text = (typeof raw === 'string' ? raw : '').slice(0, MAX_TEXT_CHARS).toLowerCase();
  const out: string[] = [];
  for (const m of text.matchAll(/(\p{Script=Han}+)|[a-z0-9]+/gu)) {
    const han = m[1];
    if (han !== undefined) {
      for (let i = 0; i < han.length; i++) {
        out.push(han[i] as string);
        if (i + 1 < han.length) out.push(han.slice(i, i + 2));
      }
    } else if (!EN_STOP.has(m[0])) {
      out.push(stem(m[0]));
    }
  }
  return out;
}
