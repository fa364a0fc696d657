/**
 * Reaching a Direct Line / widget customer again: a bot activity appended to their conversation,
 * which the open websocket streams. A conversation whose customer has not written for longer than
 * a token lives (`idleMs`) has most likely been closed (the widget keeps its token only while the
 * page is open): the message is still appended — it is there if they come back — but the channel
 * answers `waiting`, so a notice also goes out by e-mail.
 */
import { CardFactory, type ConversationReference } from 'botbuilder';
import type { ChannelName } from '../../src/domain/taxonomy';
import { parseConversationRef, type CustomerChannel, type CustomerMessage, type CustomerSendResult } from '../customer-channel';
import type { DirectLineAdapter } from './directline-adapter';
import type { DirectLineStore } from './activity-store';

export class DirectLineCustomerChannel implements CustomerChannel {
  constructor(
    readonly name: Extract<ChannelName, 'directline' | 'webchat'>,
    private readonly adapter: DirectLineAdapter,
    private readonly presence?: { store: DirectLineStore; idleMs: number; now?: () => number },
  ) {}

  async send(conversationRef: string, message: CustomerMessage): Promise<CustomerSendResult> {
    const ref = parseConversationRef(conversationRef);
    await this.adapter.continueConversation(ref as Partial<ConversationReference>, async (context) => {
      // The conversation reference sets `from` to the bot; the agent's display name travels in channelData.
      await context.sendActivity({ type: 'message', text: message.text, ...(message.from?.name ? { channelData: { agent: { name: message.from.name } } } : {}), ...choicesCard(message) });
    });
    if (!this.presence || message.kind === undefined || message.kind === 'agent_message') return { via: 'conversation' };
    const last = await this.presence.store.lastFromUserAt(ref.conversation.id);
    const now = this.presence.now?.() ?? Date.now();
    return { via: 'conversation', ...(!last || now - last.getTime() > this.presence.idleMs ? { waiting: true } : {}) };
  }
}

/** The answers as a card of buttons that send their value back as the customer's text. */
export function choicesCard(message: CustomerMessage): { attachments?: ReturnType<typeof CardFactory.heroCard>[] } {
  if (!message.choices?.length) return {};
  return { attachments: [CardFactory.heroCard('', undefined, message.choices.map((c) => ({ type: 'imBack', title: c.title, value: c.value })))] };
}
