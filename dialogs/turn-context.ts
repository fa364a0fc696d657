/**
 * What every dialog reads from a turn besides the text: the customer's language (chosen once per
 * turn by `ConversationLanguage`) and who the customer is (channel and conversation id), so
 * dialogs see nothing else of the channel.
 */
import crypto from 'node:crypto';
import type { Middleware, StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { ChannelName } from '../src/domain/taxonomy';
import { chooseLanguage } from './language';
import { messagesFor, type BotLanguage, type Messages } from './messages';
import type { CustomerActor } from './ports';

const LANGUAGE = Symbol('complaint-desk.language');
const CUSTOMER = Symbol('complaint-desk.customer');

export function languageOf(context: TurnContext): BotLanguage {
  return (context.turnState.get(LANGUAGE) as BotLanguage | undefined) ?? 'zh-CN';
}

export function say(context: TurnContext): Messages {
  return messagesFor(languageOf(context));
}

export function setLanguage(context: TurnContext, lang: BotLanguage): void {
  context.turnState.set(LANGUAGE, lang);
}

/** The channel names the core knows, from a Bot Framework channel id. */
export function channelName(channelId: string | undefined): ChannelName {
  if (channelId === 'directline' || channelId === 'webchat' || channelId === 'wechat') return channelId;
  return 'botframework';
}

export function customerOf(context: TurnContext): CustomerActor {
  const stored = context.turnState.get(CUSTOMER) as CustomerActor | undefined;
  if (stored) return stored;
  return { channel: channelName(context.activity.channelId), conversationId: context.activity.conversation?.id ?? 'unknown' };
}

export function setCustomer(context: TurnContext, actor: CustomerActor): void {
  context.turnState.set(CUSTOMER, actor);
}

/** An id for what this activity adds to a ticket: the same activity delivered (or re-run) twice adds once. */
export function messageIdOf(context: TurnContext): string | undefined {
  const a = context.activity;
  if (!a.id) return undefined;
  return crypto.createHash('sha256').update(`${a.channelId}\n${a.conversation?.id}\n${a.id}`).digest('base64url').slice(0, 32);
}

/** Keeps the conversation's language: from the locale or the first message, then following the customer's script. */
export class ConversationLanguage implements Middleware {
  constructor(private readonly property: StatePropertyAccessor<BotLanguage | undefined>) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    await this.apply(context);
    await next();
  }

  async apply(context: TurnContext): Promise<BotLanguage> {
    const current = await this.property.get(context);
    const text = typeof context.activity.text === 'string' ? context.activity.text : '';
    const lang = context.activity.type === 'message' ? chooseLanguage(current, context.activity.locale, text) : (current ?? chooseLanguage(undefined, context.activity.locale, ''));
    if (lang !== current) await this.property.set(context, lang);
    setLanguage(context, lang);
    return lang;
  }
}
