/**
 * Erasing one customer's personal data on request. Each of their tickets records the erasure as
 * a change (audited, so the chain says who erased what and when), then loses the chat it came from
 * (transcript, dialog state, the channel's record of the customer), its personal values, its
 * message texts and its link to the contact (the keyed hash). What stays is what never held
 * them: the records in the journal, the feed and the audit chain, which carry only a keyed
 * digest — so every chain still verifies. The customer's tickets are found through the
 * per-customer index (one `_id` lookup), and the request itself is audited by the customer's hash.
 */
import type { Clock, ConversationRecords, MessageStore, TicketRepository } from './ports';
import type { ChangeTicket } from './change-ticket';
import type { PersonalData } from './personal-data';
import type { Actor } from './ticket';

export interface EraseResult {
  tickets: string[];
}

export class EraseCustomer {
  constructor(
    private readonly deps: {
      tickets: TicketRepository;
      messages: MessageStore;
      changes: ChangeTicket;
      personal: PersonalData;
      clock: Clock;
      forget?: (key: string) => Promise<void>;
      conversations?: ConversationRecords;
    },
  ) {}

  async erase(contact: { phone?: string; email?: string }, actor: Actor): Promise<EraseResult> {
    const key = this.deps.personal.keyOf(contact);
    const numbers: string[] = [];
    for (const number of await this.deps.personal.ticketsOf(key)) {
      const before = await this.deps.tickets.get(number);
      // Listed under this customer: theirs (an erased one is finished again: a run may have died halfway).
      if (!before || (!before.erased && before.customer.key !== key)) continue;
      const ticket = await this.deps.changes.markErased(number, actor);
      // The chat it came from, while the ticket still names it (a run that stops here finds it again).
      // Only a chat the desk's own channels filed from (no source): a filing system's reference is its own.
      if (before.conversationRef && before.source === null && this.deps.conversations) await this.deps.conversations.erase(before.conversationRef);
      await this.deps.tickets.erasePersonal(number);
      await this.deps.messages.delete(ticket.messages.map((m) => m.id));
      numbers.push(number);
    }
    await this.deps.tickets.forgetCustomer(key);
    await this.deps.forget?.(key);
    await this.deps.personal.record(actor, 'customer.erased', key, this.deps.clock.now(), { tickets: numbers });
    return { tickets: numbers };
  }
}
