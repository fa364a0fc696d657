/** Money amounts in normalised text and the severity they imply. */
import type { Severity } from '../../domain/taxonomy';
import { matchesNearDigits } from '../text/near-digits';
import { LEXICONS } from './lexicons';
import { parseChineseNumber } from './people';

export type Currency = 'CNY' | 'HKD' | 'TWD' | 'USD';

/**
 * Amounts (in each currency) from which a complaint is at least important / major. Set from the
 * severities of the project's own examples per amount band (see nlp-models/DATA_CARD.md); an amount is
 * the largest one mentioned, which may be a price rather than the sum in dispute.
 */
export const AMOUNT_THRESHOLDS: Readonly<Record<Currency, { important: number; major: number }>> = {
  CNY: { important: 5_000, major: 50_000 },
  HKD: { important: 5_000, major: 50_000 },
  TWD: { important: 10_000, major: 200_000 },
  USD: { important: 1_000, major: 10_000 },
};

export interface Amount {
  value: number;
  currency: Currency;
  text: string;
  /** A price, balance, limit or loan amount (the words just before say so), not a sum in dispute. */
  reference: boolean;
}

/** Words just before an amount that make it a price, a balance, a limit or a loan amount (lexicons.json `amountReference`). */
const REFERENCE_BEFORE = {
  zh: new RegExp(`(?:${LEXICONS.amountReference.zh.join('|')})[^，。！？；,.!?;]{0,4}$`),
  en: new RegExp(`\\b(?:${LEXICONS.amountReference.en.join('|')})\\b[^.!?;]{0,20}$`),
};
const REFERENCE_WINDOW = { zh: 10, en: 40 };

const NOT_MONEY_AFTER = '(?!\\s?(?:公里|千米|km|里|步|次|人|户|个|张|条|件|名|字|粉|册|台|辆|元素))';
const AMOUNT_RE = new RegExp(
  [
    // 1: prefix currency, 2: number, 3: multiplier
    `(nt\\$|us\\$|hk\\$|rmb|cny|usd|twd|hkd|[¥$€£])\\s?\\{?\\s?(\\d+(?:,\\d{3})*(?:\\.\\d+)?)(?:\\s?(万|k|m|million|thousand)(?![a-z]))?`,
    // 4: number, 5: 万 + optional thousands digit (3万8), 6: suffix currency
    `(\\d+(?:\\.\\d+)?)\\s?(?:(万)(\\d(?!\\d))?|千)?\\s?(元|块|人民币|美元|美金|新台币|台币|港币|港元|dollars?|bucks)`,
    `(\\d+(?:\\.\\d+)?)\\s?万(\\d(?!\\d))?${NOT_MONEY_AFTER}`,
    // Chinese numerals before 万 or 千元: 十几万, 六十多万, 两千块
    `([零〇一二两三四五六七八九十百千几]+)(?:多|几|余)?(万|千)(?:多|几|余)?${NOT_MONEY_AFTER}`,
  ].join('|'),
  'g',
);

function currencyOf(marker: string | undefined, traditional: boolean, hasHan: boolean): Currency {
  switch (marker) {
    case 'nt$':
    case 'twd':
    case '新台币':
    case '台币':
      return 'TWD';
    case 'hk$':
    case 'hkd':
    case '港币':
    case '港元':
      return 'HKD';
    case 'us$':
    case 'usd':
    case '美元':
    case '美金':
    case 'dollars':
    case 'dollar':
    case 'bucks':
    case '€':
    case '£':
      return 'USD';
    case '$':
      return hasHan ? (traditional ? 'HKD' : 'CNY') : 'USD';
    default:
      return traditional ? 'TWD' : 'CNY';
  }
}

/** A match of AMOUNT_RE starts at most this many characters before a digit, or at a Chinese numeral. */
const AMOUNT_DIGIT_REACH = 8;
const CN_NUMERAL_G = /[零〇一二两三四五六七八九十百千几]/g;

/** Money amounts in normalised text; unmarked 元/万 are TWD in Traditional text, CNY otherwise. */
export function findAmounts(text: string, traditional = false): Amount[] {
  if (!/[\d万千]/.test(text)) return [];
  const hasHan = /\p{Script=Han}/u.test(text);
  const out: Amount[] = [];
  for (const m of matchesNearDigits(AMOUNT_RE, text, AMOUNT_DIGIT_REACH, CN_NUMERAL_G)) {
    let value: number | undefined;
    let marker: string | undefined;
    if (m[2] !== undefined) {
      marker = m[1];
      value = Number(m[2].replace(/,/g, ''));
      const mult = m[3];
      if (mult === '万') value *= 10_000;
      else if (mult === 'k' || mult === 'thousand') value *= 1_000;
      else if (mult === 'm' || mult === 'million') value *= 1_000_000;
    } else if (m[4] !== undefined) {
      marker = m[7];
      value = Number(m[4]);
      if (m[5] === '万') value = value * 10_000 + Number(m[6] ?? 0) * 1_000;
      else if (m[0].includes('千')) value *= 1_000;
    } else if (m[8] !== undefined) {
      value = Number(m[8]) * 10_000 + Number(m[9] ?? 0) * 1_000;
    } else if (m[10] !== undefined) {
      const n = parseChineseNumber(m[10]);
      if (n !== undefined) value = n * (m[11] === '万' ? 10_000 : 1_000);
    }
    if (value === undefined || !Number.isFinite(value) || value <= 0) continue;
    const zh = /\p{Script=Han}/u.test(text.slice(Math.max(0, m.index - 2), m.index + m[0].length + 1));
    const before = text.slice(Math.max(0, m.index - (zh ? REFERENCE_WINDOW.zh : REFERENCE_WINDOW.en)), m.index);
    out.push({ value, currency: currencyOf(marker, traditional, hasHan), text: m[0].trim(), reference: (zh ? REFERENCE_BEFORE.zh : REFERENCE_BEFORE.en).test(before) });
  }
  return out;
}

/** The severity an amount in dispute implies by AMOUNT_THRESHOLDS (a reference amount, a price or a balance, implies nothing). */
export function amountSeverity(a: Amount): Severity {
  const t = AMOUNT_THRESHOLDS[a.currency];
  if (a.reference) return 'general';
  return a.value >= t.major ? 'major' : a.value >= t.important ? 'important' : 'general';
}

/** For tests: the expression the amounts are read with. */
export const amountInternals = { AMOUNT_RE, AMOUNT_DIGIT_REACH, CN_NUMERAL_G } as const;
