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
  /**
   * What the message is, for channels that must choose how to send it (WeChat: outside its
   * 48-hour window, a result notice or a survey may go as a template message). Default: agent_message.
   */
  kind?: CustomerMessageKind;
  /** The ticket it is about (a template message shows the number). */
  ticketNumber?: string;
  /** A stable id of this delivery (the delivery worker's): a retried send never queues the message twice. */
  id?: string;
  /**
   * Answers offered as buttons (the survey's 1–5): a card in Web Chat and Bot Framework; WeChat
   * has none, and the text already numbers them ("回复 1 …").
   */
  choices?: Array<{ title: string; value: string }>;
}

export type CustomerMessageKind = 'agent_message' | 'result' | 'survey' | 'notice';

/**
 * Which way a message went, for the delivery record (and so for the ticket's history in Slack):
 * `conversation` (written to the open conversation: Bot Framework, Direct Line), `customer_service`
 * (WeChat's customer-service message, inside 48 hours), `template` (a WeChat template message
 * told the customer; the full text waits), `queued` (it waits and goes out with the answer to the
 * customer's next message). `waiting`: some or all of the text waits for the customer.
 */
export interface CustomerSendResult {
  via: 'conversation' | 'customer_service' | 'template' | 'queued';
  waiting?: boolean;
}

export interface CustomerChannel {
  readonly name: ChannelName;
  /** Deliver one message; throws when the channel refuses (the worker retries later). */
  send(conversationRef: string, message: CustomerMessage): Promise<CustomerSendResult | void>;
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
