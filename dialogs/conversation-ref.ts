/**
 * What a channel needs to reach this customer again (agent replies, "your ticket is resolved"):
 * the Bot Framework conversation reference as JSON, without names, trimmed to the core's 2000
 * characters. It holds no secret — channels authenticate with their own credentials.
 */
import { TurnContext } from 'botbuilder';

export const MAX_CONVERSATION_REF = 2000;

export function conversationRefOf(context: TurnContext): string {
  const ref = TurnContext.getConversationReference(context.activity);
  const slim = {
    channelId: ref.channelId,
    serviceUrl: ref.serviceUrl,
    locale: ref.locale,
    conversation: { id: ref.conversation?.id, ...(ref.conversation?.tenantId ? { tenantId: ref.conversation.tenantId } : {}), ...(ref.conversation?.conversationType ? { conversationType: ref.conversation.conversationType } : {}) },
    user: ref.user ? { id: ref.user.id } : undefined,
    bot: ref.bot ? { id: ref.bot.id } : undefined,
  };
  const json = JSON.stringify(slim);
  if (json.length <= MAX_CONVERSATION_REF) return json;
  return JSON.stringify({ channelId: slim.channelId, serviceUrl: slim.serviceUrl, conversation: { id: slim.conversation.id } }).slice(0, MAX_CONVERSATION_REF);
}
