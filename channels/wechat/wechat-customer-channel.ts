/**
 * Reaching a WeChat customer again (an agent's reply, a result notice, a survey): the OpenID from
 * the conversation reference written at filing, then the messenger's way — customer-service
 * message inside the 48-hour window, else template message and/or waiting for their next
 * message. It answers which way it went, for the delivery record.
 */
import type { ChannelName } from '../../src/domain/taxonomy';
import { ConversationRefError, parseConversationRef, type CustomerChannel, type CustomerMessage, type CustomerSendResult } from '../customer-channel';
import type { WeChatMessenger } from './wechat-messenger';

export class WeChatCustomerChannel implements CustomerChannel {
  readonly name: ChannelName = 'wechat';

  constructor(
    private readonly appId: string,
    private readonly messenger: WeChatMessenger,
  ) {}

  async send(conversationRef: string, message: CustomerMessage): Promise<CustomerSendResult> {
    const ref = parseConversationRef(conversationRef);
    if (ref.channelId !== 'wechat' || ref.serviceUrl !== `wechat:${this.appId}`) throw new ConversationRefError('the conversation is not with this Official Account');
    const openId = ref.user?.id;
    if (!openId || !/^[A-Za-z0-9_-]{1,64}$/.test(openId)) throw new ConversationRefError('the conversation reference has no OpenID');
    return this.messenger.deliver(openId, {
      text: message.text,
      kind: message.kind ?? 'agent_message',
      // The customer's language as the bot last spoke it; the ticket's (zh or en) until then.
      language: message.language === 'en' ? 'en' : 'zh-CN',
      ...(message.from?.kind === 'agent' ? { fromAgent: message.from.name ?? '' } : {}),
      ...(message.ticketNumber ? { ticketNumber: message.ticketNumber } : {}),
      ...(message.id ? { id: message.id } : {}),
    });
  }
}
