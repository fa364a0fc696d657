/**
 * Where the rule lexicons match in normalised text. English: every lexicon in one regular expression
 * (a capture group per lexicon) on word boundaries. Chinese: the terms indexed by the literal characters
 * every match starts with (a plain term is compared with startsWith, a term with look-arounds is run as
 * a sticky expression there); at a position the longest start wins, and a match is not scanned again
 * (食物中毒 is one hit, not also 中毒).
 */
import { LEXICON_NAMES, LEXICONS, type LexiconName } from './lexicons';

export interface LexiconHit {
  name: LexiconName;
  word: string;
  index: number;
}

const EN_LEXICONS = (() => {
  const groups = LEXICON_NAMES.map((n) => `(${LEXICONS[n].en.join('|') || '(?!)'})`).join('|');
  const re = new RegExp(`(?<![a-z])(?=[a-z0-9])(?:${groups})(?![a-z])`, 'g');
  const captures = (new RegExp(`${re.source}|`).exec('') as RegExpExecArray).length - 1;
  if (captures !== LEXICON_NAMES.length) throw new Error('rules: an English lexicon term has a capturing group; use (?:…)');
  return re;
})();

const ZH_PLAIN = /^[^\\()[\]{}?*+.|^$]+$/;

/** The literal characters every match of a Chinese term starts with (after its leading look-behinds). */
function anchorOf(term: string): string {
  let t = term;
  while (t.startsWith('(?<')) {
    let depth = 0;
    let end = -1;
    for (let i = 0; i < t.length && end < 0; i++) {
      if (t[i] === '\\') i++;
      else if (t[i] === '(') depth++;
      else if (t[i] === ')' && --depth === 0) end = i;
    }
    t = t.slice(end + 1);
  }
  const prefix = (/^[^\\()[\]{}?*+.|^$]*/.exec(t) as RegExpExecArray)[0];
  // a quantifier after the prefix makes its last character optional
  return '?*{'.includes(t[prefix.length] ?? '') ? prefix.slice(0, -1) : prefix;
}

interface ZhTerm {
  anchor: string;
  /** Sticky expression of a term with syntax; null for a plain term. */
  re: RegExp | null;
  name: LexiconName;
}

/** Chinese terms by their first character, longest anchor first (lexicon order otherwise). */
const ZH_INDEX = (() => {
  const index = new Map<number, ZhTerm[]>();
  for (const name of LEXICON_NAMES) {
    for (const term of LEXICONS[name].zh) {
      const plain = ZH_PLAIN.test(term);
      const anchor = plain ? term : anchorOf(term);
      if (!anchor) throw new Error(`rules: the Chinese term ${term} does not start with a literal character`);
      const list = index.get(anchor.charCodeAt(0)) ?? [];
      list.push({ anchor, re: plain ? null : new RegExp(term, 'y'), name });
      index.set(anchor.charCodeAt(0), list);
    }
  }
  for (const list of index.values()) list.sort((a, b) => b.anchor.length - a.anchor.length);
  return index;
})();

/** First characters of the Chinese terms (most positions start none and are skipped at once). */
const ZH_FIRST = (() => {
  const table = new Uint8Array(0x10000);
  for (const c of ZH_INDEX.keys()) table[c] = 1;
  return table;
})();

function scanEnglish(text: string, out: LexiconHit[]): void {
  EN_LEXICONS.lastIndex = 0;
  for (let m = EN_LEXICONS.exec(text); m !== null; m = EN_LEXICONS.exec(text)) {
    let g = 1;
    while (g < m.length && m[g] === undefined) g++;
    out.push({ name: LEXICON_NAMES[g - 1] as LexiconName, word: m[0], index: m.index });
  }
}

const NO_TERMS: readonly ZhTerm[] = [];

function scanChinese(text: string, out: LexiconHit[]): void {
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    let advance = 1;
    for (const t of ZH_FIRST[c] === 1 ? (ZH_INDEX.get(c) as ZhTerm[]) : NO_TERMS) {
      if (!text.startsWith(t.anchor, i)) continue;
      let word = t.anchor;
      if (t.re) {
        t.re.lastIndex = i;
        const m = t.re.exec(text);
        if (m === null) continue;
        word = m[0];
      }
      out.push({ name: t.name, word, index: i });
      advance = word.length;
      break;
    }
    i += advance;
  }
}

/** Every lexicon match in normalised text: English ones first, then Chinese ones, each in text order. */
export function scanLexicons(text: string): LexiconHit[] {
  const out: LexiconHit[] = [];
  if (/[a-z]/.test(text)) scanEnglish(text, out);
  scanChinese(text, out);
  return out;
}
