/**
 * What the bot says, as WeChat can show it: plain text. WeChat shows no cards and no buttons in
 * a conversation, so a card becomes its text, and a question's options become numbered options
 * ("回复 1 提交，2 修改，3 取消") whose numbers the customer may answer with; links become the
 * `<a href="…">` form WeChat renders. Long texts are cut into pieces WeChat accepts.
 */
import type { Activity } from 'botbuilder';
import type { BotLanguage } from '../../dialogs/messages';

/** WeChat's limit for one text message is 2048 bytes of UTF-8; stay a little below it. */
export const MAX_TEXT_BYTES = 2000;

export interface Rendered {
  text: string;
  /** Options of the last question, in the order numbered; null when it offered fewer than two. */
  choices: string[] | null;
}

const REPLY_WORD: Record<BotLanguage, string> = { 'zh-CN': '回复', 'zh-TW': '回覆', en: 'Reply' };

/** "回复 1 提交，2 修改，3 取消" for a few short options; one per line for more. */
export function numberedOptions(labels: string[], lang: BotLanguage): string {
  const word = REPLY_WORD[lang];
  const sep = lang === 'en' ? ', ' : '，';
  const short = labels.length <= 4 && labels.every((l) => [...l].length <= 8);
  if (short) return `${word} ${labels.map((l, i) => `${i + 1} ${l}`).join(sep)}`;
  const head = lang === 'en' ? 'Reply with a number:' : `${word}数字：`;
  return [head, ...labels.map((l, i) => `${i + 1}. ${l}`)].join('\n');
}

/** A single option ("跳过", "完成") is offered by its word, not by a number. */
function singleOption(label: string, lang: BotLanguage): string {
  return lang === 'en' ? `(Reply "${label}")` : `（${REPLY_WORD[lang]}“${label}”）`;
}

interface CardLike {
  contentType?: string;
  content?: { fallbackText?: unknown; title?: unknown; text?: unknown; body?: unknown } | null;
}

function cardText(a: CardLike): string | null {
  const c = a.content;
  if (!c || typeof c !== 'object') return null;
  if (a.contentType === 'application/vnd.microsoft.card.adaptive') {
    if (typeof c.fallbackText === 'string' && c.fallbackText.trim()) return c.fallbackText.trim();
    const blocks = Array.isArray(c.body) ? (c.body as Array<{ text?: unknown }>) : [];
    const lines = blocks.map((b) => (typeof b.text === 'string' ? b.text.replace(/\*\*/g, '').replace(/\\([\\`*_[\]()#+!>~|])/g, '$1') : null)).filter(Boolean);
    return lines.length ? lines.join('\n') : null;
  }
  const parts = [c.title, c.text].filter((x): x is string => typeof x === 'string' && !!x.trim());
  return parts.length ? parts.join('\n') : null;
}

/** Markdown and Slack-style links as `<a href>`; a quote in a URL cannot break out of the attribute. */
export function wechatLinks(text: string): string {
  const a = (url: string, label: string) => `<a href="${url.replace(/"/g, '%22')}">${label}</a>`;
  return text
    .replace(/\[([^\]\n]{1,200})\]\((https?:\/\/[^\s)]{1,1000})\)/g, (_m, label: string, url: string) => a(url, label))
    .replace(/<(https?:\/\/[^|>\s]{1,1000})\|([^>\n]{1,200})>/g, (_m, url: string, label: string) => a(url, label))
    .replace(/<(https?:\/\/[^|>\s]{1,1000})>/g, (_m, url: string) => a(url, url));
}

/** One turn's replies (or one message) as one WeChat text, with the last question's options. */
export function renderActivities(activities: Array<Partial<Activity>>, lang: BotLanguage): Rendered {
  const parts: string[] = [];
  let choices: string[] | null = null;
  for (const a of activities) {
    if (a.type && a.type !== 'message') continue;
    const blocks: string[] = [];
    const text = typeof a.text === 'string' ? a.text.trim() : '';
    if (text) blocks.push(text);
    for (const att of a.attachments ?? []) {
      const t = cardText(att as CardLike);
      if (t) blocks.push(t);
    }
    let body = blocks.join('\n\n');
    const actions = (a.suggestedActions?.actions ?? []).filter((x) => x && (typeof x.value === 'string' || typeof x.title === 'string'));
    const labels = actions.map((x) => String(x.title ?? x.value));
    const values = actions.map((x) => String(typeof x.value === 'string' ? x.value : x.title));
    if (labels.length >= 2) {
      // A list the text already numbers ("1. 问题描述 …") is not numbered twice.
      const listed = labels.every((l, i) => text.includes(`${i + 1}. ${l}`));
      if (!listed) body = [body, numberedOptions(labels, lang)].filter(Boolean).join('\n');
      choices = values;
    } else if (labels.length === 1) {
      if (!text.includes(labels[0]!)) body = [body, singleOption(labels[0]!, lang)].filter(Boolean).join('\n');
      choices = null;
    } else if (body) {
      choices = null;
    }
    if (body) parts.push(body);
  }
  return { text: wechatLinks(parts.join('\n\n')), choices };
}

/** The option a bare number stands for ("2", "２", "2." → the second option), or null. */
export function choiceFor(text: string, choices: readonly string[] | null | undefined): string | null {
  if (!choices || choices.length < 2) return null;
  const m = /^\s*([0-9０-９]{1,2})\s*[.。、)）]?\s*$/.exec(text);
  if (!m) return null;
  const n = Number(m[1]!.replace(/[０-９]/g, (d) => String(d.charCodeAt(0) - 0xff10)));
  return choices[n - 1] ?? null;
}

/** Pieces of at most MAX_TEXT_BYTES each, cut at paragraph or line ends where possible. */
export function splitText(text: string, maxBytes = MAX_TEXT_BYTES): string[] {
  const out: string[] = [];
  let rest = text;
  while (Buffer.byteLength(rest) > maxBytes) {
    // The longest prefix that fits, by characters (never splitting a surrogate pair).
    const chars = [...rest];
    let lo = 0;
    let bytes = 0;
    while (lo < chars.length && bytes + Buffer.byteLength(chars[lo]!) <= maxBytes) bytes += Buffer.byteLength(chars[lo++]!);
    const prefix = chars.slice(0, lo).join('');
    const cut = Math.max(prefix.lastIndexOf('\n\n'), prefix.lastIndexOf('\n'));
    const at = cut > prefix.length / 2 ? cut : prefix.length;
    out.push(prefix.slice(0, at).trimEnd());
    rest = rest.slice(at).replace(/^\n+/, '');
  }
  if (rest.trim() || !out.length) out.push(rest);
  return out;
}
