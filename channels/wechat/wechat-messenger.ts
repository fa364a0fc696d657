/**
 * How a message reaches a WeChat customer outside a passive reply:
 *
 * 1. Within 48 hours of the customer's last message: a customer-service message (客服消息).
 * 2. Otherwise — or when WeChat refuses it (45015 out of the window, 45047 the window's quota of
 *    messages used up, 43004 unsubscribed, 48001 the account lacks the permission) — the message
 *    waits in the customer's queue and goes out with the answer to their next message; and when
 *    a template (模板消息) is configured for its kind, a template message tells them now that
 *    something waits ("客服已回复 · 2026000123 · 回复任意消息即可查看详情"). A template carries
 *    only short fields (WeChat shows about 20 characters of each), so the full text always waits.
 *
 * Nothing is dropped: every message is sent, or waits, or the error is thrown to the caller (the
 * delivery worker retries it and, in the end, records the failure the agents see in Slack).
 */
import type { Logger } from 'pino';
import type { TemplateSetting } from '../../src/config/wechat-template';
import type { BotLanguage } from '../../dialogs/messages';
import { NOT_REACHABLE_NOW, WeChatApiError, type WeChatApi } from './wechat-api';
import { splitText, wechatLinks } from './wechat-render';
import type { PendingKind, UserDoc, WeChatStore } from './wechat-store';
import { wechatTexts } from './wechat-texts';

export const WINDOW_MS = 48 * 3600_000;
/** Treat the window as closing a little early: a message sent at 47:59 may reach WeChat at 48:00. */
const WINDOW_MARGIN_MS = 10 * 60_000;

export type WeChatRoute = 'customer_service' | 'template' | 'queued';

export interface WeChatOutgoing {
  text: string;
  kind: PendingKind;
  ticketNumber?: string;
  /** Makes queueing idempotent (the delivery's id): a retried delivery never waits twice. */
  id?: string;
  /** Used until the customer's own language is known (the bot records it at every message). */
  language?: BotLanguage;
  /** From an agent: the text gets a heading with their name ('' for none). */
  fromAgent?: string;
}

export interface MessengerSettings {
  templates: { result?: TemplateSetting | undefined; survey?: TemplateSetting | undefined };
  timeZone: string;
  now?: () => number;
}

export class WeChatMessenger {
  private readonly now: () => number;

  constructor(
    private readonly api: WeChatApi,
    private readonly store: WeChatStore,
    private readonly settings: MessengerSettings,
    private readonly logger: Logger,
  ) {
    this.now = settings.now ?? Date.now;
  }

  inWindow(user: UserDoc | null): boolean {
    const last = user?.lastMessageAt?.getTime();
    return last !== undefined && this.now() - last < WINDOW_MS - WINDOW_MARGIN_MS;
  }

  /**
   * A message for the customer from the desk (an agent's reply, a result notice, a survey):
   * customer-service message, or template + waiting, or waiting. Throws on failures worth
   * retrying (WeChat busy or unreachable), so the caller tries again later.
   */
  async deliver(openId: string, outgoing: WeChatOutgoing): Promise<{ via: WeChatRoute; waiting: boolean }> {
    const user = await this.store.user(openId);
    const lang = user?.lang ?? outgoing.language ?? 'zh-CN';
    const heading = outgoing.fromAgent !== undefined ? `${wechatTexts(lang).fromAgent(outgoing.fromAgent || undefined)}\n` : '';
    const message: WeChatOutgoing = { ...outgoing, language: lang, text: wechatLinks(`${heading}${outgoing.text}`) };
    if (this.inWindow(user) && !user?.unsubscribedAt) {
      const r = await this.sendChunks(openId, message);
      if (r !== 'unreachable') return { via: 'customer_service', waiting: r === 'partly' };
    } else {
      await this.queue(openId, splitText(message.text), message);
    }
    const template = this.templateFor(message.kind);
    if (!template) return { via: 'queued', waiting: true };
    try {
      await this.api.sendTemplate(openId, { templateId: template.id, data: this.templateData(template, message, user) });
      return { via: 'template', waiting: true };
    } catch (err) {
      if (err instanceof WeChatApiError && err.retryable) throw err;
      // A template WeChat refuses for good (unsubscribed, wrong template id or fields): the message still waits.
      this.logger.warn({ err: { message: (err as Error).message }, kind: message.kind }, 'wechat: template message refused; the message waits for the customer');
      return { via: 'queued', waiting: true };
    }
  }

  /**
   * The late answer to a customer's message (the dialog was not ready within WeChat's 5 s):
   * customer-service messages right away, retried briefly; what cannot go waits.
   */
  async sendLate(openId: string, text: string): Promise<WeChatRoute> {
    const message: WeChatOutgoing = { text, kind: 'reply' };
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.sendChunks(openId, message)) === 'unreachable' ? 'queued' : 'customer_service';
      } catch (err) {
        if (attempt >= 3) {
          this.logger.warn({ err: { message: (err as Error).message } }, 'wechat: a late answer could not be sent; it waits for the customer');
          await this.queue(openId, splitText(text), message);
          return 'queued';
        }
        await new Promise((r) => setTimeout(r, 300 * 3 ** (attempt - 1)));
      }
    }
  }

  /**
   * Send the text by the customer-service API, in pieces WeChat accepts. 'sent': all went;
   * 'unreachable': WeChat refuses customer-service messages to this customer now; 'partly': a
   * later piece failed. In the last two cases the pieces not sent wait in the queue (a piece is
   * never sent twice). An error worth retrying before any piece went is thrown.
   */
  private async sendChunks(openId: string, message: WeChatOutgoing): Promise<'sent' | 'partly' | 'unreachable'> {
    const chunks = splitText(message.text);
    for (let i = 0; i < chunks.length; i++) {
      try {
        await this.api.sendText(openId, chunks[i]!);
      } catch (err) {
        const unreachable = err instanceof WeChatApiError && err.errcode !== null && NOT_REACHABLE_NOW.has(err.errcode);
        if (!unreachable && i === 0) throw err;
        await this.queue(openId, chunks.slice(i), message, i);
        return unreachable ? 'unreachable' : 'partly';
      }
    }
    return 'sent';
  }

  private async queue(openId: string, chunks: string[], message: WeChatOutgoing, offset = 0): Promise<void> {
    for (let i = 0; i < chunks.length; i++) {
      await this.store.enqueue(openId, { text: chunks[i]!, kind: message.kind, ...(message.id ? { key: `${message.id}/${offset + i}` } : {}) });
    }
  }

  private templateFor(kind: PendingKind): TemplateSetting | undefined {
    if (kind === 'survey') return this.settings.templates.survey;
    if (kind === 'reply') return undefined;
    return this.settings.templates.result;
  }

  private templateData(t: TemplateSetting, message: WeChatOutgoing, user: UserDoc | null): Record<string, { value: string }> {
    const texts = wechatTexts(message.language ?? user?.lang ?? 'zh-CN');
    const value = (source: string): string => {
      switch (source) {
        case 'number':
          return message.ticketNumber ?? '—';
        case 'status':
          return texts.status[message.kind];
        case 'title':
          return texts.title;
        case 'hint':
          return texts.hint;
        case 'time':
          return formatTime(this.now(), this.settings.timeZone);
        default:
          return message.text.replace(/\s+/g, ' ').trim();
      }
    };
    return Object.fromEntries(t.fields.map(({ field, source }) => [field, { value: fit(field, value(source)) }]));
  }
}

/** WeChat shows about 20 characters of a template field (5 of a `phrase`, 32 of numbers and codes). */
function fit(field: string, value: string): string {
  const max = /^phrase/.test(field) ? 5 : /^(character_string|number|amount|car_number)/.test(field) ? 32 : 20;
  const chars = [...value];
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join('')}…`;
}

function formatTime(ms: number, timeZone: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false })
      .formatToParts(new Date(ms))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour === '24' ? '00' : p.hour}:${p.minute}`;
}
