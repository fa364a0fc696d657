/**
 * Text normalisation and tokenisation for Chinese (Simplified and Traditional) and English complaints.
 *
 * natural's tokenizers drop CJK characters, so Chinese is handled here: Traditional is mapped to
 * Simplified with a character table derived from opencc-js (see nlp-models/scripts/build-t2s.ts), Han
 * runs become character unigrams, character bigrams and words. Words come from Intl.Segmenter when a
 * model is trained (`buildLexicon`), and at run time from forward maximum matching against that learnt
 * lexicon: Intl.Segmenter costs ≈70 µs per 50-character sentence, more than the whole budget of the
 * classifier. English words are stemmed with natural's PorterStemmer and filtered with natural's stop
 * words. Numbers, amounts, phones, order ids, dates, URLs and e-mail addresses become placeholders.
 */
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer';
import { words as NATURAL_EN_STOP_WORDS } from 'natural/lib/natural/util/stopwords';
import T2S_CHARS from './data/t2s.json';

/** Characters read from the raw input at most: bounds the cost of HTML stripping on huge inputs. */
export const MAX_RAW_CHARS = 20_000;
/** Characters of normalised text that features and rules look at; the rest is ignored. */
export const MAX_TEXT_CHARS = 4_000;

export const PLACEHOLDERS = ['<num>', '<amount>', '<phone>', '<order>', '<date>', '<url>', '<email>'] as const;

// ---------------------------------------------------------------------------------------------
// Traditional → Simplified

const T2S: Readonly<Record<string, string>> = T2S_CHARS;
const T2S_RE = new RegExp(`[${Object.keys(T2S).join('')}]`, 'gu');

/**
 * Taiwan and Hong Kong words whose Simplified mainland form is a different word, not only different
 * characters (applied after the character map, so keys are in Simplified characters).
 */
const REGIONAL_WORDS: Readonly<Record<string, string>> = {
  网路: '网络',
  软体: '软件',
  硬体: '硬件',
  讯号: '信号',
  资讯: '信息',
  讯息: '信息',
  简讯: '短信',
  程式: '程序',
  萤幕: '屏幕',
  伺服器: '服务器',
  影片: '视频',
  品质: '质量',
  退费: '退款',
  保固: '保修',
  客诉: '投诉',
  帐单: '账单',
  帐户: '账户',
  帐号: '账号',
  帐款: '账款',
  列印: '打印',
  印表机: '打印机',
  滑鼠: '鼠标',
  计程车: '出租车',
  捷运: '地铁',
  行动电话: '手机',
  宅配: '快递',
  线上: '在线',
  电邮: '邮件',
  记忆体: '内存',
  硬碟: '硬盘',
  笔电: '笔记本',
  门市: '门店',
  瓦斯: '燃气',
  冷气: '空调',
  贩售: '销售',
  优惠券: '优惠券',
};
const REGIONAL_RE = new RegExp(
  Object.keys(REGIONAL_WORDS)
    .sort((a, b) => b.length - a.length)
    .join('|'),
  'g',
);

/** Traditional (Taiwan, Hong Kong) characters and regional words → Simplified. */
export function toSimplified(text: string): string {
  const chars = text.replace(T2S_RE, (c) => T2S[c] ?? c);
  return chars.replace(REGIONAL_RE, (w) => REGIONAL_WORDS[w] ?? w);
}

// ---------------------------------------------------------------------------------------------
// Normalisation

const SCRIPT_STYLE_RE = /<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const TAG_RE = /<\/?[a-z!][^<>]*>/gi;
const ENTITY_RE = /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]{2,8}));/gi;
const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function stripHtml(text: string): string {
  if (!text.includes('<') && !text.includes('&')) return text;
  return text
    .replace(SCRIPT_STYLE_RE, ' ')
    .replace(TAG_RE, ' ')
    .replace(ENTITY_RE, (m, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
      const cp = dec ? Number(dec) : hex ? parseInt(hex, 16) : NaN;
      if (Number.isFinite(cp)) return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : ' ';
      return NAMED_ENTITIES[(name ?? '').toLowerCase()] ?? m;
    });
}

/**
 * Bounded, script-neutral form of a text: HTML removed, NFKC (full-width → ASCII), lower case,
 * Traditional → Simplified, whitespace collapsed, at most MAX_TEXT_CHARS characters. Rules and
 * tokenisation both start from this.
 */
export function normalizeText(raw: unknown): string {
  return prepareText(raw).normalized;
}

export interface PreparedText {
  /** normalizeText output: what the rules read. */
  normalized: string;
  /** normalized with placeholders: what the tokenizer reads. */
  withPlaceholders: string;
  /** The input was written in Traditional characters (≥ 2 of them, or 1 in a short text). */
  traditional: boolean;
}

const T2S_TEST_RE = new RegExp(T2S_RE.source, 'u');

/** Normalise once for both the rules and the tokenizer. */
export function prepareText(raw: unknown): PreparedText {
  if (typeof raw !== 'string' || raw.length === 0) return { normalized: '', withPlaceholders: '', traditional: false };
  let text = raw.length > MAX_RAW_CHARS ? raw.slice(0, MAX_RAW_CHARS) : raw;
  text = stripHtml(text.normalize('NFKC')).toLowerCase();
  let traditional = false;
  if (T2S_TEST_RE.test(text)) {
    let n = 0;
    for (const _ of text.matchAll(T2S_RE)) if (++n >= 2) break;
    traditional = n >= 2 || text.length < 20;
  }
  text = toSimplified(text).replace(/\s+/g, ' ').trim();
  if (text.length > MAX_TEXT_CHARS) text = text.slice(0, MAX_TEXT_CHARS);
  return { normalized: text, withPlaceholders: replacePlaceholders(text), traditional };
}

// ---------------------------------------------------------------------------------------------
// Placeholders (order matters: the most specific patterns first)

const PLACEHOLDER_RULES: readonly [RegExp, string][] = [
  [/https?:\/\/\S+|www\.[^\s/]+\S*/g, ' <url> '],
  [/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, ' <email> '],
  // dates: 2024-01-02, 2024年1月2日, 1月2日, 01/02/2024, xx/xx/2019 (masked), jan 5, 2024
  [/\d{4}\s?[-/.年]\s?\d{1,2}\s?[-/.月]\s?\d{1,2}\s?[日号]?/g, ' <date> '],
  [/\d{4}\s?年\s?\d{1,2}\s?月|\d{1,2}\s?月\s?\d{1,2}\s?[日号]/g, ' <date> '],
  [/(?:\d{1,2}|xx)\/(?:\d{1,2}|xx)\/(?:\d{4}|\d{2}|xxxx|xx)(?![\d/])/g, ' <date> '],
  [/\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?(?:,? \d{4})?\b/g, ' <date> '],
  // amounts: ¥1,200 / $50 / nt$300 / {$350000.00} / 5000元 / 3.5万元 / 200块 / 30 dollars
  [/\{?(?:nt\$|us\$|hk\$|rmb|cny|usd|twd|[¥$€£])\s?\{?\s?\d[\d,]*(?:\.\d+)?\s?\}?(?:\s?(?:万元|万|元|块))?/g, ' <amount> '],
  [/\d[\d,]*(?:\.\d+)?\s?(?:万元|万块|千元|千块|元|块钱|块|rmb|cny|usd|twd|dollars?|bucks|美元|美金|新台币|台币|港币|港元|人民币)/g, ' <amount> '],
  // phones: mainland mobile, 400/800 numbers, landline with separator, Taiwan mobile, North America
  [/(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d{9}(?!\d)/g, ' <phone> '],
  [/(?<!\d)[48]00[-\s]?\d{3}[-\s]?\d{4}(?!\d)/g, ' <phone> '],
  [/(?<!\d)0\d{2,3}-\d{7,8}(?!\d)/g, ' <phone> '],
  [/(?<!\d)09\d{2}-?\d{3}-?\d{3}(?!\d)/g, ' <phone> '],
  [/(?<![\d-])(?:\+?1[-\s.]?)?\(?\d{3}\)?[-\s.]\d{3}[-\s.]\d{4}(?!\d)/g, ' <phone> '],
  // order / tracking / account ids: a digit and at least 7 more letters, digits or dashes
  [/(?<![a-z0-9])[a-z]{0,4}\d[a-z0-9-]{6,}(?![a-z0-9])/g, ' <order> '],
  [/\d+(?:[.,]\d+)*/g, ' <num> '],
];

/** Replace numbers, amounts, phones, order ids, dates, URLs and e-mails in normalised text. */
export function replacePlaceholders(normalized: string): string {
  if (!/[\d@$¥€£w]/.test(normalized)) return normalized;
  let text = normalized;
  for (const [re, to] of PLACEHOLDER_RULES) text = text.replace(re, to);
  return text;
}

// ---------------------------------------------------------------------------------------------
// Stop words

const EN_STOP = new Set<string>(NATURAL_EN_STOP_WORDS);
/** Function characters of Chinese; negation (不, 没) and quantity (多) are deliberately kept. */
const ZH_STOP_CHARS = new Set<string>([...'的地得了着过吗呢吧啊嘛呀哦哇嗯哼之与及并等和跟或该这那此其某各每我你您他她它们是在就也都又很把被']);
/** Chinese stop words (multi-character), removed from the word features. */
const ZH_STOP_WORDS = new Set<string>(['我们', '你们', '他们', '她们', '这个', '那个', '这样', '那样', '一个', '然后', '但是', '因为', '所以', '而且', '还是', '就是', '已经', '可以', '自己', '什么', '怎么', '这些', '那些', '的话', '时候']);

/** True for a token that carries no meaning on its own (English stop word, Chinese function char). */
export function isStopWord(token: string): boolean {
  return EN_STOP.has(token) || ZH_STOP_CHARS.has(token) || ZH_STOP_WORDS.has(token);
}

// ---------------------------------------------------------------------------------------------
// English stemming (natural's PorterStemmer, memoised: it costs ≈4 µs a word)

const STEM_CACHE = new Map<string, string>();
const STEM_CACHE_MAX = 100_000;

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
// Chinese words

const HAN_RUN_RE = /\p{Script=Han}+/gu;
let segmenter: Intl.Segmenter | undefined;

/** Words (≥ 2 Han characters) of a Han run according to Intl.Segmenter (slow: training only). */
export function segmentWithIntl(run: string): string[] {
  segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
  const out: string[] = [];
  for (const s of segmenter.segment(run)) {
    if (s.isWordLike && s.segment.length >= 2 && s.segment.length <= 8) out.push(s.segment);
  }
  return out;
}

/** A set of Chinese words with the length of the longest, for maximum matching. */
export interface Lexicon {
  readonly words: ReadonlySet<string>;
  readonly maxLength: number;
}

export function createLexicon(words: Iterable<string>): Lexicon {
  const set = new Set<string>();
  let maxLength = 0;
  for (const w of words) {
    if (w.length < 2) continue;
    set.add(w);
    if (w.length > maxLength) maxLength = w.length;
  }
  return { words: set, maxLength };
}

/**
 * Learn a lexicon from training texts: every Intl.Segmenter word of 2–8 Han characters seen in at
 * least `minCount` texts (texts must already be normalised).
 */
export function buildLexicon(normalizedTexts: Iterable<string>, minCount = 2): Lexicon {
  const counts = new Map<string, number>();
  for (const text of normalizedTexts) {
    const seen = new Set<string>();
    for (const m of text.matchAll(HAN_RUN_RE)) for (const w of segmentWithIntl(m[0])) seen.add(w);
    for (const w of seen) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  const kept = [...counts].filter(([w, n]) => n >= minCount && !ZH_STOP_WORDS.has(w)).map(([w]) => w);
  return createLexicon(kept.sort());
}

/** Forward maximum matching of a Han run against a lexicon; only words of ≥ 2 characters are returned. */
export function segmentWithLexicon(run: string, lexicon: Lexicon): string[] {
  const out: string[] = [];
  const n = run.length;
  let i = 0;
  while (i < n - 1) {
    let matched = 0;
    for (let len = Math.min(lexicon.maxLength, n - i); len >= 2; len--) {
      const w = run.slice(i, i + len);
      if (lexicon.words.has(w)) {
        out.push(w);
        matched = len;
        break;
      }
    }
    i += matched || 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Tokenisation

export interface TokenizerOptions {
  /** Chinese words by maximum matching against this lexicon (none when absent, unless `intlWords`). */
  lexicon?: Lexicon;
  /** Use Intl.Segmenter for Chinese words (slow; when no lexicon is given). Default false. */
  intlWords?: boolean;
  /** Han character unigrams. Default true. */
  charUnigrams?: boolean;
  /** Han character bigrams. Default true. */
  charBigrams?: boolean;
  /** Pairs of consecutive English content words (`credit_report`). Default false. */
  englishBigrams?: boolean;
  /** Drop stop words. Default true. */
  stopWords?: boolean;
}

/** The options a trained model records (plain data, saved in the model file). */
export interface TokenizerSettings {
  charUnigrams: boolean;
  charBigrams: boolean;
  englishBigrams: boolean;
  words: boolean;
}

const TOKEN_RE = /<(?:num|amount|phone|order|date|url|email)>|(\p{Script=Han}+)|([\p{Script=Latin}']+)|\p{L}+/gu;
const MASK_RE = /^x{2,}$/;

/** Tokens of text that went through normalizeText and replacePlaceholders. */
export function tokenizePrepared(text: string, options: TokenizerOptions = {}): string[] {
  const unigrams = options.charUnigrams ?? true;
  const bigrams = options.charBigrams ?? true;
  const enBigrams = options.englishBigrams ?? false;
  const dropStop = options.stopWords ?? true;
  const out: string[] = [];
  let prevWord: string | undefined;
  for (const m of text.matchAll(TOKEN_RE)) {
    const han = m[1];
    const latin = m[2];
    if (han !== undefined) {
      prevWord = undefined;
      const chars = /[\ud800-\udfff]/.test(han) ? Array.from(han) : han;
      const n = chars.length;
      for (let i = 0; i < n; i++) {
        const c = chars[i] as string;
        const stopC = ZH_STOP_CHARS.has(c);
        if (unigrams && !(dropStop && stopC)) out.push(c);
        if (bigrams && i + 1 < n) {
          const d = chars[i + 1] as string;
          if (!(dropStop && stopC && ZH_STOP_CHARS.has(d))) out.push(c + d);
        }
      }
      if (options.lexicon && n >= 2) {
        for (const w of segmentWithLexicon(han, options.lexicon)) if (!(dropStop && ZH_STOP_WORDS.has(w))) out.push(w);
      } else if (options.intlWords && n >= 2) {
        for (const w of segmentWithIntl(han)) if (!(dropStop && ZH_STOP_WORDS.has(w))) out.push(w);
      }
    } else if (latin !== undefined) {
      const word = latin.includes("'") ? latin.replace(/'/g, '') : latin;
      if (word.length < 2 || MASK_RE.test(word) || (dropStop && EN_STOP.has(word))) continue;
      const s = stem(word);
      out.push(s);
      if (enBigrams && prevWord !== undefined) out.push(`${prevWord}_${s}`);
      prevWord = s;
    } else {
      out.push(m[0]);
      if (m[0].startsWith('<')) prevWord = undefined;
    }
  }
  return out;
}

/** normalizeText → replacePlaceholders → tokenizePrepared. */
export function tokenize(raw: string, options: TokenizerOptions = {}): string[] {
  return tokenizePrepared(prepareText(raw).withPlaceholders, options);
}

/**
 * The tokenisation of the comparison baseline (log-space multinomial naive Bayes): natural's
 * PorterStemmer on the Latin words, Han character unigrams and bigrams; no placeholders, no Chinese
 * words, no Traditional → Simplified mapping.
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
