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

/**
 * Traditional → Simplified as a table over the Basic Multilingual Plane (0 = unchanged). The few
 * mappings from or to supplementary-plane characters (rare historic forms) are left out.
 */
const T2S_TABLE = (() => {
  const table = new Uint16Array(0x10000);
  for (const [from, to] of Object.entries(T2S_CHARS as Record<string, string>)) {
    if (from.length === 1 && to.length === 1) table[from.charCodeAt(0)] = to.charCodeAt(0);
  }
  return table;
})();

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
  return convertTraditional(text).text;
}

/** The conversion and how many characters it changed. */
function convertTraditional(text: string): { text: string; changed: number } {
  let first = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x3400 && T2S_TABLE[c] !== 0) {
      first = i;
      break;
    }
  }
  let out = text;
  let changed = 0;
  if (first >= 0) {
    const codes = new Uint16Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const m = i >= first && c >= 0x3400 ? (T2S_TABLE[c] as number) : 0;
      if (m !== 0) changed++;
      codes[i] = m !== 0 ? m : c;
    }
    const parts: string[] = [];
    for (let i = 0; i < codes.length; i += 8192) parts.push(String.fromCharCode(...codes.subarray(i, i + 8192)));
    out = parts.join('');
  }
  if (HAS_HAN_RE.test(out)) out = out.replace(REGIONAL_RE, (w) => REGIONAL_WORDS[w] ?? w);
  return { text: out, changed };
}

const HAS_HAN_RE = /[\u3400-\u9fff]/;

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

/** Normalise once for both the rules and the tokenizer. */
export function prepareText(raw: unknown): PreparedText {
  if (typeof raw !== 'string' || raw.length === 0) return { normalized: '', withPlaceholders: '', traditional: false };
  const text = raw.length > MAX_RAW_CHARS ? raw.slice(0, MAX_RAW_CHARS) : raw;
  const normalized = normalizeFast(text);
  if (normalized === null) return prepareTextReference(raw);
  return { normalized: normalized.text, withPlaceholders: replacePlaceholders(normalized.text), traditional: normalized.traditional };
}

/**
 * prepareText by the book: String.prototype.normalize, HTML stripping, toLowerCase, the T→S table,
 * a whitespace regex. prepareText gives the same result in one pass over the characters for text it
 * can handle that way (see normalizeFast) and falls back to this for the rest.
 */
export function prepareTextReference(raw: unknown): PreparedText {
  if (typeof raw !== 'string' || raw.length === 0) return { normalized: '', withPlaceholders: '', traditional: false };
  let text = raw.length > MAX_RAW_CHARS ? raw.slice(0, MAX_RAW_CHARS) : raw;
  text = stripHtml(text.normalize('NFKC')).toLowerCase();
  const converted = convertTraditional(text);
  const traditional = converted.changed >= 2 || (converted.changed === 1 && text.length < 20);
  text = converted.text.replace(/\s+/g, ' ').trim();
  if (text.length > MAX_TEXT_CHARS) text = text.slice(0, MAX_TEXT_CHARS);
  return { normalized: text, withPlaceholders: replacePlaceholders(text), traditional };
}

// ---------------------------------------------------------------------------------------------
// One-pass normalisation
//
// For most texts NFKC, lower case and Traditional → Simplified are a function of each character
// alone: full-width `Ａ，` → `a,`, `Ｗ` → `w`, `體` → `体`. CHAR_INFO caches, per UTF-16 unit, the
// result of the three and a few flags (filled on first sight, so loading costs nothing). A text goes
// through the table only when every character is one whose NFKC form cannot depend on its
// neighbours: starters (no combining mark) from the blocks below, whose normal form is one character
// that is itself no combining mark; anything else (combining marks, Hangul jamo, Greek capital sigma
// with its context-dependent lower case, characters NFKC expands, HTML `<` and `&`) takes
// prepareTextReference. test/unit/nlp/tokenizer.test.ts checks the two agree.

const INFO_KNOWN = 1 << 16;
/** The character can go through the table (else: the reference path for the whole text). */
const INFO_SAFE = 1 << 17;
/** The mapped character is white space (`\s`). */
const INFO_SPACE = 1 << 18;
/** Traditional → Simplified changed the character (counts towards `traditional`). */
const INFO_T2S = 1 << 19;
/** The mapped character starts a regional word (REGIONAL_WORDS). */
const INFO_REGIONAL = 1 << 20;
const CHAR_INFO = new Uint32Array(0x10000);
const REGIONAL_FIRST = new Set(Object.keys(REGIONAL_WORDS).map((w) => w.charCodeAt(0)));
/** First two characters of the regional words: REGIONAL_RE runs only when one of them occurs. */
const REGIONAL_PAIRS = new Set(Object.keys(REGIONAL_WORDS).map((w) => w.charCodeAt(0) * 0x10000 + w.charCodeAt(1)));
const MARK_RE = /\p{M}/u;
const SPACE_RE = /\s/;

/** Blocks whose characters may take the one-pass path (Latin, punctuation and symbols, CJK, full-width forms). */
function inFastBlocks(c: number): boolean {
  return c <= 0x02ff || (c >= 0x2000 && c <= 0x2bff) || (c >= 0x3000 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xff00 && c <= 0xffef);
}

function computeCharInfo(c: number): number {
  let info = INFO_KNOWN;
  const s = String.fromCharCode(c);
  if (inFastBlocks(c) && !MARK_RE.test(s)) {
    const n = s.normalize('NFKC');
    const lower = n.length === 1 && n !== '\u03a3' && n !== '<' && n !== '&' && !MARK_RE.test(n) ? n.toLowerCase() : '';
    if (lower.length === 1) {
      let m = lower.charCodeAt(0);
      const t = m >= 0x3400 ? (T2S_TABLE[m] as number) : 0;
      if (t !== 0) {
        m = t;
        info |= INFO_T2S;
      }
      info |= INFO_SAFE | m;
      if (SPACE_RE.test(String.fromCharCode(m))) info |= INFO_SPACE;
      if (REGIONAL_FIRST.has(m)) info |= INFO_REGIONAL;
    }
  }
  CHAR_INFO[c] = info;
  return info;
}

/** Emoji (U+1F300–U+1FAFF) are left alone by NFKC and lower case; other supplementary characters are not all. */
function isEmoji(hi: number, lo: number): boolean {
  if (lo < 0xdc00 || lo > 0xdfff) return false;
  const cp = ((hi - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
  return cp >= 0x1f300 && cp <= 0x1faff;
}

let normalizeBuffer = new Uint16Array(256);
const UTF16 = new TextDecoder('utf-16le', { ignoreBOM: true });

/**
 * NFKC, lower case, Traditional → Simplified, white space collapsed and trimmed, at most
 * MAX_TEXT_CHARS: normalizeText in one pass; null when a character needs the reference path.
 */
function normalizeFast(text: string): { text: string; traditional: boolean } | null {
  const n = text.length;
  let changed = 0;
  let regional = false;
  let space = false;
  let started = false;
  let prev = 0;
  // same: the output is the input; lowerOnly: the output is the input's toLowerCase() (A–Z only changed)
  let same = true;
  let lowerOnly = true;
  // first pass: can the table do it, and does anything change?
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    let info = CHAR_INFO[c] as number;
    if (info === 0) info = computeCharInfo(c);
    if ((info & INFO_SAFE) === 0) {
      // emoji pass through unchanged; other supplementary characters and the rest: reference path
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && isEmoji(c, text.charCodeAt(i + 1))) {
        i++;
        started = true;
        space = false;
        prev = 0;
        continue;
      }
      return null;
    }
    if ((info & INFO_SPACE) !== 0) {
      // a single ' ' between two other characters is kept as it is
      if (c !== 32 || space || !started) same = lowerOnly = false;
      space = true;
      prev = 0;
      continue;
    }
    started = true;
    space = false;
    const m = info & 0xffff;
    if (m !== c) {
      same = false;
      if (c < 65 || c > 90) lowerOnly = false;
    }
    if ((info & INFO_T2S) !== 0) changed++;
    if (prev !== 0 && REGIONAL_PAIRS.has(prev * 0x10000 + m)) regional = true;
    prev = (info & INFO_REGIONAL) !== 0 ? m : 0;
  }
  if (space) same = lowerOnly = false;
  let out: string;
  if (same) out = text;
  else if (lowerOnly) out = text.toLowerCase();
  else out = normalizeByTable(text);
  if (regional) out = out.replace(REGIONAL_RE, (w) => REGIONAL_WORDS[w] ?? w);
  if (out.length > MAX_TEXT_CHARS) out = out.slice(0, MAX_TEXT_CHARS);
  return { text: out, traditional: changed >= 2 || (changed === 1 && n < 20) };
}

/** Second pass of normalizeFast: the mapped characters, white space collapsed and trimmed. */
function normalizeByTable(text: string): string {
  const n = text.length;
  if (normalizeBuffer.length < n) normalizeBuffer = new Uint16Array(Math.max(n, normalizeBuffer.length * 2));
  const buf = normalizeBuffer;
  let len = 0;
  let space = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const info = CHAR_INFO[c] as number;
    if ((info & INFO_SAFE) === 0) {
      // an emoji (checked by the first pass)
      if (space && len > 0) buf[len++] = 32;
      space = false;
      buf[len++] = c;
      buf[len++] = text.charCodeAt(++i);
      continue;
    }
    if ((info & INFO_SPACE) !== 0) {
      space = true;
      continue;
    }
    if (space && len > 0) buf[len++] = 32;
    space = false;
    buf[len++] = info & 0xffff;
  }
  return len >= 32 ? UTF16.decode(buf.subarray(0, len)) : String.fromCharCode.apply(null, buf.subarray(0, len) as unknown as number[]);
}

// ---------------------------------------------------------------------------------------------
// Placeholders

const URL_EMAIL_RE = /(https?:\/\/\S+|www\.[^\s/]+\S*)|([\w.+-]+@[\w-]+(?:\.[\w-]+)+)/g;

/**
 * Everything that starts with a digit (or a currency sign) in one pass. At each position the first
 * alternative that matches wins, so the order is: dates, amounts, phones, order ids, plain numbers.
 */
const NUMERIC_PATTERNS: readonly [string, string][] = [
  // dates: 2024-01-02, 2024年1月2日, 1月2日, 01/02/2024, xx/xx/2019 (masked), jan 5, 2024
  ['date', '\\d{4}\\s?[-/.年]\\s?\\d{1,2}\\s?[-/.月]\\s?\\d{1,2}\\s?[日号]?'],
  ['date', '\\d{4}\\s?年\\s?\\d{1,2}\\s?月|\\d{1,2}\\s?月\\s?\\d{1,2}\\s?[日号]'],
  ['date', '(?:\\d{1,2}|xx)\\/(?:\\d{1,2}|xx)\\/(?:\\d{4}|\\d{2}|xxxx|xx)(?![\\d/])'],
  ['date', '\\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.? \\d{1,2}(?:st|nd|rd|th)?(?:,? \\d{4})?\\b'],
  // amounts: ¥1,200 / $50 / nt$300 / {$350000.00} / 5000元 / 3.5万元 / 200块 / 30 dollars
  ['amount', '\\{?(?:nt\\$|us\\$|hk\\$|rmb|cny|usd|twd|[¥$€£])\\s?\\{?\\s?\\d[\\d,]*(?:\\.\\d+)?\\s?\\}?(?:\\s?(?:万元|万|元|块))?'],
  ['amount', '\\d[\\d,]*(?:\\.\\d+)?\\s?(?:万元|万块|千元|千块|元|块钱|块|rmb|cny|usd|twd|dollars?|bucks|美元|美金|新台币|台币|港币|港元|人民币)'],
  // phones: mainland mobile, 400/800 numbers, landline with separator, Taiwan mobile, North America
  ['phone', '(?<!\\d)(?:\\+?86[-\\s]?)?1[3-9]\\d{9}(?!\\d)'],
  ['phone', '(?<!\\d)[48]00[-\\s]?\\d{3}[-\\s]?\\d{4}(?!\\d)'],
  ['phone', '(?<!\\d)0\\d{2,3}-\\d{7,8}(?!\\d)'],
  ['phone', '(?<!\\d)09\\d{2}-?\\d{3}-?\\d{3}(?!\\d)'],
  ['phone', '(?<![\\d-])(?:\\+?1[-\\s.]?)?\\(?\\d{3}\\)?[-\\s.]\\d{3}[-\\s.]\\d{4}(?!\\d)'],
  // order / tracking / account ids: a digit and at least 6 more letters, digits or dashes
  ['order', '(?<![a-z0-9])[a-z]{0,4}\\d[a-z0-9-]{6,}(?![a-z0-9])'],
  ['num', '\\d+(?:[.,]\\d+)*'],
];
const NUMERIC_RE = new RegExp(NUMERIC_PATTERNS.map(([, p]) => `(${p})`).join('|'), 'g');
const NUMERIC_KINDS = NUMERIC_PATTERNS.map(([k]) => ` <${k}> `);
/** A match that starts here needs a digit within this many characters (`{nt$ {5` is the farthest), unless it starts with a month or `xx/`. */
const NUMERIC_DIGIT_REACH = 8;
const DIGIT_RE = /\d/g;
/** The other places a match can start. */
const NUMERIC_SPECIAL_RE = /\{|xx\/|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/g;

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Index of the first match of a global expression at or after `from` (text.length when none). */
function nextMatch(re: RegExp, text: string, from: number): number {
  re.lastIndex = from;
  const m = re.exec(text);
  return m === null ? text.length : m.index;
}

/**
 * NUMERIC_RE's matches, replaced by their kinds. The expression tries thirteen alternatives at every
 * position, several of them starting with a letter, so English text costs it ≈ 10 ns a character.
 * But a match can start only within NUMERIC_DIGIT_REACH characters before a digit, at `{`, at a month
 * name or at `xx/`; the expression is resumed from the first such position, where it still finds the
 * leftmost match, so the matches are those of `text.replace(NUMERIC_RE, …)`
 * (replacePlaceholdersReference) at a fraction of the cost.
 */
function replaceNumeric(text: string): string {
  const n = text.length;
  let out = '';
  let last = 0;
  let digit = -1;
  let special = -1;
  let p = 0;
  while (p < n) {
    if (digit < p) digit = nextMatch(DIGIT_RE, text, p);
    if (special < p) special = nextMatch(NUMERIC_SPECIAL_RE, text, p);
    const start = Math.min(Math.max(p, digit - NUMERIC_DIGIT_REACH), special);
    if (start >= n) break;
    NUMERIC_RE.lastIndex = start;
    const m = NUMERIC_RE.exec(text);
    if (m === null) break;
    let k = 1;
    while (k < NUMERIC_KINDS.length && m[k] === undefined) k++;
    out += text.slice(last, m.index) + (NUMERIC_KINDS[k - 1] as string);
    p = m.index + m[0].length;
    last = p;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** Replace numbers, amounts, phones, order ids, dates, URLs and e-mails in normalised text. */
export function replacePlaceholders(normalized: string): string {
  const text = replaceUrls(normalized);
  return hasDigit(text) ? replaceNumeric(text) : text;
}

/** replacePlaceholders with one global replace (the definition; tests check both agree). */
export function replacePlaceholdersReference(normalized: string): string {
  const text = replaceUrls(normalized);
  if (!/\d/.test(text)) return text;
  return text.replace(NUMERIC_RE, (...groups: unknown[]) => {
    for (let g = 1; g <= NUMERIC_KINDS.length; g++) if (groups[g] !== undefined) return NUMERIC_KINDS[g - 1] as string;
    return ' <num> ';
  });
}

function replaceUrls(text: string): string {
  if (text.includes('@') || text.includes('http') || text.includes('www.')) {
    return text.replace(URL_EMAIL_RE, (_m, url: string | undefined) => (url ? ' <url> ' : ' <email> '));
  }
  return text;
}

function hasDigit(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isDigitCode(text.charCodeAt(i))) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Stop words

const EN_STOP = new Set<string>(NATURAL_EN_STOP_WORDS);
/** Function characters of Chinese; negation (不, 没) and quantity (多) are deliberately kept. */
const ZH_STOP_CHARS = new Set<string>([...'的地得了着过吗呢吧啊嘛呀哦哇嗯哼之与及并等和跟或该这那此其某各每我你您他她它们是在就也都又很把被']);
/** Chinese stop words (multi-character), removed from the word features. */
const ZH_STOP_WORDS = new Set<string>(['我们', '你们', '他们', '她们', '这个', '那个', '这样', '那样', '一个', '然后', '但是', '因为', '所以', '而且', '还是', '就是', '已经', '可以', '自己', '什么', '怎么', '这些', '那些', '的话', '时候']);

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
  /** The first two characters of every word (a position that starts no word is skipped at once). */
  readonly prefixes: ReadonlySet<string>;
}

export function createLexicon(words: Iterable<string>): Lexicon {
  const set = new Set<string>();
  const prefixes = new Set<string>();
  let maxLength = 0;
  for (const w of words) {
    if (w.length < 2) continue;
    set.add(w);
    prefixes.add(w.slice(0, 2));
    if (w.length > maxLength) maxLength = w.length;
  }
  return { words: set, maxLength, prefixes };
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
    if (lexicon.prefixes.has(run.slice(i, i + 2))) {
      for (let len = Math.min(lexicon.maxLength, n - i); len >= 2; len--) {
        const w = len === 2 ? run.slice(i, i + 2) : run.slice(i, i + len);
        if (lexicon.words.has(w)) {
          out.push(w);
          matched = len;
          break;
        }
      }
    }
    i += matched || 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Compact tokens: Han unigrams and bigrams, English character 4-grams as small integers
//
// Most tokens are one or two Han characters or four letters; creating and hashing a string for each
// is most of the cost of classifying a text. They are emitted as integers instead (all within V8's
// small-integer range), and decodeTokenKey turns them back into the strings the vocabulary holds.

const HAN_BASE = 0x3400;
/** Han characters in [U+3400, U+9FFF] (CJK Extension A and the unified block) have compact keys. */
const HAN_SPAN = 0xa000 - HAN_BASE;
const GRAM_ALPHABET = ' abcdefghijklmnopqrstuvwxyz';

function hanIndex(c: number): number {
  return c >= HAN_BASE && c < HAN_BASE + HAN_SPAN ? c - HAN_BASE : -1;
}

/** Key of a Han unigram (0 ≤ key < HAN_SPAN) or bigram (HAN_SPAN ≤ key < HAN_SPAN × (HAN_SPAN + 1)). */
function hanKey(a: number, b = -1): number {
  return b < 0 ? a : HAN_SPAN + a * HAN_SPAN + b;
}

function gramDigit(c: number): number {
  return c === 32 ? 0 : c >= 97 && c <= 122 ? c - 96 : -1;
}

/** English character 4-gram keys are negative: -(1 + base-27 value of the four characters). */
function gramKey(d0: number, d1: number, d2: number, d3: number): number {
  return -(1 + ((d0 * 27 + d1) * 27 + d2) * 27 + d3);
}

/** The string form of a compact key (`好`, `好用`, `#‸ref`). */
export function decodeTokenKey(key: number): string {
  if (key < 0) {
    let v = -key - 1;
    const chars: string[] = [];
    for (let i = 0; i < 4; i++) {
      chars.unshift(GRAM_ALPHABET[v % 27] as string);
      v = Math.floor(v / 27);
    }
    return `#${chars.join('')}`;
  }
  if (key < HAN_SPAN) return String.fromCharCode(HAN_BASE + key);
  const k = key - HAN_SPAN;
  return String.fromCharCode(HAN_BASE + Math.floor(k / HAN_SPAN), HAN_BASE + (k % HAN_SPAN));
}

/** The compact key of a token string, when it has one (the inverse of decodeTokenKey). */
export function encodeTokenKey(token: string): number | undefined {
  if (token.length === 5 && token[0] === '#') {
    const d = [1, 2, 3, 4].map((i) => gramDigit(token.charCodeAt(i)));
    return d.every((x) => x >= 0) ? gramKey(d[0] as number, d[1] as number, d[2] as number, d[3] as number) : undefined;
  }
  if (token.length === 1 || token.length === 2) {
    const a = hanIndex(token.charCodeAt(0));
    const b = token.length === 2 ? hanIndex(token.charCodeAt(1)) : -1;
    if (a >= 0 && (token.length === 1 || b >= 0)) return hanKey(a, b);
  }
  return undefined;
}

/** Receives the tokens of a text: strings, or compact keys for the commonest kinds. */
export interface TokenSink {
  add(token: string): void;
  addKey(key: number): void;
}

/** A sink that collects strings (compact keys decoded): what training and tests use. */
class ArraySink implements TokenSink {
  readonly tokens: string[] = [];
  add(token: string): void {
    this.tokens.push(token);
  }
  addKey(key: number): void {
    this.tokens.push(decodeTokenKey(key));
  }
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
  /** Character 4-grams of English words of ≥ 3 letters, with word boundaries (`#‸ref`, `#fund`). Default false. */
  englishCharGrams?: boolean;
  /** Drop stop words. Default true. */
  stopWords?: boolean;
}

/** The options a trained model records (plain data, saved in the model file). */
export interface TokenizerSettings {
  charUnigrams: boolean;
  charBigrams: boolean;
  englishBigrams: boolean;
  englishCharGrams: boolean;
  /** Chinese words from the learnt lexicon. */
  words: boolean;
  /** Append the rule detectors' findings as tokens (`!harm`, `!amount_major`…), see rules.ts. */
  signals: boolean;
}

const TOKEN_RE = /<(?:num|amount|phone|order|date|url|email)>|(\p{Script=Han}+)|([\p{Script=Latin}']+)|\p{L}+/gu;
const MASK_RE = /^x{2,}$/;
const ZH_STOP_INDEX = (() => {
  const table = new Uint8Array(HAN_SPAN);
  for (const c of ZH_STOP_CHARS) {
    const i = hanIndex(c.charCodeAt(0));
    if (i >= 0) table[i] = 1;
  }
  return table;
})();

function hanTokens(han: string, options: TokenizerOptions, dropStop: boolean, sink: TokenSink): void {
  const unigrams = options.charUnigrams ?? true;
  const bigrams = options.charBigrams ?? true;
  const n = han.length;
  let compact = true;
  for (let i = 0; i < n && compact; i++) compact = hanIndex(han.charCodeAt(i)) >= 0;
  if (compact) {
    let prev = -1;
    let prevStop = false;
    for (let i = 0; i < n; i++) {
      const c = hanIndex(han.charCodeAt(i));
      const stop = ZH_STOP_INDEX[c] === 1;
      if (bigrams && prev >= 0 && !(dropStop && prevStop && stop)) sink.addKey(hanKey(prev, c));
      if (unigrams && !(dropStop && stop)) sink.addKey(hanKey(c));
      prev = c;
      prevStop = stop;
    }
  } else {
    // characters outside the compact range (supplementary planes, compatibility forms): strings
    const chars = Array.from(han);
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i] as string;
      const stopC = ZH_STOP_CHARS.has(c);
      if (bigrams && i > 0) {
        const p = chars[i - 1] as string;
        if (!(dropStop && stopC && ZH_STOP_CHARS.has(p))) sink.add(p + c);
      }
      if (unigrams && !(dropStop && stopC)) sink.add(c);
    }
  }
  if (n >= 2) {
    const words = options.lexicon ? segmentWithLexicon(han, options.lexicon) : options.intlWords ? segmentWithIntl(han) : [];
    for (const w of words) if (!(dropStop && ZH_STOP_WORDS.has(w))) sink.add(w);
  }
}

function charGrams(word: string, sink: TokenSink): void {
  const n = word.length;
  for (let i = 0; i < n; i++) {
    if (gramDigit(word.charCodeAt(i)) <= 0) {
      const w = ` ${word} `;
      for (let j = 0; j + 4 <= w.length; j++) sink.add(`#${w.slice(j, j + 4)}`);
      return;
    }
  }
  // positions -1 and n are the boundary spaces
  for (let j = -1; j + 3 <= n; j++) sink.addKey(gramKey(gramDigitAt(word, j), gramDigitAt(word, j + 1), gramDigitAt(word, j + 2), gramDigitAt(word, j + 3)));
}

function gramDigitAt(word: string, j: number): number {
  return j < 0 || j >= word.length ? 0 : gramDigit(word.charCodeAt(j));
}

/** Stream the tokens of text that went through prepareText (`withPlaceholders`) into a sink. */
export function tokenizeInto(text: string, options: TokenizerOptions, sink: TokenSink): void {
  const enBigrams = options.englishBigrams ?? false;
  const enGrams = options.englishCharGrams ?? false;
  const dropStop = options.stopWords ?? true;
  let prevWord: string | undefined;
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m !== null; m = TOKEN_RE.exec(text)) {
    const han = m[1];
    const latin = m[2];
    if (han !== undefined) {
      prevWord = undefined;
      hanTokens(han, options, dropStop, sink);
    } else if (latin !== undefined) {
      const word = latin.includes("'") ? latin.replace(/'/g, '') : latin;
      const mask = word.charCodeAt(0) === 120 && MASK_RE.test(word); // xxxx: masked personal data
      if (enGrams && word.length >= 3 && !mask) charGrams(word, sink);
      if (word.length < 2 || mask || (dropStop && EN_STOP.has(word))) continue;
      const s = stem(word);
      sink.add(s);
      if (enBigrams && prevWord !== undefined) sink.add(`${prevWord}_${s}`);
      prevWord = s;
    } else {
      sink.add(m[0]);
      if (m[0].startsWith('<')) prevWord = undefined;
    }
  }
}

/** Tokens of text that went through prepareText (`withPlaceholders`), as strings. */
export function tokenizePrepared(text: string, options: TokenizerOptions = {}): string[] {
  const sink = new ArraySink();
  tokenizeInto(text, options, sink);
  return sink.tokens;
}

/** prepareText → tokenizePrepared. */
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

/** Pieces of the tokenizer that featurizer.ts compiles into its faster scan (not a public API). */
export const tokenizerInternals = {
  HAN_BASE,
  HAN_SPAN,
  ZH_STOP_INDEX: ZH_STOP_INDEX as Readonly<Uint8Array>,
  ZH_STOP_WORDS: ZH_STOP_WORDS as ReadonlySet<string>,
  EN_STOP: EN_STOP as ReadonlySet<string>,
  MASK_RE,
  PLACEHOLDER_TOKENS: PLACEHOLDERS as readonly string[],
  charGrams,
  hanTokens,
  encodeTokenKey,
} as const;
