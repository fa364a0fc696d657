/**
 * Slot filling from free text: what a customer's message already says (phone, e-mail, order
 * number, amount, date, remedy, name, product, shop) so the intake never asks for it again. Pure
 * functions; Chinese is matched on its Simplified form, so Traditional input works the same.
 */
import * as chrono from 'chrono-node';
import { REMEDIES, type Remedy } from '../../src/domain/taxonomy';
import { PHONE_PATTERN } from '../../src/domain/complaint-input';
import { simplified } from '../language';

export interface Amount {
  value: number;
  currency: string;
}

export interface When {
  /** Calendar date `YYYY-MM-DD` in the customer's time zone. */
  date: string;
  /** The customer's own words for it ("上周三", "last Friday"). */
  text: string;
}

export interface ExtractedSlots {
  phone?: string;
  email?: string;
  orderId?: string;
  amount?: Amount;
  when?: When;
  remedy?: Remedy;
  name?: string;
  product?: string;
  merchant?: string;
  location?: string;
}

export interface ExtractContext {
  now: Date;
  /** IANA zone in which "yesterday" is meant (the deployment's SLA time zone). */
  timeZone: string;
}

// ---- contact ------------------------------------------------------------------------------------

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const PHONE_CANDIDATES = [
  // Chinese mobiles, with or without +86 and separators: 13812345678, +86 138-1234-5678
  /(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)/,
  // international with a plus: +1 415 555 0100, +852 9123 4567
  /\+\d{1,3}[\s-]?\(?\d{1,4}\)?(?:[\s-]?\d{2,4}){2,4}(?!\d)/,
  // Taiwan mobiles: 0912 345 678
  /(?<!\d)09\d{2}[\s-]?\d{3}[\s-]?\d{3}(?!\d)/,
  // landlines: 010-12345678, 0755 1234 5678
  /(?<!\d)0\d{2,3}[\s-]?\d{3,4}[\s-]?\d{4}(?!\d)/,
  // North American: (415) 555-0100, 415-555-0100
  /\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b/,
];

export function findEmail(text: string): string | undefined {
  const m = EMAIL.exec(text);
  return m ? m[0].replace(/\.$/, '') : undefined;
}

export function findPhone(text: string): string | undefined {
  for (const re of PHONE_CANDIDATES) {
    const m = re.exec(text.replace(/[（]/g, '(').replace(/[）]/g, ')'));
    if (m) {
      const phone = m[0].replace(/\./g, ' ').trim();
      const digits = phone.replace(/\D/g, '').length;
      if (PHONE_PATTERN.test(phone) && digits >= 7 && digits <= 20) return phone;
    }
  }
  return undefined;
}

/** A phone or e-mail in an answer to "how can we reach you?", or null. */
export function parseContact(text: string): { phone?: string; email?: string } | null {
  const email = findEmail(text);
  // In an answer to the contact question any 7–20 digits with the usual separators are a phone (Hong Kong's 9123 4567).
  const bare = /^\s*(\+?[0-9][0-9 ()-]{5,30}[0-9])\s*$/.exec(email ? '' : text)?.[1];
  const phone = findPhone(text) ?? (bare && PHONE_PATTERN.test(bare) && bare.replace(/\D/g, '').length >= 7 && bare.replace(/\D/g, '').length <= 20 ? bare : undefined);
  if (!email && !phone) return null;
  return { ...(phone ? { phone } : {}), ...(email ? { email } : {}) };
}

// ---- order number -------------------------------------------------------------------------------

const ORDER_KEYWORD = /(?:订单号?码?|订单编号|单号|运单号|流水号|order\s*(?:number|no\.?|id|#)?|invoice\s*(?:number|no\.?)?|account\s*(?:number|no\.?)?|账号|账户)\s*(?:是|为|:|：|#|\s)\s*([A-Za-z0-9][A-Za-z0-9-]{3,39})/i;
const LONG_NUMBER = /(?<![\d.])\d{12,30}(?![\d.])/;

export function findOrderId(text: string, phone?: string): string | undefined {
  const s = simplified(text);
  const k = ORDER_KEYWORD.exec(s);
  if (k?.[1] && /\d/.test(k[1])) return k[1];
  const phoneDigits = phone?.replace(/\D/g, '');
  const m = LONG_NUMBER.exec(s);
  if (m && m[0] !== phoneDigits && !phoneDigits?.endsWith(m[0])) return m[0];
  return undefined;
}

// ---- amount -------------------------------------------------------------------------------------

const NUM = String.raw`(\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)`;
const AMOUNT_PATTERNS: Array<[RegExp, string]> = [
  [new RegExp(String.raw`(?:HK\$|港币|港元)\s?${NUM}`, 'i'), 'HKD'],
  [new RegExp(String.raw`(?:NT\$|新台币)\s?${NUM}`, 'i'), 'TWD'],
  [new RegExp(String.raw`(?:US\$|USD\s?|\$)\s?${NUM}`, 'i'), 'USD'],
  [new RegExp(String.raw`(?:[¥￥]|RMB\s?|CNY\s?)\s?${NUM}`, 'i'), 'CNY'],
  [new RegExp(String.raw`(?:€|EUR\s?)\s?${NUM}`, 'i'), 'EUR'],
  [new RegExp(String.raw`(?:£|GBP\s?)\s?${NUM}`, 'i'), 'GBP'],
  [new RegExp(String.raw`${NUM}\s?(?:港币|港元|HKD)`, 'i'), 'HKD'],
  [new RegExp(String.raw`${NUM}\s?(?:新台币|TWD)`, 'i'), 'TWD'],
  [new RegExp(String.raw`${NUM}\s?(?:元|块钱|块|人民币|RMB|CNY|yuan|kuai)(?![a-z])`, 'i'), 'CNY'],
  [new RegExp(String.raw`${NUM}\s?(?:dollars?|bucks|USD)\b`, 'i'), 'USD'],
  [new RegExp(String.raw`${NUM}\s?(?:euros?|EUR)\b`, 'i'), 'EUR'],
  [new RegExp(String.raw`${NUM}\s?(?:pounds?|GBP)\b`, 'i'), 'GBP'],
];

export function findAmount(text: string): Amount | undefined {
  const s = simplified(text);
  for (const [re, currency] of AMOUNT_PATTERNS) {
    const m = re.exec(s);
    if (m?.[1]) {
      const value = Number(m[1].replace(/,/g, ''));
      if (Number.isFinite(value) && value >= 0 && value <= 1e12) return { value, currency };
    }
  }
  return undefined;
}

/** An answer to "how much?": an amount with a currency, or a bare number taken as `defaultCurrency`. */
export function parseAmount(text: string, defaultCurrency: string): Amount | null {
  const found = findAmount(text);
  if (found) return found;
  const bare = /^\s*(\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)\s*$/.exec(text);
  if (bare?.[1]) return { value: Number(bare[1].replace(/,/g, '')), currency: defaultCurrency };
  return null;
}

// ---- date ---------------------------------------------------------------------------------------

function offsetMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at);
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

function ymd(d: Date, offset: number): string {
  return new Date(d.getTime() + offset * 60_000).toISOString().slice(0, 10);
}

/** The first date the text mentions, in the past (complaints are about what happened). */
export function findWhen(text: string, ctx: ExtractContext): When | undefined {
  const offset = offsetMinutes(ctx.now, ctx.timeZone);
  const ref = { instant: ctx.now, timezone: offset };
  const parsers = [chrono.zh.hans, chrono.zh.hant, chrono.en];
  for (const p of parsers) {
    const results = p.parse(text, ref);
    for (const r of results) {
      // Times alone ("at 3pm") and bare numbers are not dates of an incident.
      if (!r.start.isCertain('day') && !r.start.isCertain('weekday') && !/[天日号號周週月]|day|week|month|yesterday|today|ago/i.test(r.text)) continue;
      let date = r.start.date();
      if (date.getTime() > ctx.now.getTime() + 86_400_000) {
        // "3月5日" said in November means last March, not next.
        if (r.start.isCertain('year')) continue;
        const back = new Date(date);
        back.setUTCFullYear(back.getUTCFullYear() - 1);
        if (back.getTime() > ctx.now.getTime()) continue;
        date = back;
      }
      return { date: ymd(date, offset), text: r.text };
    }
  }
  return undefined;
}

// ---- remedy -------------------------------------------------------------------------------------

const REMEDY_WORDS: Array<[Remedy, RegExp]> = [
  ['refund', /退款|退钱|退费|退货退款|全额退|返还|refund|money back|reimburs/i],
  ['replace', /换货|换一个|换新|更换|调换|replace|replacement|exchange|swap/i],
  ['repair', /维修|修理|修好|保修|返修|repair|fix it|fixed/i],
  ['compensation', /赔偿|补偿|赔钱|赔付|compensat|damages/i],
  ['apology', /道歉|赔礼|apolog|say sorry/i],
];

export function findRemedy(text: string): Remedy | undefined {
  const s = simplified(text);
  for (const [remedy, re] of REMEDY_WORDS) if (re.test(s)) return remedy;
  return undefined;
}

/** An answer to "what would you like us to do?": a remedy word, its number in the list, or "other". */
export function parseRemedy(text: string): Remedy | null {
  const found = findRemedy(text);
  if (found) return found;
  const s = simplified(text).trim().toLowerCase();
  const n = /^\s*([1-6])\s*$/.exec(s);
  if (n) return REMEDIES[Number(n[1]) - 1] ?? null;
  if (/^(其他|其它|别的|other|something else)/.test(s)) return 'other';
  return null;
}

// ---- name, product, shop, place -----------------------------------------------------------------

const HAN_NAME = '[\\u4e00-\\u9fff·]{2,5}';
const NAME_PATTERNS = [
  new RegExp(`(?:我叫|我的名字是|我名字叫|本人叫|姓名[:：是]?|名字[:：])\\s*(${HAN_NAME}|[A-Za-z][A-Za-z' -]{1,40}?)(?=[，。,.!！\\s]|$)`),
  new RegExp(`(?:^|[，。,.!！\\s])我是(${HAN_NAME})(?=[，。,.!！\\s]|$)`),
  /\b(?:my name is|my name's|i am called|name:)\s*([A-Z][A-Za-z'-]+(?:\s[A-Z][A-Za-z'-]+){0,3})/i,
];
/** Words that follow 我是 without being a name ("我是在…", "我是老客户"). */
const NOT_A_NAME = /^(在|从|从来|第|老|新|想|要|来|说|你|您|他|她|这|那|一个|顾客|客户|会员|用户|消费者)/;

export function findName(text: string): string | undefined {
  for (const re of NAME_PATTERNS) {
    const m = re.exec(text);
    const name = m?.[1]?.trim();
    if (name && !NOT_A_NAME.test(simplified(name))) return name;
  }
  return undefined;
}

const STOP_AFTER_PRODUCT = /[，。,.!！？?；;\n]|第一次|第二次|才|就|刚|坏|漏|不|没|有|用了|到手|回来|一直|结果|但是|可是|怎么|居然|竟然|总是|经常|老是|是|后/;

function cutProduct(raw: string): string | undefined {
  const idx = raw.search(STOP_AFTER_PRODUCT);
  const p = (idx >= 0 ? raw.slice(0, idx) : raw).replace(/^(了|一个|一台|一部|一件|一双|一款|个|台|部|件|双|款|的)+/, '').trim();
  return p.length >= 2 && p.length <= 30 ? p : undefined;
}

export function findProduct(text: string): string | undefined {
  const s = simplified(text);
  const zh = /(?:买的|买了|购买的|购买了|订的|订了|下单的|下单了|入手的|收到的)(.{2,30})/.exec(s);
  if (zh?.[1]) {
    const p = cutProduct(zh[1]);
    if (p) return text.slice(s.indexOf(p), s.indexOf(p) + p.length) || p;
  }
  const en = /\b(?:bought|ordered|purchased|received)\s+(?:a |an |the |my |two |some )?(?:new )?([a-z][a-z0-9 -]{1,40}?)(?=\s+(?:from|at|on|in|for|last|yesterday|which|that|but|and|it|was|is)\b|[,.!;]|$)/i.exec(text);
  if (en?.[1]) return en[1].trim();
  const my = /\bmy (?:new )?([a-z][a-z0-9-]{2,20}(?: [a-z0-9-]{2,20})?)\s+(?:broke|stopped|is broken|doesn't|does not|won't|leaks|is leaking)/i.exec(text);
  if (my?.[1]) return my[1].trim();
  return undefined;
}

export function findMerchant(text: string): string | undefined {
  const s = simplified(text);
  const zh = /在([\u4e00-\u9fffA-Za-z0-9]{2,20}?)(?:上|的|网店|旗舰店|官网|商城|店里|门店)?(?:买|购买|下单|订)/.exec(s);
  if (zh?.[1] && !/^(网上|家里|昨天|今天|前天|上周|本地)$/.test(zh[1])) return text.slice(s.indexOf(zh[1]), s.indexOf(zh[1]) + zh[1].length) || zh[1];
  const en = /\b(?:from|at)\s+([A-Z][A-Za-z0-9&'.-]+(?:\s[A-Z][A-Za-z0-9&'.-]+){0,3})/.exec(text);
  if (en?.[1] && !/^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December)$/.test(en[1])) return en[1];
  return undefined;
}

export function findLocation(text: string): string | undefined {
  const s = simplified(text);
  const zh = /在([\u4e00-\u9fffA-Za-z0-9]{2,20}?(?:店|门店|门市|商场|超市|营业厅|分行|支行|医院|酒店|机场|车站|小区))/.exec(s);
  if (zh?.[1]) return text.slice(s.indexOf(zh[1]), s.indexOf(zh[1]) + zh[1].length) || zh[1];
  return undefined;
}

// ---- everything ---------------------------------------------------------------------------------

export function extractSlots(text: string, ctx: ExtractContext): ExtractedSlots {
  const out: ExtractedSlots = {};
  const email = findEmail(text);
  // An e-mail's digits are not a phone number.
  const rest = email ? text.replace(email, ' ') : text;
  const phone = findPhone(rest);
  const orderId = findOrderId(phone ? rest.replace(phone, ' ') : rest, phone);
  const amount = findAmount(rest);
  const when = findWhen(rest, ctx);
  const remedy = findRemedy(rest);
  const name = findName(rest);
  const product = findProduct(rest);
  const merchant = findMerchant(rest);
  const location = findLocation(rest);
  if (email) out.email = email;
  if (phone) out.phone = phone;
  if (orderId) out.orderId = orderId;
  if (amount) out.amount = amount;
  if (when) out.when = when;
  if (remedy) out.remedy = remedy;
  if (name) out.name = name;
  if (product) out.product = product;
  if (merchant) out.merchant = merchant;
  if (location) out.location = location;
  return out;
}
