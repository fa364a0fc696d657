/**
 * Placeholders for the tokenizer: numbers, amounts, phones, order ids, dates, URLs and e-mail
 * addresses in normalised text become `<num>`, `<amount>`, `<phone>`, `<order>`, `<date>`, `<url>`,
 * `<email>` (an amount of money says more than its digits).
 */
import { matchesNearDigits } from './near-digits';

export const PLACEHOLDERS = ['<num>', '<amount>', '<phone>', '<order>', '<date>', '<url>', '<email>'] as const;

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
/** The other places a match can start. */
const NUMERIC_SPECIAL_RE = /\{|xx\/|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/g;

/** Replace numbers, amounts, phones, order ids, dates, URLs and e-mails in normalised text. */
export function replacePlaceholders(normalized: string): string {
  const text = replaceUrls(normalized);
  if (!/\d/.test(text)) return text;
  let out = '';
  let last = 0;
  for (const m of matchesNearDigits(NUMERIC_RE, text, NUMERIC_DIGIT_REACH, NUMERIC_SPECIAL_RE)) {
    let k = 1;
    while (k < NUMERIC_KINDS.length && m[k] === undefined) k++;
    out += text.slice(last, m.index) + (NUMERIC_KINDS[k - 1] as string);
    last = m.index + m[0].length;
  }
  return last === 0 ? text : out + text.slice(last);
}

function replaceUrls(text: string): string {
  if (text.includes('@') || text.includes('http') || text.includes('www.')) {
    return text.replace(URL_EMAIL_RE, (_m, url: string | undefined) => (url ? ' <url> ' : ' <email> '));
  }
  return text;
}

/** For tests: the expression and the kinds, to compare with one global replace. */
export const placeholderInternals = { NUMERIC_RE, NUMERIC_KINDS } as const;
