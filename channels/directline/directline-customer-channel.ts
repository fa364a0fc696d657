/** Reaching a Direct Line / widget customer again: a bot activity appended to their conversation, which the open websocket streams. */
import type { ConversationReference } from 'botbuilder';
import type { ChannelName } from '../../src/domain/taxonomy';
import { parseConversationRef, type CustomerChannel, type CustomerMessage } from '../customer-channel';
import type { DirectLineAdapter } from './directline-adapter';

export class DirectLineCustomerChannel implements CustomerChannel {
  constructor(
    readonly name: Extract<ChannelName, 'directline' | 'webchat'>,
    private readonly adapter: DirectLineAdapter,
  ) {}

  async send(conversationRef: string, message: CustomerMessage): Promise<void> {
    const ref = parseConversationRef(conversationRef);
    await this.adapter.continueConversation(ref as Partial<ConversationReference>, async (context) => {
      // The conversation reference sets `from` to the bot; the agent's display name travels in channelData.
      await context.sendActivity({ type: 'message', text: message.text, ...(message.from?.name ? { channelData: { agent: { name: message.from.name } } } : {}) });
    });
  }
}
