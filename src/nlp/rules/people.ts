/** Stated numbers of people (二十多户, 200 customers): at least MANY_PEOPLE_MIN is "many people affected". */

/** A stated number of people at least this large counts as "many people affected". */
export const MANY_PEOPLE_MIN = 5;

const CN_DIGIT: Readonly<Record<string, number>> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const CN_UNIT: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000 };

/** 三十 → 30, 二十几 → 21, 两百 → 200, 十 → 10, 几 → 2 (the least that "several" means). */
export function parseChineseNumber(s: string): number | undefined {
  if (!s) return undefined;
  let total = 0;
  let digit = -1;
  for (const c of s) {
    if (c === '几') {
      digit = digit < 0 ? (total > 0 ? 1 : 2) : digit;
      continue;
    }
    const d = CN_DIGIT[c];
    if (d !== undefined) {
      digit = d;
      continue;
    }
    const u = CN_UNIT[c];
    if (u === undefined) return undefined;
    total += (digit < 0 ? 1 : digit) * u;
    digit = -1;
  }
  if (digit >= 0) total += digit;
  return total;
}

const PEOPLE_RE = /(\d+|[零〇一二两三四五六七八九十百千几]+)\s?(?:多|几|余)?\s?(?:个|位|户|家|名|口)?\s?(人|户|家|业主|居民|用户|车主|孩子|小孩|学生|工人|员工|投资人|村民|家长|企业|住户|老人|乘客|顾客|客户|病人|患者)(?!民币)|\b(\d{1,3}(?:,\d{3})+|\d{2,}|dozens|hundreds|thousands) (?:of )?(?:other )?(people|customers|residents|families|households|users|employees|tenants|consumers|victims|units|homes|patients|passengers|students|children|kids|members|subscribers|accounts)\b/g;
/** A queue or an audience is not many people affected: 前面还有五十多人, 当着几十个家长, 200 people were in the line. */
const QUEUE_BEFORE_RE = /(?:前面|后面|排了?|排队|等了?|当着)(?:还有|有)?$/;
const QUEUE_AFTER_RE = /^(?:\s?(?:were|are|was|in|waiting)){0,2}\s?(?:in (?:the |a )?)?(?:line|queue)|^\s?(?:在?排队|在等)/;

/** PEOPLE_RE needs a number: a digit, a Chinese numeral, dozens, hundreds or thousands. */
const PEOPLE_HINT_RE = /[\d零〇一二两三四五六七八九十百千几]|dozens|hundreds|thousands/;

/** The phrases that state at least MANY_PEOPLE_MIN people, not a queue or an audience (at most `max`). */
export function manyPeople(text: string, max: number): string[] {
  const out: string[] = [];
  if (!PEOPLE_HINT_RE.test(text)) return out;
  PEOPLE_RE.lastIndex = 0;
  for (let m = PEOPLE_RE.exec(text); m !== null; m = PEOPLE_RE.exec(text)) {
    const raw = (m[1] ?? m[3] ?? '').replace(/,/g, '');
    const n = /^\d+$/.test(raw) ? Number(raw) : /^[a-z]+$/.test(raw) ? 100 : parseChineseNumber(raw);
    // 家 after a number is a family/company count; 一家四口 is one family
    if (n === undefined || n < MANY_PEOPLE_MIN) continue;
    const end = m.index + m[0].length;
    if (QUEUE_BEFORE_RE.test(text.slice(Math.max(0, m.index - 5), m.index)) || QUEUE_AFTER_RE.test(text.slice(end, end + 24))) continue;
    out.push(m[0]);
    if (out.length >= max) break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------