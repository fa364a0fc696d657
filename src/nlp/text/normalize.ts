/**
 * Normalisation: the bounded, script-neutral form of a text that the rules and the tokenizer read.
 * HTML removed, NFKC (full-width → ASCII), lower case, Traditional → Simplified (a character table
 * derived from opencc-js, see nlp-models/scripts/build-t2s.ts, plus Taiwan and Hong Kong words),
 * white space collapsed, at most MAX_TEXT_CHARS characters; then numbers, amounts, phones, order ids,
 * dates, URLs and e-mails become placeholders for the tokenizer.
 */
import T2S_CHARS from '../data/t2s.json';
import { replacePlaceholders } from './placeholders';

/** Characters read from the raw input at most: bounds the cost of HTML stripping on huge inputs. */
export const MAX_RAW_CHARS = 20_000;
/** Characters of normalised text that features and rules look at; the rest is ignored. */
export const MAX_TEXT_CHARS = 4_000;

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

/** Traditional (Taiwan, Hong Kong) characters and regional words → Simplified. */
export function toSimplified(text: string): string {
  return convertTraditional(text).text;
}

/** First characters of the regional words (REGIONAL_RE runs only on a text that has one). */
const REGIONAL_FIRST = (() => {
  const table = new Uint8Array(0x10000);
  for (const w of Object.keys(REGIONAL_WORDS)) table[w.charCodeAt(0)] = 1;
  return table;
})();

/** The conversion and how many characters it changed. */
function convertTraditional(text: string): { text: string; changed: number } {
  let changed = 0;
  let regional = false;
  let codes: Uint16Array | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x3400) continue;
    const m = T2S_TABLE[c] as number;
    if (m !== 0) {
      codes ??= Uint16Array.from(text, (ch) => ch.charCodeAt(0));
      codes[i] = m;
      changed++;
    }
    if (REGIONAL_FIRST[m || c] === 1) regional = true;
  }
  let out = text;
  if (codes) {
    const parts: string[] = [];
    for (let i = 0; i < codes.length; i += 8192) parts.push(String.fromCharCode(...codes.subarray(i, i + 8192)));
    out = parts.join('');
  }
  if (regional) out = out.replace(REGIONAL_RE, (w) => REGIONAL_WORDS[w] ?? w);
  return { text: out, changed };
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
  let text = raw.length > MAX_RAW_CHARS ? raw.slice(0, MAX_RAW_CHARS) : raw;
  text = stripHtml(text.normalize('NFKC')).toLowerCase();
  const converted = convertTraditional(text);
  const traditional = converted.changed >= 2 || (converted.changed === 1 && text.length < 20);
  text = converted.text;
  // white space collapsed to single spaces (the replace only when there is something to collapse)
  if (/[^\S ]| {2}|^ | $/.test(text)) text = text.replace(/\s+/g, ' ').trim();
  if (text.length > MAX_TEXT_CHARS) text = text.slice(0, MAX_TEXT_CHARS);
  return { normalized: text, withPlaceholders: replacePlaceholders(text), traditional };
}

/** The normalised text alone (what the rules read). */
export function normalizeText(raw: unknown): string {
  return prepareText(raw).normalized;
}
