/**
 * Agents' messages to customers, delivered on the customer's own channel (Bot Framework
 * proactive message, Direct Line push …): a consumer of the delivery worker
 * (delivery-worker.ts) for `ticket.agent_message` events. A lane per customer channel. The
 * channels themselves are the customer edges' (`CustomerChannel` in channels/): the core only
 * knows this shape of them. What happened to each message (delivered, or failed with a reason)
 * is the delivery's outcome, which the Slack app shows on the message in the ticket's thread.
 */
import { eventsOf, EVENTS } from '../domain/events';
import type { FeedEntry, MessageStore } from '../domain/ports';
import type { ChannelName, Language } from '../domain/taxonomy';
import type { Ticket } from '../domain/ticket';
import { DeliveryError, type DeliveryConsumer, type DeliveryOutcome, type PlannedDelivery } from './delivery-worker';

export const CUSTOMER_DELIVERY = 'customer';

/** The shape of a customer channel as the core uses it (channels/customer-channel.ts implements it). */
export interface CustomerChannelPort {
  readonly name: ChannelName;
  /**
   * Deliver one message. A channel that has more than one way (WeChat: customer-service message,
   * template message, or waiting for the customer's next message) says which it took: `via`, and
   * `waiting` when the text waits for the customer. The delivery record keeps it.
   */
  send(
    conversationRef: string,
    message: {
      text: string;
      language: Language;
      from?: { kind: 'agent' | 'system'; name?: string };
      kind?: 'agent_message' | 'result' | 'survey' | 'notice';
      ticketNumber?: string;
      id?: string;
      /** Answers offered as buttons where the channel has them (the survey); the text says them too. */
      choices?: Array<{ title: string; value: string }>;
    },
  ): Promise<{ via: string; waiting?: boolean } | void>;
}

export interface CustomerDeliveryDeps {
  channels: CustomerChannelPort[];
  tickets: { get(number: string): Promise<Ticket> };
  messages: MessageStore;
}

export class CustomerDelivery implements DeliveryConsumer {
  readonly name = CUSTOMER_DELIVERY;

  constructor(private readonly deps: CustomerDeliveryDeps) {}

  plan(entries: FeedEntry[]): PlannedDelivery[] {
    return entries.flatMap((e) =>
      eventsOf(e)
        .filter((ev) => ev.type === EVENTS.TICKET_AGENT_MESSAGE)
        .map((ev) => ({ id: ev.id, seq: e.seq, key: e.number, lane: `customer:${e.after.channel}`, kind: 'agent_message', data: { messageId: ev.data.messageId, by: e.actor.name ?? null } })),
    );
  }

  async deliver(d: PlannedDelivery): Promise<DeliveryOutcome> {
    const ticket = await this.deps.tickets.get(d.key);
    const channel = this.deps.channels.find((c) => c.name === ticket.channel);
    if (!channel) throw new DeliveryError(`no way to reach customers of channel "${ticket.channel}" from the desk (contact them directly)`, { retryable: false });
    if (!ticket.conversationRef) throw new DeliveryError('the ticket has no conversation to write to (contact the customer directly)', { retryable: false });
    const message = await this.deps.messages.get(String(d.data.messageId));
    if (!message?.text) throw new DeliveryError('the message text is gone (erased)', { retryable: false });
    let how: { via: string; waiting?: boolean } | void;
    try {
      how = await channel.send(ticket.conversationRef, {
        text: message.text,
        language: ticket.language,
        from: { kind: 'agent', ...(d.data.by ? { name: String(d.data.by) } : {}) },
        kind: 'agent_message',
        ticketNumber: ticket.number,
        id: `${CUSTOMER_DELIVERY}:${d.id}`,
      });
    } catch (err) {
      throw new DeliveryError(`${ticket.channel}: ${(err as Error)?.message ?? String(err)}`, { retryable: true, cause: err });
    }
    // Which way it went is kept with the delivery record (the Slack thread shows it).
    return { status: 'sent', result: { via: how?.via ?? 'conversation', ...(how?.waiting ? { waiting: true } : {}) } };
  }
}
