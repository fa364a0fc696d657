/**
 * Slow oracles for the classifier's text stages, written the plain way (one regular expression per
 * stage, strings everywhere), to check the scans in src/nlp/text against:
 *  - tokens: TOKEN_RE over the prepared text, Han runs as unigrams, bigrams and lexicon words found
 *    by forward maximum matching on substrings, English words stemmed with their 4-grams;
 *  - placeholders: one global replace of the numeric expression.
 */
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer';
import { words as EN_STOP_WORDS } from 'natural/lib/natural/util/stopwords';
import { placeholderInternals } from '../../../src/nlp/text/placeholders';
import type { TokenizerSettings } from '../../../src/nlp/text/tokenizer';

const TOKEN_RE = /<(?:num|amount|phone|order|date|url|email)>|(\p{Script=Han}+)|([\p{Script=Latin}']+)|\p{L}+/gu;
const STOP_CHARS = new Set('的地得了着过吗呢吧啊嘛呀哦哇嗯哼之与及并等和跟或该这那此其某各每我你您他她它们是在就也都又很把被');
const STOP_WORDS = new Set(['我们', '你们', '他们', '她们', '这个', '那个', '这样', '那样', '一个', '然后', '但是', '因为', '所以', '而且', '还是', '就是', '已经', '可以', '自己', '什么', '怎么', '这些', '那些', '的话', '时候']);
const EN_STOP = new Set(EN_STOP_WORDS);

function lexiconWords(run: string, lexicon: ReadonlySet<string>, maxLength: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < run.length - 1; ) {
    let matched = 0;
    for (let len = Math.min(maxLength, run.length - i); len >= 2 && !matched; len--) if (lexicon.has(run.slice(i, i + len))) matched = len;
    if (matched) out.push(run.slice(i, i + matched));
    i += matched || 1;
  }
  return out;
}

/** The tokens of prepared text (`withPlaceholders`), by the book. */
export function referenceTokens(text: string, settings: TokenizerSettings, lexiconList: readonly string[]): string[] {
  const lexicon = new Set(settings.words ? lexiconList.filter((w) => w.length >= 2 && !STOP_WORDS.has(w) && /^[\u3400-\u9fff]+$/.test(w)) : []);
  const maxLength = Math.max(0, ...[...lexicon].map((w) => w.length));
  const out: string[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    const [all, han, latin] = m;
    if (han !== undefined) {
      const chars = Array.from(han);
      chars.forEach((c, i) => {
        if (settings.charBigrams && i > 0 && !(STOP_CHARS.has(c) && STOP_CHARS.has(chars[i - 1] as string))) out.push((chars[i - 1] as string) + c);
        if (settings.charUnigrams && !STOP_CHARS.has(c)) out.push(c);
      });
      // lexicon words only in runs of characters U+3400–U+9FFF
      if (/^[\u3400-\u9fff]+$/.test(han)) out.push(...lexiconWords(han, lexicon, maxLength));
    } else if (latin !== undefined) {
      const word = latin.replace(/'/g, '');
      const mask = /^x{2,}$/.test(word);
      if (settings.englishCharGrams && word.length >= 3 && !mask) {
        const w = ` ${word} `;
        for (let j = 0; j + 4 <= w.length; j++) out.push(`#${w.slice(j, j + 4)}`);
      }
      if (word.length >= 2 && !mask && !EN_STOP.has(word)) out.push(PorterStemmer.stem(word));
    } else {
      out.push(all);
    }
  }
  return out;
}

/** Placeholders by one global replace (replacePlaceholders resumes its expression only near digits). */
export function referencePlaceholders(normalized: string): string {
  const { NUMERIC_RE, NUMERIC_KINDS } = placeholderInternals;
  const urls = normalized.replace(/(https?:\/\/\S+|www\.[^\s/]+\S*)|([\w.+-]+@[\w-]+(?:\.[\w-]+)+)/g, (_m, url: string | undefined) => (url ? ' <url> ' : ' <email> '));
  return urls.replace(new RegExp(NUMERIC_RE.source, 'g'), (...groups: unknown[]) => {
    for (let g = 1; g <= NUMERIC_KINDS.length; g++) if (groups[g] !== undefined) return NUMERIC_KINDS[g - 1] as string;
    return ' <num> ';
  });
}
