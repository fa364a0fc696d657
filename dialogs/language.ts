/**
 * The customer's language: from the channel's locale when it names one, else detected from what
 * they write. Chinese keeps the customer's script (Traditional in → Traditional out).
 */
import type { Language } from '../src/domain/taxonomy';
import T2S_CHARS from '../src/nlp/data/t2s.json';
import type { BotLanguage } from './messages';

/**
 * Character tables from the classifier's Traditional → Simplified table (derived from OpenCC): a
 * character that changes is Traditional-only; its Simplified form, when it is not also Traditional
 * text, is Simplified-only. Per character, which is what script detection and short labels need;
 * loading OpenCC's phrase dictionaries here would cost ~40 MB of memory per process.
 */
const T2S = T2S_CHARS as Record<string, string>;
const TRADITIONAL_ONLY = new Set(Object.keys(T2S).filter((t) => T2S[t] !== t && t.normalize('NFC') === t));
const S2T = new Map<string, string>();
// Compatibility ideographs (U+F900…) normalise to another character: never a conversion target.
for (const [t, s] of Object.entries(T2S)) if (s !== t && t.normalize('NFC') === t && !S2T.has(s) && !(s in T2S)) S2T.set(s, t);

/** Per character (the classifier's own conversion also rewrites regional words, e.g. 品質 → 质量, which must not reach a customer). */
function toSimplified(text: string): string {
  let out = '';
  for (const ch of text) out += T2S[ch] ?? ch;
  return out;
}

function toTraditional(text: string): string {
  let out = '';
  for (const ch of text) out += S2T.get(ch) ?? ch;
  return out;
}

/** Simplified form of a text, for matching keywords written once in Simplified. */
export function simplified(text: string): string {
  return toSimplified(text);
}

export function traditional(text: string): string {
  return toTraditional(text);
}

/** Text in the script of `lang` (labels from configuration are converted to the customer's script). */
export function inScript(text: string, lang: BotLanguage): string {
  if (lang === 'zh-TW') return toTraditional(text);
  if (lang === 'zh-CN') return toSimplified(text);
  return text;
}

const HAN = /[\u3400-\u9fff\uf900-\ufaff]/g;

/** 'traditional' or 'simplified' when the text has characters that tell them apart, else null. */
export function chineseScript(text: string): 'traditional' | 'simplified' | null {
  const han = text.match(HAN) ?? [];
  if (!han.length) return null;
  let simplifiedOnly = 0;
  let traditionalOnly = 0;
  for (const ch of han) {
    if (TRADITIONAL_ONLY.has(ch)) traditionalOnly++;
    else if (S2T.has(ch)) simplifiedOnly++;
  }
  if (simplifiedOnly === traditionalOnly) return null;
  return traditionalOnly > simplifiedOnly ? 'traditional' : 'simplified';
}

/** A channel locale (`zh-TW`, `zh-Hant-HK`, `zh-CN`, `en-US`…) as a bot language, or null if unknown. */
export function fromLocale(locale: string | undefined | null): BotLanguage | null {
  if (!locale || typeof locale !== 'string') return null;
  const l = locale.toLowerCase();
  if (/^zh[-_](tw|hk|mo|hant)/.test(l)) return 'zh-TW';
  if (l.startsWith('zh')) return 'zh-CN';
  if (l.startsWith('en')) return 'en';
  return null;
}

/** Language of a text, or null when it is too short or mixed to tell. */
export function detect(text: string): BotLanguage | null {
  const han = (text.match(HAN) ?? []).length;
  const latinWords = (text.match(/[A-Za-z]{2,}/g) ?? []).length;
  if (han >= 2 && han >= latinWords) return chineseScript(text) === 'traditional' ? 'zh-TW' : 'zh-CN';
  if (han === 0 && latinWords >= 3) return 'en';
  return null;
}

/**
 * The language for this turn. The first message (or the locale) sets it; later messages switch
 * between Simplified and Traditional as the customer writes, and between Chinese and English only
 * on a clear sentence (a name like "Li Lei" or an "OK" does not switch).
 */
export function chooseLanguage(current: BotLanguage | undefined, locale: string | undefined, text: string): BotLanguage {
  const detected = detect(text);
  // With nothing to go on (a greeting before any text, no locale) the desk speaks Simplified Chinese.
  if (!current) return detected ?? fromLocale(locale) ?? (/[A-Za-z]/.test(text) && !/[\u3400-\u9fff]/.test(text) ? 'en' : 'zh-CN');
  if (!detected) return current;
  if (current !== 'en' && detected !== 'en') {
    const script = chineseScript(text);
    if (script === 'traditional') return 'zh-TW';
    if (script === 'simplified') return 'zh-CN';
    return current;
  }
  if (detected === 'en' && (text.match(/[A-Za-z]{2,}/g) ?? []).length >= 4) return 'en';
  if (detected !== 'en' && current === 'en' && (text.match(HAN) ?? []).length >= 4) return detected;
  return current;
}

/** The core's language of a bot language. */
export function coreLanguage(lang: BotLanguage): Language {
  return lang === 'en' ? 'en' : 'zh';
}

/** Locale for dates and numbers. */
export function intlLocale(lang: BotLanguage): string {
  return lang === 'en' ? 'en-GB' : lang;
}
