/**
 * Matches of a global regular expression that can only match near a digit (amounts, dates, phone
 * numbers): the expression tries its alternatives at every position, several of them starting with
 * letters (`usd`, `jan`), which costs long English text more than the rest of the classifier. A
 * match can start only within `reach` characters before a digit or where `otherStarts` matches, so
 * the expression is resumed from the next such position; it still finds the leftmost match there, so
 * the matches are those of `text.matchAll(re)`.
 */
export function matchesNearDigits(re: RegExp, text: string, reach: number, otherStarts?: RegExp): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  const n = text.length;
  let digit = -1;
  let other = -1;
  for (let p = 0; p < n; ) {
    if (digit < p) digit = nextIndex(DIGIT, text, p);
    if (otherStarts && other < p) other = nextIndex(otherStarts, text, p);
    const start = Math.min(Math.max(p, digit - reach), otherStarts ? other : n);
    if (start >= n) break;
    re.lastIndex = start;
    const m = re.exec(text);
    if (m === null) break;
    out.push(m);
    p = m.index + Math.max(1, m[0].length);
  }
  return out;
}

const DIGIT = /\d/g;

/** Index of the first match of a global expression at or after `from` (text.length when none). */
function nextIndex(re: RegExp, text: string, from: number): number {
  re.lastIndex = from;
  const m = re.exec(text);
  return m === null ? text.length : m.index;
}
