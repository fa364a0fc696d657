/**
 * How the core's delivery worker reaches a customer again (an agent's reply, "your ticket is
 * resolved"): one implementation per customer channel, addressed by the `conversationRef` the
 * channel wrote at filing.
 */
import type { ChannelName, Language } from '../src/domain/taxonomy';

export interface CustomerMessage {
  text: string;
  language: Language;
  /** Who speaks: an agent (shown with their display name where the channel can) or the desk itself. */
  from?: { kind: 'agent' | 'system'; name?: string };
}

export interface CustomerChannel {
  readonly name: ChannelName;
  /** Deliver one message; throws when the channel refuses (the worker retries later). */
  send(conversationRef: string, message: CustomerMessage): Promise<void>;
}

export class ConversationRefError extends Error {
  override name = 'ConversationRefError';
}

/** The conversation reference a channel wrote at filing, parsed and checked. */
export function parseConversationRef(json: string): { channelId: string; serviceUrl: string; conversation: { id: string }; user?: { id: string }; bot?: { id: string }; locale?: string } {
  let ref: unknown;
  try {
    ref = JSON.parse(json);
  } catch {
    throw new ConversationRefError('conversationRef is not JSON');
  }
  const r = ref as { channelId?: unknown; serviceUrl?: unknown; conversation?: { id?: unknown } };
  if (!r || typeof r.channelId !== 'string' || typeof r.serviceUrl !== 'string' || typeof r.conversation?.id !== 'string') {
    throw new ConversationRefError('conversationRef lacks channelId, serviceUrl or conversation.id');
  }
  return ref as ReturnType<typeof parseConversationRef>;
}
